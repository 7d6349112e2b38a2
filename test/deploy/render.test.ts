/**
 * `kubectl kustomize` renders the base and both overlays; every rendered
 * object validates against the Kubernetes (and Prometheus Operator) schemas,
 * each install runs onboarder as it says (through the real CLI parser), and
 * an overlay changes nothing of the base's pod beyond its own settings.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ALERTS,
  BASE,
  DASHBOARD,
  OVERLAYS,
  container,
  expectOnlyOnboarderVariables,
  onboarderConfig,
  renderKustomization,
  theOne,
  type Deployment,
  type K8sObject,
  type RuleGroup,
} from '../support/deploy.js';
import { schemaErrors } from '../support/kube-schemas.js';
import { INSTALL_HINTS, requireTool } from '../support/tools.js';

const runKubectl = requireTool('kubectl', INSTALL_HINTS.kubectl);

interface Install {
  dir: string;
  replicas: number;
  observeOnly: boolean;
  leaderElect: boolean;
  /** The variables the overlay adds to the base's container. */
  addedEnv: Record<string, string>;
  kinds: string[];
}
const BASE_KINDS = ['Deployment', 'Namespace', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount'];
const MONITORING_KINDS = ['ConfigMap', 'PrometheusRule', 'ServiceMonitor'];
const INSTALLS: Record<string, Install> = {
  base: { dir: BASE, replicas: 1, observeOnly: false, leaderElect: false, addedEnv: {}, kinds: BASE_KINDS },
  'observe-only': {
    dir: OVERLAYS['observe-only'],
    replicas: 1,
    observeOnly: true,
    leaderElect: false,
    addedEnv: { ONBOARDER_MODE: 'observe' },
    kinds: [...BASE_KINDS, ...MONITORING_KINDS],
  },
  production: {
    dir: OVERLAYS.production,
    replicas: 2,
    observeOnly: false,
    leaderElect: true,
    addedEnv: { ONBOARDER_LEADER_ELECT: 'true' },
    kinds: [...BASE_KINDS, ...MONITORING_KINDS],
  },
};

const deploymentOf = async (dir: string) => theOne<Deployment>(await renderKustomization(dir), 'Deployment', 'onboarder');

describe.skipIf(!runKubectl).each(Object.entries(INSTALLS))('kubectl kustomize %s', (name, install) => {
  it('renders objects that validate against the schemas, every one in namespace onboarder', async () => {
    const objects = await renderKustomization(install.dir);
    expect(objects.map((o) => o.kind).sort()).toEqual([...install.kinds].sort());
    for (const object of objects) {
      expect(schemaErrors(object), `${name}: ${object.kind} ${object.metadata.name}`).toEqual([]);
      if (object.kind !== 'Namespace') expect(object.metadata.namespace, `${name}: ${object.kind}`).toBe('onboarder');
    }
    const binding = theOne(objects, 'RoleBinding') as K8sObject & { subjects: object[] };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'onboarder', namespace: 'onboarder' }]);
  });

  it(`runs ${install.replicas} replica(s), ${install.observeOnly ? 'observing' : 'applying'}, ${install.leaderElect ? 'with' : 'without'} leader election`, async () => {
    const deployment = await deploymentOf(install.dir);
    const pod = deployment.spec.template.spec;
    const onboarder = container(pod, 'onboarder');
    expect(deployment.spec.replicas).toBe(install.replicas);
    const config = onboarderConfig(onboarder);
    expect(config).toMatchObject({ command: 'run', dir: '/git/desired-state', observeOnly: install.observeOnly, leaderElect: install.leaderElect, port: 8080 });
    await expectOnlyOnboarderVariables((onboarder.env ?? []).map((e) => e.name).filter((n) => n !== 'POD_NAME'));

    // Two replicas that both write would fight: more than one needs a Lease.
    if (deployment.spec.replicas > 1) expect(config.leaderElect).toBe(true);
    // The API token is mounted exactly when the elector needs it.
    expect(pod.automountServiceAccountToken).toBe(config.leaderElect);
    // Without a Lease, a rollout must not start the new writer before the old one stopped.
    if (!config.leaderElect && !config.observeOnly) expect(deployment.spec.strategy.rollingUpdate?.maxSurge).toBe(0);
    // With one, it must not go below the replicas it has.
    if (config.leaderElect) expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it("changes nothing of the base's pod but its own settings", async () => {
    const base = await deploymentOf(BASE);
    const overlay = structuredClone(await deploymentOf(install.dir));
    const onboarder = container(overlay.spec.template.spec, 'onboarder');
    const baseNames = new Set(container(base.spec.template.spec, 'onboarder').env?.map((e) => e.name));
    const added = (onboarder.env ?? []).filter((e) => !baseNames.has(e.name));
    expect(Object.fromEntries(added.map((e) => [e.name, e.value]))).toEqual(install.addedEnv);
    // Undo what the overlay may set; the rest must be the base's.
    onboarder.env = onboarder.env?.filter((e) => baseNames.has(e.name)) ?? [];
    overlay.spec.replicas = base.spec.replicas;
    overlay.spec.strategy = base.spec.strategy;
    overlay.spec.template.spec.automountServiceAccountToken = base.spec.template.spec.automountServiceAccountToken!;
    expect(overlay).toEqual(base);
  });
});

describe.skipIf(!runKubectl)('kubectl kustomize: the monitoring component of the overlays', () => {
  it('ships the dashboard as a ConfigMap for the Grafana sidecar, byte for byte', async () => {
    const dashboard = await readFile(DASHBOARD, 'utf8');
    for (const dir of Object.values(OVERLAYS)) {
      const configMaps = (await renderKustomization(dir)).filter((o) => o.kind === 'ConfigMap') as (K8sObject & { data: Record<string, string> })[];
      expect(configMaps).toHaveLength(1);
      expect(configMaps[0]!.metadata.name).toMatch(/^onboarder-dashboard-[a-z0-9]+$/);
      expect(configMaps[0]!.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
      expect(configMaps[0]!.data).toEqual({ 'onboarder-dashboard.json': dashboard });
    }
  });

  it('scrapes the Service onboarder on its named port, /metrics', async () => {
    const objects = await renderKustomization(OVERLAYS.production);
    const service = theOne(objects, 'Service', 'onboarder') as K8sObject & { spec: { ports: { name: string }[] } };
    const monitor = theOne(objects, 'ServiceMonitor', 'onboarder') as K8sObject & {
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] };
    };
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.endpoints).toHaveLength(1);
    expect(service.spec.ports.map((p) => p.name)).toContain(monitor.spec.endpoints[0]!.port);
    expect(monitor.spec.endpoints[0]!.path).toBe('/metrics');
  });

  it('loads the rules of deploy/prometheus/alerts.yaml as a PrometheusRule', async () => {
    const { groups } = parse(await readFile(ALERTS, 'utf8')) as { groups: RuleGroup[] };
    const rule = theOne(await renderKustomization(OVERLAYS.production), 'PrometheusRule', 'onboarder') as K8sObject & { spec: { groups: RuleGroup[] } };
    expect(rule.spec.groups).toEqual(groups);
  });
});
