/**
 * deploy/kubernetes as files, no kubectl needed: every document parses and
 * validates against the Kubernetes schemas, the base's pod runs a command line
 * the real CLI parser accepts, sets only variables onboarder reads, runs
 * locked down, has git-sync publish exactly where onboarder reads, and RBAC
 * grants only what the Lease elector needs. What the overlays change is
 * checked on kubectl's rendering (render.test.ts).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BASE,
  DEPLOY,
  REPO_ROOT,
  container,
  DATABRICKS_VARIABLES,
  documentsOf,
  expectOnlyOnboarderVariables,
  flagsOf,
  onboarderConfig,
  portNumber,
  theOne,
  yamlFiles,
  type Deployment,
  type K8sObject,
  type PodSpec,
} from '../support/deploy.js';
import { schemaErrors } from '../support/kube-schemas.js';

/** git-sync v4 flags the sidecar may use (a misspelt flag is fatal to git-sync, a misspelt variable silent). */
const GIT_SYNC_FLAGS = ['repo', 'ref', 'root', 'link', 'period', 'max-failures', 'stale-worktree-timeout', 'http-bind', 'depth', 'ssh-key-file', 'ssh-known-hosts-file'];

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

/** The objects of base/, the Kustomization and the secret example included. */
async function baseObjects(): Promise<K8sObject[]> {
  const objects: K8sObject[] = [];
  for (const file of await yamlFiles(BASE)) objects.push(...((await documentsOf(file)) as K8sObject[]));
  return objects;
}

async function baseDeployment(): Promise<Deployment> {
  return theOne<Deployment>(await baseObjects(), 'Deployment', 'onboarder');
}

async function podSpec(): Promise<PodSpec> {
  return (await baseDeployment()).spec.template.spec;
}

