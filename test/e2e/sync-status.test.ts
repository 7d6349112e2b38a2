/**
 * Drift that tells the truth (behaviour.md, "Drift means what is out of sync
 * now"), end to end: `onboarder run` against the simulator over real HTTP,
 * read through /metrics, /status.json and the status page.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { connectLive } from '../../src/connect.js';
import { createController } from '../../src/loop/controller.js';
import { createMetrics } from '../../src/report/metrics.js';
import type { ControllerStatus } from '../../src/report/status.js';
import { copyWithoutHosts, runCli, startSimulatedAccount, until, type SimulatedAccount } from '../support/harness.js';
import { scrape, startRun, type Running } from '../support/run-controller.js';

const CUSTOMERS = ['acme', 'globex'];
const JANE = 'jane.doe@acmecorp.com';
const ANALYSTS = 'customer-acme-analysts';

let account: SimulatedAccount;
let running: Running | undefined;

beforeEach(async () => {
  account = await startSimulatedAccount();
});
afterEach(async () => {
  if (running) expect(await running.stop()).toBe(0);
  running = undefined;
  await account.close();
});

/** The samples of one metric: labels (as written) -> value. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) found.set(match[1] ?? '', Number(match[2]));
  }
  return found;
}
const sum = (values: Map<string, number>) => [...values.values()].reduce((a, b) => a + b, 0);

type JsonStatus = Omit<ControllerStatus, 'customers'> & { customers: { name: string; status: string; drift: number; lastError: string | null }[] };
async function statusJson(url: string): Promise<JsonStatus> {
  return JSON.parse(await (await request(`${url}/status.json`)).body.text()) as JsonStatus;
}
const page = async (url: string) => (await request(url)).body.text();

/** A pass that started after `since` has ended. */
const passAfter = (since: number) => () => {
  const last = running!.controller.status().lastReconcile;
  return last !== null && last.startedAt.getTime() >= since && last;
};

const removeJane = () => {
  const { state } = account.sim;
  state.removeMember(state.findGroup(ANALYSTS)!.id, state.findUser(JANE)!.id);
};

