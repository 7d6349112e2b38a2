/**
 * Shared by the tests of deploy/ (test/deploy/*.test.ts): where things are,
 * behaviour.md's metric table, the kustomize rendering, the pod's command line
 * through the real parser, and the metrics a PromQL expression reads.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { FLAGS, parseConfig, type Config } from '../../src/config.js';

const exec = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEPLOY = path.join(REPO_ROOT, 'deploy');
export const KUBERNETES = path.join(DEPLOY, 'kubernetes');
export const BASE = path.join(KUBERNETES, 'base');
export const OVERLAYS = {
  'observe-only': path.join(KUBERNETES, 'overlays', 'observe-only'),
  production: path.join(KUBERNETES, 'overlays', 'production'),
} as const;
export const MONITORING = path.join(KUBERNETES, 'components', 'monitoring');
export const PROMETHEUS_RULE = path.join(MONITORING, 'prometheusrule.yaml');
export const DASHBOARD = path.join(MONITORING, 'onboarder-dashboard.json');
export const CONFIRM_JOB = path.join(KUBERNETES, 'jobs', 'confirm-deletions.yaml');
export const ALERTS = path.join(DEPLOY, 'prometheus', 'alerts.yaml');
export const ALERT_TESTS = path.join(DEPLOY, 'prometheus', 'alerts.test.yaml');

/** The standard Databricks variables (behaviour.md, Configuration). */
export const DATABRICKS_VARIABLES = ['DATABRICKS_HOST', 'DATABRICKS_TOKEN', 'DATABRICKS_CLIENT_ID', 'DATABRICKS_CLIENT_SECRET', 'DATABRICKS_ACCOUNT_ID', 'DATABRICKS_ACCOUNT_HOST'];

type MetricSpec = { type: 'counter' | 'gauge' | 'histogram'; labels: string[] };

/** behaviour.md's metrics table (that file is not in the repository): name -> type and labels. */
export const METRIC_TABLE: Record<string, MetricSpec> = {
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
  onboarder_secret_expiry_timestamp_seconds: { type: 'gauge', labels: ['customer', 'principal'] },
  onboarder_build_info: { type: 'gauge', labels: ['version', 'node'] },
};
/** onboarder's own metrics beyond the table, documented in the README: alerts and the dashboard may use them too. */
export const OWN_METRICS: Record<string, MetricSpec> = {
  onboarder_membership_removals_blocked: { type: 'gauge', labels: [] },
};
export const KNOWN_METRICS: Record<string, MetricSpec> = { ...METRIC_TABLE, ...OWN_METRICS };
/** Labels Prometheus adds to every scraped series (the ServiceMonitor's target labels), and a histogram's `le`. */
export const TARGET_LABELS = ['instance', 'pod', 'job', 'namespace', 'service', 'container', 'endpoint', 'le'];

/** The onboarder metrics a PromQL expression reads (a histogram's _bucket/_sum/_count as the histogram) and the labels it names. */
export function promqlReads(expr: string): { metrics: string[]; unknown: string[]; labels: string[] } {
  const metrics = new Set<string>();
  const unknown = new Set<string>();
  for (const [name] of expr.matchAll(/\bonboarder_[a-z0-9_]+/g)) {
    const histogram = name.replace(/_(bucket|sum|count)$/, '');
    if (KNOWN_METRICS[name]) metrics.add(name);
    else if (KNOWN_METRICS[histogram]?.type === 'histogram') metrics.add(histogram);
    else unknown.add(name);
  }
  const labels = [
    ...[...expr.matchAll(/\{([^}]*)\}/g)].flatMap(([, inner]) => [...inner!.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]!)),
    ...[...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap(([, inner]) => inner!.split(',').map((l) => l.trim()).filter(Boolean)),
  ];
  return { metrics: [...metrics], unknown: [...unknown], labels: [...new Set(labels)] };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
export interface HttpProbe {
  httpGet: { path: string; port: string | number };
}
export interface Container {
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
export interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
  securityContext: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number; fsGroup?: number; seccompProfile?: { type: string } };
  initContainers: Container[];
  containers: Container[];
  volumes: { name: string; emptyDir?: object }[];
}
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string> };
}
export interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}
export interface Deployment extends K8sObject {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    strategy: { type: string; rollingUpdate?: { maxSurge: number | string; maxUnavailable: number | string } };
    template: PodTemplate;
  };
}
export interface Job extends K8sObject {
  spec: { backoffLimit: number; template: PodTemplate };
}