describe('deploy/: YAML', () => {
  it('parses every YAML document under deploy/ without an error or a warning', async () => {
    const files = (await yamlFiles(DEPLOY)).map((f) => path.relative(DEPLOY, f));
    expect(files).toEqual(
      expect.arrayContaining([
        'kubernetes/base/kustomization.yaml',
        'kubernetes/overlays/observe-only/kustomization.yaml',
        'kubernetes/overlays/production/kustomization.yaml',
        'kubernetes/components/monitoring/kustomization.yaml',
        'kubernetes/jobs/confirm-deletions.yaml',
        'prometheus/alerts.yaml',
      ]),
    );
    for (const file of files) expect((await documentsOf(path.join(DEPLOY, file))).length, file).toBeGreaterThan(0);
  });

  it('validates every object of base/ against the Kubernetes schemas', async () => {
    const objects = (await baseObjects()).filter((o) => o.kind !== 'Kustomization');
    expect(objects.length).toBeGreaterThanOrEqual(8);
    for (const object of objects) expect(schemaErrors(object), `${object.kind} ${object.metadata.name}`).toEqual([]);
    // The schemas are enforced, not just loaded: a wrong type is refused.
    const deployment = await baseDeployment();
    const wrong: Deployment = { ...deployment, spec: { ...deployment.spec, replicas: 'two' as unknown as number } };
    expect(schemaErrors(wrong)).toContain('/spec/replicas must be integer');
  });

  it('lists every manifest of base/ in its kustomization except the secret example', async () => {
    const kustomization = theOne(await baseObjects(), 'Kustomization') as K8sObject & { resources: string[]; namespace?: string };
    const files = (await readdir(BASE)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect(files).toContain('secret.example.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => f !== 'secret.example.yaml').sort());
    expect(kustomization.namespace).toBe('onboarder');
  });
});

describe('deploy/kubernetes/base: the onboarder pod', () => {
  it('runs `run /git/desired-state`, accepted by the real CLI parser: one replica that applies, no leader election', async () => {
    const deployment = await baseDeployment();
    expect(deployment.spec.replicas).toBe(1);
    const config = onboarderConfig(container(deployment.spec.template.spec, 'onboarder'));
    expect(config).toMatchObject({ command: 'run', dir: '/git/desired-state', leaderElect: false, observeOnly: false, logFormat: 'json', port: 8080 });
    expect(container(deployment.spec.template.spec, 'onboarder').image).toBe('ghcr.io/example/onboarder:0.1.0');
  });

  it('sets only standard Databricks variables, POD_NAME and ONBOARDER_* variables that src/config.ts reads', async () => {
    const onboarder = container(await podSpec(), 'onboarder');
    const names = (onboarder.env ?? []).map((e) => e.name);
    expect(names).toContain('POD_NAME');
    await expectOnlyOnboarderVariables(names.filter((name) => name !== 'POD_NAME'));
    // The Lease holder identity comes from the downward API.
    expect(onboarder.env?.find((e) => e.name === 'POD_NAME')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
  });

  it('takes Databricks credentials only from the Secret onboarder-databricks, OAuth M2M in the example', async () => {
    const onboarder = container(await podSpec(), 'onboarder');
    expect((onboarder.env ?? []).filter((e) => e.name.startsWith('DATABRICKS_'))).toEqual([]);
    expect(onboarder.envFrom).toEqual([{ secretRef: { name: 'onboarder-databricks' } }]);

    const secret = theOne(await baseObjects(), 'Secret', 'onboarder-databricks') as K8sObject & { stringData: Record<string, string> };
    for (const key of Object.keys(secret.stringData)) expect(DATABRICKS_VARIABLES, key).toContain(key);
    expect(Object.keys(secret.stringData)).toEqual(expect.arrayContaining(['DATABRICKS_ACCOUNT_ID', 'DATABRICKS_HOST', 'DATABRICKS_CLIENT_ID', 'DATABRICKS_CLIENT_SECRET']));
    const config = onboarderConfig(onboarder, secret.stringData);
    expect(config.databricks.credentials?.type).toBe('oauth-m2m');
    expect(config.databricks.accountId).toBe(secret.stringData.DATABRICKS_ACCOUNT_ID);
  });

  it('switches off service links: the Service onboarder would inject ONBOARDER_PORT=tcp://…, which --port refuses', async () => {
    const pod = await podSpec();
    expect(pod.enableServiceLinks).toBe(false);
    expect(() => onboarderConfig(container(pod, 'onboarder'), { ONBOARDER_PORT: 'tcp://10.96.0.42:8080' })).toThrow(/port/);
    theOne(await baseObjects(), 'Service', 'onboarder');
  });

  it('probes /healthz (liveness) and /readyz (readiness) on the port onboarder serves', async () => {
    const onboarder = container(await podSpec(), 'onboarder');
    const { port } = onboarderConfig(onboarder);
    expect(onboarder.ports).toContainEqual({ name: 'http', containerPort: port });
    expect(onboarder.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(onboarder.readinessProbe?.httpGet.path).toBe('/readyz');
    expect(portNumber(onboarder, onboarder.livenessProbe!.httpGet.port)).toBe(port);
    expect(portNumber(onboarder, onboarder.readinessProbe!.httpGet.port)).toBe(port);
  });

  it('leaves time for in-flight calls (and releasing a Lease) on shutdown, and mounts no API token without leader election', async () => {
    const pod = await podSpec();
    expect(pod.serviceAccountName).toBe('onboarder');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(onboarderConfig(container(pod, 'onboarder')).shutdownGraceMs);
  });

  it('never runs two writers during a rollout: the old pod stops before the new one starts', async () => {
    const { strategy } = (await baseDeployment()).spec;
    expect(strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
  });

  it('runs every container non-root (the Dockerfile user for onboarder) with a read-only root and no capabilities', async () => {
    const pod = await podSpec();
    const dockerfileUser = /^USER (\d+):(\d+)$/m.exec(await readFile(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: Number(dockerfileUser![1]),
      runAsGroup: Number(dockerfileUser![2]),
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext, c.name).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.securityContext?.capabilities?.add, c.name).toBeUndefined();
      expect(c.resources?.requests, c.name).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources?.limits, c.name).toMatchObject({ memory: expect.any(String) });
    }
    expect(container(pod, 'onboarder').resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
  });

  it('has git-sync, a native sidecar, publish the desired state exactly where onboarder reads it, read-only', async () => {
    const pod = await podSpec();
    const gitSync = container(pod, 'git-sync');
    expect(pod.initContainers.map((c) => c.name)).toContain('git-sync');
    expect(gitSync.restartPolicy).toBe('Always');
    expect(gitSync.image).toBe('registry.k8s.io/git-sync/git-sync:v4.4.0');

    const flags = flagsOf(gitSync);
    for (const flag of flags.keys()) expect(GIT_SYNC_FLAGS, `--${flag}`).toContain(flag);
    expect(flags.get('repo')).toMatch(/^(https:\/\/|git@)/);
    expect(flags.get('ref')).toBe('main');
    expect(flags.get('period')).toBe('15s');
    // --link is relative to --root unless absolute.
    const root = flags.get('root')!;
    const link = path.posix.resolve(root, flags.get('link')!);
    const { dir } = onboarderConfig(container(pod, 'onboarder'));
    expect(link).toBe(dir);

    // Both mount the same emptyDir: git-sync read-write at --root, onboarder read-only above its folder.
    expect(pod.volumes.find((v) => v.name === 'git')?.emptyDir).toBeDefined();
    expect(gitSync.volumeMounts).toContainEqual({ name: 'git', mountPath: root });
    const mount = container(pod, 'onboarder').volumeMounts?.find((m) => m.name === 'git');
    expect(mount).toMatchObject({ mountPath: root, readOnly: true });
    expect(dir.startsWith(`${mount!.mountPath}/`)).toBe(true);

    // onboarder starts once the first sync is done: the startupProbe on git-sync's --http-bind port.
    const httpPort = Number(flags.get('http-bind')?.split(':').pop());
    expect(gitSync.startupProbe?.httpGet.path).toBe('/');
    expect(portNumber(gitSync, gitSync.startupProbe!.httpGet.port)).toBe(httpPort);
    // git credentials from their own Secret, never from onboarder's.
    expect(gitSync.envFrom).toEqual([{ secretRef: { name: 'onboarder-git' } }]);
    const gitSecret = theOne(await baseObjects(), 'Secret', 'onboarder-git') as K8sObject & { stringData: Record<string, string> };
    expect(Object.keys(gitSecret.stringData).sort()).toEqual(['GITSYNC_PASSWORD', 'GITSYNC_USERNAME']);
  });

  it('is reached through the Service; the PodDisruptionBudget keeps one of two replicas and never blocks a drain of one', async () => {
    const objects = await baseObjects();
    const deployment = theOne<Deployment>(objects, 'Deployment', 'onboarder');
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    const service = theOne(objects, 'Service', 'onboarder') as K8sObject & {
      spec: { type: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] };
    };
    expect(service.spec.type).toBe('ClusterIP');
    expect(labels).toMatchObject(service.spec.selector);
    const onboarder = container(deployment.spec.template.spec, 'onboarder');
    expect(service.spec.ports).toHaveLength(1);
    expect(service.spec.ports[0]).toMatchObject({ name: 'http', port: 8080 });
    expect(portNumber(onboarder, service.spec.ports[0]!.targetPort)).toBe(8080);

    const pdb = theOne(objects, 'PodDisruptionBudget', 'onboarder') as K8sObject & { spec: { maxUnavailable?: number; minAvailable?: number; selector: { matchLabels: Record<string, string> } } };
    // One at a time: of two replicas one stays; the single replica of observe-only can still be drained.
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
  });
});

describe('deploy/kubernetes/base: RBAC', () => {
  it('allows exactly get, create and update on coordination.k8s.io leases, get and update on the one Lease only', async () => {
    const role = theOne(await baseObjects(), 'Role') as K8sObject & { rules: PolicyRule[] };
    const { leaseName } = onboarderConfig(container(await podSpec(), 'onboarder'));
    const grants = role.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`))));
    expect([...new Set(grants)].sort()).toEqual(['coordination.k8s.io/leases:create', 'coordination.k8s.io/leases:get', 'coordination.k8s.io/leases:update']);
    expect(grants).toHaveLength(3);
    for (const rule of role.rules) {
      // create is a POST to the collection: a resourceNames restriction would make it never match.
      if (rule.verbs.includes('create')) expect(rule).toEqual({ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] });
      else expect(rule.resourceNames).toEqual([leaseName]);
    }
  });

  it('binds the Role to the ServiceAccount the pods run as', async () => {
    const objects = await baseObjects();
    const role = theOne(objects, 'Role');
    theOne(objects, 'ServiceAccount', 'onboarder');
    const binding = theOne(objects, 'RoleBinding') as K8sObject & { roleRef: object; subjects: object[] };
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: (await podSpec()).serviceAccountName }]);
  });
});
