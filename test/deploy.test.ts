/**
 * The manifests and alert rules in deploy/: every document parses, the
 * container runs a command line the real CLI parser accepts, the pod sets
 * only variables onboarder reads, RBAC grants only what the Lease elector
 * needs, git-sync publishes exactly where onboarder reads, and the alerts use
 * only the contract's metric names and labels (behaviour.md, "Metrics").
 */
import { execFile, spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseConfig, type Config } from '../src/config.js';
import { createMetrics } from '../src/report/metrics.js';
import { CONTRACT_METRICS } from './support/contract.js';

const exec = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPLOY = path.join(REPO_ROOT, 'deploy');
const KUBERNETES = path.join(DEPLOY, 'kubernetes');
const ALERTS = path.join(DEPLOY, 'prometheus', 'alerts.yaml');
const ALERT_TESTS = path.join(DEPLOY, 'prometheus', 'alerts.test.yaml');

/** behaviour.md's metrics table (that file is not in the repository): name -> type and labels. */
const METRIC_TABLE: Record<string, { type: 'counter' | 'gauge' | 'histogram'; labels: string[] }> = {
  onboarder_drift_objects: { type: 'gauge', labels: ['customer', 'kind', 'change'] },
  onboarder_reconcile_total: { type: 'counter', labels: ['result'] },
  onboarder_reconcile_duration_seconds: { type: 'histogram', labels: [] },
  onboarder_actions_total: { type: 'counter', labels: ['kind', 'change', 'result'] },
  onboarder_api_requests_total: { type: 'counter', labels: ['family', 'method', 'code'] },
  onboarder_api_request_duration_seconds: { type: 'histogram', labels: ['family'] },
  onboarder_api_throttled_total: { type: 'counter', labels: ['family'] },
  onboarder_desired_state_valid: { type: 'gauge', labels: [] },
  onboarder_desired_state_revision_info: { type: 'gauge', labels: ['revision'] },
  onboarder_last_success_timestamp_seconds: { type: 'gauge', labels: [] },
  onboarder_is_leader: { type: 'gauge', labels: [] },
  onboarder_customer_synced: { type: 'gauge', labels: ['customer'] },
  onboarder_customer_failed_actions: { type: 'gauge', labels: ['customer', 'kind', 'error_code'] },
  onboarder_deletions_blocked: { type: 'gauge', labels: [] },
  onboarder_build_info: { type: 'gauge', labels: ['version', 'node'] },
};
/** onboarder's own metrics beyond the contract, documented in the README: alerts may use them too. */
const OWN_METRICS: Record<string, { type: 'counter' | 'gauge' | 'histogram'; labels: string[] }> = {
  onboarder_membership_removals_blocked: { type: 'gauge', labels: [] },
};
const KNOWN_METRICS = { ...METRIC_TABLE, ...OWN_METRICS };
const CONTRACT_LABELS = new Set(Object.values(KNOWN_METRICS).flatMap((m) => m.labels));

/** The standard Databricks variables (behaviour.md, Configuration). */
const DATABRICKS_VARIABLES = [
  'DATABRICKS_HOST',
  'DATABRICKS_TOKEN',
  'DATABRICKS_CLIENT_ID',
  'DATABRICKS_CLIENT_SECRET',
  'DATABRICKS_ACCOUNT_ID',
  'DATABRICKS_ACCOUNT_HOST',
];

/** git-sync v4 flags the sidecar may use (a misspelt flag is fatal to git-sync, a misspelt variable silent). */
const GIT_SYNC_FLAGS = ['repo', 'ref', 'root', 'link', 'period', 'max-failures', 'stale-worktree-timeout', 'http-bind', 'depth', 'ssh-key-file', 'ssh-known-hosts-file'];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface HttpProbe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  restartPolicy?: string;
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  startupProbe?: HttpProbe;
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number; seccompProfile?: { type: string } };
  initContainers: Container[];
  containers: Container[];
  volumes: { name: string; emptyDir?: object }[];
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}
interface Deployment extends K8sObject {
  spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}
interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}
interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

async function documentsOf(file: string): Promise<unknown[]> {
  return parseAllDocuments(await readFile(file, 'utf8')).map((doc) => {
    expect(doc.errors, path.relative(REPO_ROOT, file)).toEqual([]);
    expect(doc.warnings, path.relative(REPO_ROOT, file)).toEqual([]);
    return doc.toJS() as unknown;
  });
}