describe('drift after a pass', () => {
  it('is zero once the demo estate converged: every customer Synced, in /metrics, /status.json and the page', async () => {
    const dir = await copyWithoutHosts();
    running = await startRun(dir, account.env);
    await until('the first convergence', () => running!.controller.status().lastReconcile?.result === 'success', 20_000);
    // The first pass made every change: none of them is drift any more.
    expect(running.controller.status().lastReconcile!.summary.create).toBeGreaterThan(20);

    const text = await scrape(running.url);
    expect(sum(samples(text, 'onboarder_drift_objects'))).toBe(0);
    expect(Object.fromEntries(samples(text, 'onboarder_customer_synced'))).toEqual(Object.fromEntries(CUSTOMERS.map((c) => [`{customer="${c}"}`, 1])));
    expect(samples(text, 'onboarder_build_info').size).toBe(1);

    const status = await statusJson(running.url);
    expect(status.drift).toEqual([]);
    expect(status.customers.map((c) => [c.name, c.status, c.drift])).toEqual(CUSTOMERS.map((c) => [c, 'Synced', 0]));
    const html = await page(running.url);
    expect(html).toContain('2 customers: 2 Synced; no drift.');
    expect(html).not.toContain('Blocked deletions');
    expect(await page(`${running.url}/customers/acme`)).toContain('None: live state matches the desired state.');

    // The logs: what each action changed, and how the pass ended.
    expect(running.logs.text).toMatch(/"msg":"membership customer-acme-analysts[^"]*: [^"]*\+ jane\.doe@acmecorp\.com/);
    expect(running.logs.text).toContain('"msg":"converged"');
  }, 40_000);

  it('in observe mode names the customer and kind of hand-made drift in the gauge, /status.json and the page', async () => {
    const dir = await copyWithoutHosts();
    expect((await runCli(['apply', dir], account.env)).code).toBe(0);
    removeJane();
    account.sim.clearRequests();
    running = await startRun(dir, account.env, '--mode=observe');
    await until('the first pass', () => running!.controller.status().lastReconcile);

    const text = await scrape(running.url);
    expect(Object.fromEntries(samples(text, 'onboarder_drift_objects'))).toEqual({ '{customer="acme",kind="membership",change="update"}': 1 });
    expect(Object.fromEntries(samples(text, 'onboarder_customer_synced'))).toEqual({ '{customer="acme"}': 0, '{customer="globex"}': 1 });

    const status = await statusJson(running.url);
    expect(status.observe.mode).toBe('observe');
    expect(status.drift).toMatchObject([{ customer: 'acme', kind: 'membership', change: 'update', state: 'observed', details: [`+ ${JANE}`] }]);
    expect(status.customers.find((c) => c.name === 'acme')).toMatchObject({ status: 'OutOfSync', drift: 1 });

    const overview = await page(running.url);
    expect(overview).toContain('Observe mode: onboarder writes nothing.');
    expect(overview).toMatch(/<a href="\/customers\/acme">acme<\/a><\/td><td><span class="badge warn">OutOfSync<\/span><\/td><td class="num">1<\/td>/);
    const detail = await page(`${running.url}/customers/acme`);
    expect(detail).toContain(`<code>${ANALYSTS}</code>`);
    expect(detail).toContain(`+ ${JANE}`);
    expect(running.logs.text).toMatch(/"msg":"1 left \(1 observed\)"/);
    expect(account.sim.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  }, 40_000);

  it('leaves the customer of a failed action Failed, with its drift, while the others stay Synced', async () => {
    const dir = await copyWithoutHosts();
    running = await startRun(dir, account.env);
    await until('the first convergence', () => running!.controller.status().lastReconcile?.result === 'success', 20_000);

    // Every PATCH of a group's members is refused (not retried: a 403 is not transient), for the rest of the test.
    account.sim.faults.failNext(1_000, { method: 'PATCH', pathIncludes: '/Groups/', status: 403, errorCode: 'PERMISSION_DENIED', message: 'not an account admin' });
    removeJane();
    const since = Date.now();
    running.controller.reconcileNow('test');
    await until('the failed pass', passAfter(since), 20_000);

    const status = await statusJson(running.url);
    const acme = status.customers.find((c) => c.name === 'acme')!;
    expect(acme).toMatchObject({ status: 'Failed', drift: 1 });
    expect(acme.lastError).toContain('not an account admin');
    expect(status.customers.find((c) => c.name === 'globex')).toMatchObject({ status: 'Synced', drift: 0 });
    expect(status.drift).toMatchObject([{ customer: 'acme', kind: 'membership', state: 'failed', errorCode: 'PERMISSION_DENIED' }]);

    const text = await scrape(running.url);
    expect(samples(text, 'onboarder_drift_objects').get('{customer="acme",kind="membership",change="update"}')).toBe(1);
    expect(samples(text, 'onboarder_customer_synced').get('{customer="acme"}')).toBe(0);
    expect(samples(text, 'onboarder_customer_synced').get('{customer="globex"}')).toBe(1);
    expect(await page(running.url)).toMatch(/acme<\/a><\/td><td><span class="badge bad">Failed<\/span><\/td><td class="num">1<\/td><td><span class="error">[^<]*not an account admin/);
  }, 40_000);
});

describe('a follower', () => {
  it('shows everything it found as observed, and says which replica it is and who leads', async () => {
    const dir = await copyWithoutHosts();
    const logger = pino({ level: 'silent' });
    const connection = connectLive(parseConfig(['run', dir], account.env, false).config!, { logger });
    const metrics = createMetrics();
    const controller = createController({
      dir,
      live: connection.port,
      logger,
      metrics,
      diffOptions: { principals: 'create' },
      resyncIntervalMs: 60_000,
      leadership: { isLeader: () => false, onChange: () => undefined, holder: () => 'onboarder-0' },
      replica: 'onboarder-1',
    });
    try {
      await controller.start();
      await until('the first pass', () => controller.status().lastReconcile);
      const status = controller.status();
      expect(status.leadership).toEqual({ election: true, replica: 'onboarder-1', holder: 'onboarder-0' });
      // Nothing was written; everything the leader would do is this replica's drift, observed.
      expect(account.sim.requests.filter((r) => r.method !== 'GET')).toEqual([]);
      expect(status.drift.length).toBe(status.lastReconcile!.summary.create + status.lastReconcile!.summary.update);
      expect(new Set(status.drift.map((d) => `${d.state}: ${d.reason}`))).toEqual(new Set(['observed: this replica is a follower: only the leader applies']));
      expect(status.customers.map((c) => [c.name, c.status])).toEqual([['account', 'OutOfSync'], ['acme', 'OutOfSync'], ['globex', 'OutOfSync']]);
      const gauge = samples(await metrics.registry.metrics(), 'onboarder_drift_objects');
      expect(sum(gauge)).toBe(status.drift.length);
    } finally {
      await controller.stop(1_000);
      await connection.close();
    }
  }, 40_000);
});

describe('a rejected revision', () => {
  it('runs no pass of its own: the revision in force was reconciled already', async () => {
    const dir = await copyWithoutHosts();
    running = await startRun(dir, account.env);
    await until('the first convergence', () => running!.controller.status().lastReconcile?.result === 'success', 20_000);
    const passes = running.controller.status().lastReconcile!.id;
    account.sim.clearRequests();

    const roster = path.join(dir, 'customers/acme/roster.yaml');
    await writeFile(roster, (await readFile(roster, 'utf8')).replace('displayName: Jane Doe,', 'displayName: "Jane Doe,'));
    await until('the revision rejected', () => running!.controller.status().rejected);
    await running.controller.idle();
    expect(account.sim.requests).toEqual([]);
    expect(running.controller.status().lastReconcile!.id).toBe(passes);

    // Something else asking for a pass (a resync, a backoff ending) still runs one, with the revision in force.
    const since = Date.now();
    running.controller.reconcileNow('resync');
    await until('the pass', passAfter(since), 20_000);
    expect(account.sim.requests.length).toBeGreaterThan(0);
  }, 40_000);
});
