/**
 * A real Prometheus (the Debian package) scraping a running controller
 * against the simulator, with the alert rules of deploy/prometheus loaded:
 * what an operator's dashboard and alerts will see.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWithoutHosts, REPO_ROOT, startSimulatedAccount, until, type SimulatedAccount } from '../support/harness.js';
import { startRun, type Running } from '../support/run-controller.js';
import { INSTALL_HINTS, requireTool, toolPath } from '../support/tools.js';

const runPrometheus = requireTool('prometheus', INSTALL_HINTS.prometheus);
const prometheusPath = toolPath('prometheus') ?? 'prometheus';
const ALERT_RULES = path.join(REPO_ROOT, 'deploy/prometheus/alerts.yaml');

/** A port nobody listens on right now, on loopback. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(!runPrometheus)('Prometheus scraping onboarder', () => {
  let account: SimulatedAccount;
  let running: Running;
  let prometheus: ChildProcess | undefined;
  let output = '';
  let api = '';

  const get = async <T>(endpoint: string): Promise<T> => {
    const response = await request(`${api}${endpoint}`);
    const body = (await response.body.json()) as { status: string; data: T };
    expect(body.status).toBe('success');
    return body.data;
  };
  const query = (promql: string) => get<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`).then((d) => d.result);

  beforeAll(async () => {
    account = await startSimulatedAccount();
    running = await startRun(await copyWithoutHosts(), account.env);
    await until('the first convergence', () => running.controller.status().lastReconcile?.result === 'success', 20_000);

    const dir = await mkdtemp(path.join(tmpdir(), 'onboarder-prometheus-'));
    const target = new URL(running.url).host;
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: [${JSON.stringify(ALERT_RULES)}]`,
        'scrape_configs:',
        '  - job_name: onboarder',
        `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      prometheusPath,
      [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    prometheus.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(
      'Prometheus ready',
      async () => {
        if (prometheus!.exitCode !== null) throw new Error(`prometheus exited with ${prometheus!.exitCode}: ${output}`);
        return (await request(`${api}/-/ready`).then((r) => r.body.text().then(() => r.statusCode), () => 0)) === 200;
      },
      30_000,
    );
  }, 90_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      const killer = setTimeout(() => prometheus!.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    if (running) expect(await running.stop()).toBe(0);
    await account?.close();
  }, 30_000);

  it('loads the alert rules and sees onboarder_customer_synced = 1 for every customer once the demo converged', async () => {
    const groups = (await get<{ groups: { name: string; rules: { name: string; health: string }[] }[] }>('/api/v1/rules')).groups;
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(5);
    expect(rules.filter((r) => r.health === 'err')).toEqual([]);

    const synced = await until('the customers scraped', async () => ((await query('onboarder_customer_synced')).length === 2 ? query('onboarder_customer_synced') : undefined), 30_000);
    expect(synced.map((s) => [s.metric.customer, s.value[1]]).sort()).toEqual([
      ['acme', '1'],
      ['globex', '1'],
    ]);
    expect(await query('sum(onboarder_drift_objects) or vector(0)')).toMatchObject([{ value: [expect.any(Number), '0'] }]);
    // The series alerts rely on exist before anything went wrong.
    expect((await query('onboarder_reconcile_total{result="error"}')).map((s) => s.value[1])).toEqual(['0']);
    expect((await query('onboarder_build_info')).map((s) => s.metric.version)).toHaveLength(1);
  }, 60_000);

  it('shows induced persistent drift by customer, and an alert naming that customer starts pending', async () => {
    account.sim.faults.failNext(1_000, { method: 'PATCH', pathIncludes: '/Groups/', status: 403, errorCode: 'PERMISSION_DENIED', message: 'not an account admin' });
    const { state } = account.sim;
    state.removeMember(state.findGroup('customer-acme-analysts')!.id, state.findUser('jane.doe@acmecorp.com')!.id);
    running.controller.reconcileNow('test');

    await until('acme out of sync in Prometheus', async () => (await query('onboarder_customer_synced{customer="acme"} == 0')).length === 1, 30_000);
    expect((await query('sum by (customer) (onboarder_drift_objects) > 0')).map((s) => s.metric.customer)).toEqual(['acme']);
    const alerts = await until(
      'an alert naming acme',
      async () => {
        const active = (await get<{ alerts: { labels: Record<string, string>; state: string }[] }>('/api/v1/alerts')).alerts;
        return active.some((a) => a.labels.customer === 'acme') && active;
      },
      30_000,
    );
    // Their `for:` is minutes long: pending now, firing only if it persists.
    expect(alerts.filter((a) => a.labels.customer === 'acme').map((a) => a.state)).toContain('pending');
    expect(alerts.some((a) => a.labels.customer === 'globex')).toBe(false);
  }, 60_000);
});