/** The objects of deploy/kubernetes, the Kustomization and the secret example included. */
async function kubernetesObjects(): Promise<{ file: string; object: K8sObject }[]> {
  const objects: { file: string; object: K8sObject }[] = [];
  for (const file of await yamlFiles(KUBERNETES)) {
    for (const doc of await documentsOf(file)) objects.push({ file: path.basename(file), object: doc as K8sObject });
  }
  return objects;
}

async function theOne<T extends K8sObject>(kind: string, name?: string): Promise<T> {
  const found = (await kubernetesObjects()).filter(({ object }) => object.kind === kind && (name === undefined || object.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]!.object as T;
}

async function podSpec(): Promise<PodSpec> {
  return (await theOne<Deployment>('Deployment', 'onboarder')).spec.template.spec;
}

function container(pod: PodSpec, name: string): Container {
  const found = [...pod.initContainers, ...pod.containers].find((c) => c.name === name);
  expect(found, `container ${name}`).toBeDefined();
  return found!;
}

/** The onboarder container's command line through the real parser, with its literal variables. */
function onboarderConfig(pod: PodSpec, extraEnv: NodeJS.ProcessEnv = {}): Config {
  const onboarder = container(pod, 'onboarder');
  const literal = Object.fromEntries((onboarder.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  const parsed = parseConfig(onboarder.args ?? [], { ...literal, ...extraEnv }, false);
  expect(parsed.help).toBe(false);
  return parsed.config!;
}

/** `--name=value` flags of a container's args. */
function flagsOf(c: Container): Map<string, string> {
  const flags = new Map<string, string>();
  for (const arg of c.args ?? []) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    expect(match, `${c.name}: ${arg} is --flag=value`).not.toBeNull();
    flags.set(match![1]!, match![2]!);
  }
  return flags;
}

/** A probe's port (a number or the name of a container port) -> the number. */
function portNumber(c: Container, port: string | number): number | undefined {
  return typeof port === 'number' ? port : c.ports?.find((p) => p.name === port)?.containerPort;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

async function alertRules(): Promise<AlertRule[]> {
  const [doc] = (await documentsOf(ALERTS)) as [{ groups: { name: string; rules: AlertRule[] }[] }];
  expect(doc.groups.map((g) => g.name)).toEqual(['onboarder']);
  return doc.groups[0]!.rules;
}

describe('deploy/: YAML', () => {
  it('parses every YAML document under deploy/ without an error or a warning', async () => {
    const files = await yamlFiles(DEPLOY);
    expect(files.map((f) => path.relative(DEPLOY, f))).toEqual(expect.arrayContaining(['kubernetes/kustomization.yaml', 'prometheus/alerts.yaml']));
    for (const file of files) expect((await documentsOf(file)).length, file).toBeGreaterThan(0);
  });

  it('gives every Kubernetes object an apiVersion, a kind and a name', async () => {
    for (const { file, object } of await kubernetesObjects()) {
      if (object.kind === 'Kustomization') continue;
      expect(object, file).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String), metadata: { name: expect.any(String) } });
    }
  });

  it('lists every manifest in the kustomization except the secret example', async () => {
    const kustomization = (await theOne('Kustomization')) as K8sObject & { resources: string[]; namespace?: string };
    const files = (await readdir(KUBERNETES)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect(files).toContain('secret.example.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => f !== 'secret.example.yaml').sort());
    expect(kustomization.namespace).toBe('onboarder');
  });

  it.skipIf(!onPath('kubectl'))('renders with kubectl kustomize, everything (the RoleBinding subject too) in one namespace', async () => {
    const { stdout } = await exec('kubectl', ['kustomize', KUBERNETES]);
    const objects = parseAllDocuments(stdout).map((d) => d.toJS() as K8sObject & { subjects?: { namespace?: string }[] });
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Namespace', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    for (const o of objects.filter((o) => o.kind !== 'Namespace')) expect(o.metadata.namespace, o.kind).toBe('onboarder');
    expect(objects.find((o) => o.kind === 'RoleBinding')!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'onboarder', namespace: 'onboarder' }]);
  });
});