export async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Every YAML document of a file, which must parse without an error or a warning. */
export async function documentsOf(file: string): Promise<unknown[]> {
  return parseAllDocuments(await readFile(file, 'utf8')).map((doc) => {
    expect(doc.errors, path.relative(REPO_ROOT, file)).toEqual([]);
    expect(doc.warnings, path.relative(REPO_ROOT, file)).toEqual([]);
    return doc.toJS() as unknown;
  });
}

const rendered = new Map<string, Promise<K8sObject[]>>();

/** `kubectl kustomize DIR`, once per folder and test file. */
export function renderKustomization(dir: string): Promise<K8sObject[]> {
  let objects = rendered.get(dir);
  if (!objects) {
    objects = exec('kubectl', ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 }).then(({ stdout }) =>
      parseAllDocuments(stdout).map((doc) => doc.toJS() as K8sObject),
    );
    rendered.set(dir, objects);
  }
  return objects;
}

/** The one object of a kind (and name) among `objects`. */
export function theOne<T extends K8sObject>(objects: readonly K8sObject[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0] as T;
}

export function container(pod: PodSpec, name: string): Container {
  const found = [...pod.initContainers, ...pod.containers].find((c) => c.name === name);
  expect(found, `container ${name}`).toBeDefined();
  return found!;
}

/** A container's literal variables (not those from Secrets or the downward API). */
export function literalEnv(c: Container): Record<string, string> {
  return Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
}

/** What the kubelet does to args: `$(NAME)` becomes the container's variable NAME when it is defined, `$$` a `$`. */
export function expandArgs(args: readonly string[], env: Readonly<Record<string, string>>): string[] {
  return args.map((arg) => arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name?: string) => (name === undefined ? '$' : (env[name] ?? whole))));
}

/** The onboarder container's command line through the real parser, with its literal variables. */
export function onboarderConfig(c: Container, extraEnv: NodeJS.ProcessEnv = {}): Config {
  const env = { ...literalEnv(c), ...extraEnv } as Record<string, string>;
  const parsed = parseConfig(expandArgs(c.args ?? [], env), env, false);
  expect(parsed.help).toBe(false);
  return parsed.config!;
}

/** `--name=value` (or a bare `--name`: "") flags of a container's args. */
export function flagsOf(c: Container): Map<string, string> {
  const flags = new Map<string, string>();
  for (const arg of c.args ?? []) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    expect(match, `${c.name}: ${arg} is --flag or --flag=value`).not.toBeNull();
    flags.set(match![1]!, match![2] ?? '');
  }
  return flags;
}

/** A probe's or Service's port (a number or the name of a container port) -> the number. */
export function portNumber(c: Container, port: string | number): number | undefined {
  return typeof port === 'number' ? port : c.ports?.find((p) => p.name === port)?.containerPort;
}

export interface RuleGroup {
  name: string;
  rules: { alert: string; expr: string; for: string; labels: { severity: string }; annotations: { summary: string; description: string } }[];
}

/**
 * The PrometheusRule of the monitoring component, made from the plain rules
 * file (kustomize cannot read a file outside its folder into a field, hence
 * a generated copy that a test keeps in step).
 */
export function prometheusRuleFrom(groups: readonly RuleGroup[]): string {
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'onboarder', labels: { 'app.kubernetes.io/name': 'onboarder' } },
    spec: { groups },
  };
  return (
    '# GENERATED from deploy/prometheus/alerts.yaml, the file to edit; then rewrite this one with\n' +
    '#   UPDATE_PROMETHEUS_RULE=1 npx vitest run test/deploy/alerts.test.ts\n' +
    stringify(rule, { lineWidth: 0 })
  );
}

/** Each name is the variable of one of onboarder's flags (the flag table), or a standard Databricks one. */
export async function expectOnlyOnboarderVariables(names: readonly string[]): Promise<void> {
  const read = new Set(Object.values(FLAGS).map((flag) => flag.env));
  for (const name of names) {
    if (DATABRICKS_VARIABLES.includes(name)) continue;
    expect(name, `${name} is not an onboarder variable`).toMatch(/^ONBOARDER_[A-Z_]+$/);
    expect(read.has(name), `no flag of onboarder reads ${name}`).toBe(true);
  }
}
