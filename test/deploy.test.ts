/**
 * The Kubernetes manifests and alert rules in deploy/: they parse, the
 * container runs a command line onboarder accepts, and they use only the
 * contract's names (flags, variables, metrics, probe paths).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../src/config.js';
import { CONTRACT_METRICS } from './support/contract.js';
import { REPO_ROOT } from './support/harness.js';

const exec = promisify(execFile);
const DEPLOY = path.join(REPO_ROOT, 'deploy');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML.
type Doc = any;

async function manifests(): Promise<Doc[]> {
  const dir = path.join(DEPLOY, 'kubernetes');
  const docs: Doc[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(await readFile(path.join(dir, file), 'utf8'))) {
      expect(doc.errors, file).toEqual([]);
      docs.push(doc.toJS());
    }
  }
  return docs;
}

describe('deploy/kubernetes', () => {
  it('holds well-formed objects, and onboarder accepts the container command line', async () => {
    const docs = await manifests();
    for (const doc of docs.filter((d) => d.kind !== 'Kustomization')) {
      expect(doc.apiVersion && doc.kind && doc.metadata?.name, JSON.stringify(doc).slice(0, 80)).toBeTruthy();
    }
    const pod = docs.find((d) => d.kind === 'Deployment').spec.template.spec;
    const onboarder = pod.containers.find((c: Doc) => c.name === 'onboarder');
    const literalEnv = Object.fromEntries(onboarder.env.filter((e: Doc) => 'value' in e).map((e: Doc) => [e.name, e.value]));
    const config = parseConfig(onboarder.args, literalEnv, false).config!;
    expect(config).toMatchObject({ command: 'run', dir: '/git/desired-state', leaderElect: true });

    // Every variable set is one onboarder reads.
    const source = (await readFile(path.join(REPO_ROOT, 'src/config.ts'), 'utf8')) as string;
    for (const { name } of onboarder.env) expect(source, name).toContain(name);

    // git-sync publishes exactly where onboarder reads, and onboarder only reads it.
    const gitSync = pod.initContainers.find((c: Doc) => c.name === 'git-sync');
    expect(gitSync.restartPolicy).toBe('Always');
    const flag = (name: string) => gitSync.args.find((a: string) => a.startsWith(`--${name}=`))?.split('=')[1];
    expect(path.posix.join(flag('root'), flag('link'))).toBe(config.dir);
    expect(onboarder.volumeMounts).toContainEqual({ name: 'git', mountPath: '/git', readOnly: true });

    expect(onboarder.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(onboarder.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(onboarder.ports).toContainEqual({ name: 'http', containerPort: config.port });
    expect(onboarder.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('grants only what leader election needs', async () => {
    const role = (await manifests()).find((d) => d.kind === 'Role');
    const verbs = role.rules.flatMap((r: Doc) => r.resources.flatMap((res: Doc) => r.verbs.map((v: string) => `${r.apiGroups[0]}/${res}:${v}`)));
    expect(verbs.sort()).toEqual(['coordination.k8s.io/leases:create', 'coordination.k8s.io/leases:get', 'coordination.k8s.io/leases:update']);
  });
});

describe('deploy/prometheus/alerts.yaml', () => {
  const file = path.join(DEPLOY, 'prometheus/alerts.yaml');

  it('uses only the metrics of the contract', async () => {
    const text = await readFile(file, 'utf8');
    const used = new Set(text.match(/onboarder_[a-z_]+/g));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(CONTRACT_METRICS as readonly string[], name).toContain(name);
  });

  it.skipIf(process.env.ONBOARDER_SKIP_PROMTOOL === '1')('passes promtool check rules', async () => {
    const { stdout } = await exec('promtool', ['check', 'rules', file]).catch((error: unknown) => {
      throw new Error(`promtool failed or is missing (install the Debian package prometheus; .ci/run does): ${String(error)}`);
    });
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});