describe('deploy/kubernetes: the onboarder Deployment', () => {
  it('runs `run /git/desired-state --leader-elect`, accepted by the real CLI parser', async () => {
    const deployment = await theOne<Deployment>('Deployment', 'onboarder');
    expect(deployment.spec.replicas).toBe(2);
    const config = onboarderConfig(deployment.spec.template.spec);
    expect(config).toMatchObject({ command: 'run', dir: '/git/desired-state', leaderElect: true, logFormat: 'json', port: 8080 });
    expect(container(deployment.spec.template.spec, 'onboarder').image).toBe('ghcr.io/example/onboarder:0.1.0');
  });

  it('sets only standard Databricks variables, POD_NAME and ONBOARDER_* variables that src/config.ts reads', async () => {
    const pod = await podSpec();
    const onboarder = container(pod, 'onboarder');
    const source = await readFile(path.join(REPO_ROOT, 'src/config.ts'), 'utf8');
    const names = (onboarder.env ?? []).map((e) => e.name);
    expect(names).toContain('POD_NAME');
    for (const name of names) {
      if (DATABRICKS_VARIABLES.includes(name) || name === 'POD_NAME') continue;
      expect(name, `${name} is not an onboarder variable`).toMatch(/^ONBOARDER_[A-Z_]+$/);
      expect(source, `src/config.ts does not read ${name}`).toMatch(new RegExp(`['"]${name}['"]|env\\.${name}\\b`));
    }
    // The Lease holder identity comes from the downward API.
    expect(onboarder.env?.find((e) => e.name === 'POD_NAME')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
  });

  it('takes Databricks credentials only from the Secret onboarder-databricks, OAuth M2M in the example', async () => {
    const pod = await podSpec();
    const onboarder = container(pod, 'onboarder');
    expect((onboarder.env ?? []).filter((e) => e.name.startsWith('DATABRICKS_'))).toEqual([]);
    expect(onboarder.envFrom).toEqual([{ secretRef: { name: 'onboarder-databricks' } }]);

    const secret = (await theOne('Secret', 'onboarder-databricks')) as K8sObject & { stringData: Record<string, string> };
    for (const key of Object.keys(secret.stringData)) expect(DATABRICKS_VARIABLES, key).toContain(key);
    expect(Object.keys(secret.stringData)).toEqual(expect.arrayContaining(['DATABRICKS_ACCOUNT_ID', 'DATABRICKS_HOST', 'DATABRICKS_CLIENT_ID', 'DATABRICKS_CLIENT_SECRET']));
    const config = onboarderConfig(pod, secret.stringData);
    expect(config.databricks.credentials?.type).toBe('oauth-m2m');
    expect(config.databricks.accountId).toBe(secret.stringData.DATABRICKS_ACCOUNT_ID);
  });

  it('switches off service links: the Service onboarder would inject ONBOARDER_PORT=tcp://…, which --port refuses', async () => {
    const pod = await podSpec();
    expect(pod.enableServiceLinks).toBe(false);
    expect(() => onboarderConfig(pod, { ONBOARDER_PORT: 'tcp://10.96.0.42:8080' })).toThrow(/port/);
    await theOne('Service', 'onboarder');
  });

  it('probes /healthz (liveness) and /readyz (readiness) on the port onboarder serves', async () => {
    const pod = await podSpec();
    const onboarder = container(pod, 'onboarder');
    const { port } = onboarderConfig(pod);
    expect(onboarder.ports).toContainEqual({ name: 'http', containerPort: port });
    expect(onboarder.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(onboarder.readinessProbe?.httpGet.path).toBe('/readyz');
    expect(portNumber(onboarder, onboarder.livenessProbe!.httpGet.port)).toBe(port);
    expect(portNumber(onboarder, onboarder.readinessProbe!.httpGet.port)).toBe(port);
  });

  it('gives the elector its token and time to release the Lease on shutdown', async () => {
    const pod = await podSpec();
    expect(pod.serviceAccountName).toBe('onboarder');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(onboarderConfig(pod).shutdownGraceMs);
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
    const { dir } = onboarderConfig(pod);
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
    const gitSecret = (await theOne('Secret', 'onboarder-git')) as K8sObject & { stringData: Record<string, string> };
    expect(Object.keys(gitSecret.stringData).sort()).toEqual(['GITSYNC_PASSWORD', 'GITSYNC_USERNAME']);
  });

  it('is reached through the Service and protected by the PodDisruptionBudget', async () => {
    const deployment = await theOne<Deployment>('Deployment', 'onboarder');
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    const service = (await theOne('Service', 'onboarder')) as K8sObject & {
      spec: { type: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] };
    };
    expect(service.spec.type).toBe('ClusterIP');
    expect(labels).toMatchObject(service.spec.selector);
    const onboarder = container(deployment.spec.template.spec, 'onboarder');
    expect(service.spec.ports).toHaveLength(1);
    expect(service.spec.ports[0]).toMatchObject({ name: 'http', port: 8080 });
    expect(portNumber(onboarder, service.spec.ports[0]!.targetPort)).toBe(8080);

    const pdb = (await theOne('PodDisruptionBudget', 'onboarder')) as K8sObject & { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } };
    expect(pdb.spec.minAvailable).toBe(1);
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
  });
});

describe('deploy/kubernetes: RBAC', () => {
  it('allows exactly get, create and update on coordination.k8s.io leases, get and update on the one Lease only', async () => {
    const role = (await theOne('Role')) as K8sObject & { rules: PolicyRule[] };
    const { leaseName } = onboarderConfig(await podSpec());
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
    const role = await theOne('Role');
    await theOne('ServiceAccount', 'onboarder');
    const binding = (await theOne('RoleBinding')) as K8sObject & { roleRef: object; subjects: object[] };
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: (await podSpec()).serviceAccountName }]);
  });
});

describe('deploy/prometheus/alerts.yaml', () => {
  it('gives every rule a name, a duration, a severity, a summary and a description', async () => {
    const rules = await alertRules();
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Onboarder[A-Za-z]+$/);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
    }
  });

  it("onboarder's own metrics exist, with their labels", async () => {
    const { registry } = createMetrics();
    for (const [name, { labels }] of Object.entries(OWN_METRICS)) {
      const metric = registry.getSingleMetric(name) as unknown as { labelNames: string[] } | undefined;
      expect(metric, name).toBeDefined();
      expect([...metric!.labelNames].sort(), name).toEqual([...labels].sort());
    }
  });

  it('uses only the metric names and labels of the contract (or its own), and covers the ones alerts need', async () => {
    // The names are the shared list of the tests; this file adds their types and labels.
    expect(Object.keys(METRIC_TABLE).sort()).toEqual([...CONTRACT_METRICS].sort());
    const rules = await alertRules();
    const used = new Set<string>();
    for (const rule of rules) {
      const text = [rule.expr, rule.annotations.summary, rule.annotations.description].join('\n');
      for (const [name] of text.matchAll(/\bonboarder_[a-z0-9_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        const metric = KNOWN_METRICS[name] ?? (KNOWN_METRICS[base]?.type === 'histogram' ? KNOWN_METRICS[base] : undefined);
        expect(metric, `${rule.alert}: ${name} is neither a contract metric nor one of onboarder's own`).toBeDefined();
        used.add(KNOWN_METRICS[name] ? name : base);
      }
      const labels = [
        ...[...rule.expr.matchAll(/\{([^}]*)\}/g)].flatMap(([, inner]) => [...inner!.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]!)),
        ...[...rule.expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap(([, inner]) => inner!.split(',').map((l) => l.trim()).filter(Boolean)),
        ...[...text.matchAll(/\$labels\.(\w+)/g)].map((m) => m[1]!),
      ];
      for (const label of labels) expect(CONTRACT_LABELS, `${rule.alert}: label ${label}`).toContain(label);
    }
    expect([...used]).toEqual(
      expect.arrayContaining([
        'onboarder_desired_state_valid',
        'onboarder_last_success_timestamp_seconds',
        'onboarder_reconcile_total',
        'onboarder_api_throttled_total',
        'onboarder_drift_objects',
        'onboarder_is_leader',
      ]),
    );
  });

  // Skipped where promtool is not installed (CI installs it), or with ONBOARDER_SKIP_PROMTOOL=1.
  it.skipIf(!onPath('promtool') || process.env.ONBOARDER_SKIP_PROMTOOL === '1')('passes promtool check rules and its unit tests (alerts.test.yaml)', async () => {
    const check = await exec('promtool', ['check', 'rules', ALERTS]);
    expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/);
    // Exits non-zero (and exec rejects) on a failed case.
    await exec('promtool', ['test', 'rules', ALERT_TESTS], { cwd: path.dirname(ALERT_TESTS) });
  });
});
