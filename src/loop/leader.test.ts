import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../test/support/live.js';
import { startKubeLeaseServer, type KubeLeaseApi } from '../../test/support/kube-lease.js';
import { ConfigError } from '../domain/errors.js';
import { createLeaderElector, inClusterLeaseConfig, microTime, type LeaderElector } from './leader.js';

// Short durations so each case runs in about a second of real time.
const LEASE_MS = 600;
const RENEW_MS = 400;
const RETRY_MS = 100;
/** Scheduling and localhost round trips. */
const SLACK_MS = 150;

interface Candidate {
  identity: string;
  token: string;
  elector: LeaderElector;
  /** Transitions with Date.now() stamps. */
  events: { leader: boolean; at: number }[];
  logs: ReturnType<typeof captureLogger>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function cluster(identities: string[]) {
  const tokens = identities.map((identity) => `token-of-${identity}-s3cr3t`);
  const kube = await startKubeLeaseServer({ tokens });
  cleanups.push(() => kube.close());
  const candidates = identities.map((identity, index): Candidate => {
    const token = tokens[index]!;
    const logs = captureLogger();
    const elector = createLeaderElector(
      {
        apiServer: kube.url,
        namespace: kube.api.namespace,
        name: kube.api.name,
        identity,
        token: async () => token,
        leaseDurationMs: LEASE_MS,
        renewDeadlineMs: RENEW_MS,
        retryPeriodMs: RETRY_MS,
      },
      { logger: logs.logger },
    );
    const events: Candidate['events'] = [];
    elector.onChange((leader) => events.push({ leader, at: Date.now() }));
    cleanups.push(() => elector.stop());
    return { identity, token, elector, events, logs };
  });
  return { api: kube.api, candidates };
}

function leaders(candidates: Candidate[]): Candidate[] {
  return candidates.filter((candidate) => candidate.elector.isLeader());
}

/** Polls every 10 ms; resolves with the ms it took. */
async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
  return Date.now() - started;
}

async function oneLeader(candidates: Candidate[], timeoutMs = 2_000): Promise<Candidate> {
  await waitFor(() => leaders(candidates).length === 1, timeoutMs, 'a leader');
  return leaders(candidates)[0]!;
}

function other(candidates: Candidate[], one: Candidate): Candidate {
  return candidates.find((candidate) => candidate !== one)!;
}

function expectTokensNotLogged(candidates: Candidate[]): void {
  for (const candidate of candidates) {
    const all = candidate.logs.lines.join('\n');
    for (const { token } of candidates) expect(all).not.toContain(token);
  }
}

function holder(api: KubeLeaseApi): string | null | undefined {
  return api.lease?.spec.holderIdentity;
}

describe('createLeaderElector against the Lease API', () => {
  it('lets exactly one of two electors lead at every sampled moment', async () => {
    const { api, candidates } = await cluster(['pod-a', 'pod-b']);
    for (const { elector } of candidates) elector.start();

    const first = await oneLeader(candidates);
    const samples: string[][] = [];
    for (let i = 0; i < 40; i++) {
      await sleep(50);
      samples.push(leaders(candidates).map((candidate) => candidate.identity));
    }

    expect(samples.filter((sample) => sample.length !== 1)).toEqual([]);
    expect(new Set(samples.flat())).toEqual(new Set([first.identity]));
    expect(holder(api)).toBe(first.identity);
    expect(api.lease?.spec.leaseTransitions).toBe(0);
    // Both raced to create it; the API server let one in.
    const creates = api.writes.filter((write) => write.method === 'POST');
    expect(creates.map((write) => write.status).sort()).toEqual([201, 409]);
    expect(api.lease?.spec.renewTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(other(candidates, first).events).toEqual([]);
    expectTokensNotLogged(candidates);
  });

  it('hands over to the other elector within the lease duration when the leader stops renewing', async () => {
    const { api, candidates } = await cluster(['pod-a', 'pod-b']);
    for (const { elector } of candidates) elector.start();
    const leader = await oneLeader(candidates);
    const follower = other(candidates, leader);
    await sleep(300);

    const cutAt = Date.now();
    api.partitioned.add(leader.token);
    const takeoverMs = await waitFor(() => follower.elector.isLeader(), 3_000, 'the follower to take over');

    expect(takeoverMs).toBeLessThanOrEqual(LEASE_MS + RETRY_MS + SLACK_MS);
    // It waited for the lease to expire on its own clock.
    expect(takeoverMs).toBeGreaterThanOrEqual(LEASE_MS - RETRY_MS - SLACK_MS);
    // The cut-off leader stepped down before the other one started leading.
    const steppedDown = leader.events.find((event) => !event.leader);
    const tookOver = follower.events.find((event) => event.leader);
    expect(steppedDown).toBeDefined();
    expect(steppedDown!.at - cutAt).toBeLessThanOrEqual(RENEW_MS + SLACK_MS);
    expect(steppedDown!.at).toBeLessThan(tookOver!.at);
    expect(leader.elector.isLeader()).toBe(false);
    expect(holder(api)).toBe(follower.identity);
    expect(api.lease?.spec.leaseTransitions).toBe(1);
  });

  it('releases the lease on stop() so the other elector takes over within about a retry period', async () => {
    const { api, candidates } = await cluster(['pod-a', 'pod-b']);
    for (const { elector } of candidates) elector.start();
    const leader = await oneLeader(candidates);
    const follower = other(candidates, leader);
    await sleep(200);

    await leader.elector.stop();
    expect(leader.elector.isLeader()).toBe(false);
    expect(leader.events.map((event) => event.leader)).toEqual([true, false]);
    const releaseWrite = api.writes.filter((write) => write.token === leader.token).at(-1);
    expect(releaseWrite).toMatchObject({ method: 'PUT', holderIdentity: '', status: 200 });

    const takeoverMs = await waitFor(() => follower.elector.isLeader(), 1_000, 'the follower to take over');
    expect(takeoverMs).toBeLessThanOrEqual(RETRY_MS + SLACK_MS);
    expect(holder(api)).toBe(follower.identity);
    expect(api.lease?.spec.leaseTransitions).toBe(1);
  });

  it('steps down within the renew deadline and notifies when the API is unreachable, and leads again after', async () => {
    const { api, candidates } = await cluster(['pod-a']);
    const [solo] = candidates as [Candidate];
    solo.elector.start();
    await oneLeader(candidates);
    await sleep(250);

    api.down = true;
    const downMs = await waitFor(() => !solo.elector.isLeader(), 2_000, 'the leader to step down');
    // Well before the lease could expire for anyone else.
    expect(downMs).toBeLessThanOrEqual(RENEW_MS + 100);
    await waitFor(() => solo.events.length === 2, 500, 'the listener');
    expect(solo.events.at(-1)?.leader).toBe(false);
    expect(solo.logs.records().some((record) => record.msg === 'stopped leading')).toBe(true);

    api.down = false;
    await waitFor(() => solo.elector.isLeader(), 1_000, 'the leader to renew its own lease');
    expect(solo.events.map((event) => event.leader)).toEqual([true, false, true]);
    expectTokensNotLogged(candidates);
  });

  it('steps down on time even while its requests hang', async () => {
    const { api, candidates } = await cluster(['pod-a']);
    const [solo] = candidates as [Candidate];
    solo.elector.start();
    await oneLeader(candidates);
    await sleep(150);

    api.stall();
    const downMs = await waitFor(() => !solo.elector.isLeader(), 2_000, 'the leader to step down');
    expect(downMs).toBeLessThanOrEqual(RENEW_MS + 100);
    await waitFor(() => solo.events.length === 2, 500, 'the listener');
    expect(solo.events.map((event) => event.leader)).toEqual([true, false]);
    api.resume();
  });

  it('lets the resourceVersion check pick exactly one of two contenders for an expired lease', async () => {
    const { api, candidates } = await cluster(['pod-a', 'pod-b']);
    const longAgo = microTime(Date.now() - 3_600_000);
    const seeded = api.seed({
      holderIdentity: 'pod-gone',
      leaseDurationSeconds: 1,
      acquireTime: longAgo,
      renewTime: longAgo,
      leaseTransitions: 3,
    });
    // Hold the first two writes until both have arrived, so both are based
    // on the same resourceVersion.
    let arrived = 0;
    let bothArrived!: () => void;
    const lineUp = new Promise<void>((resolve) => (bothArrived = resolve));
    api.beforeWrite = async () => {
      arrived += 1;
      if (arrived >= 2) bothArrived();
      await Promise.race([lineUp, sleep(2_000)]);
    };

    const startedAt = Date.now();
    for (const { elector } of candidates) elector.start();
    const winner = await oneLeader(candidates, 3_000);
    api.beforeWrite = undefined;

    const [firstWrite, secondWrite] = api.writes;
    expect(firstWrite?.basedOn).toBe(seeded.metadata.resourceVersion);
    expect(secondWrite?.basedOn).toBe(seeded.metadata.resourceVersion);
    expect([firstWrite?.status, secondWrite?.status].sort()).toEqual([200, 409]);
    // Neither trusted the old renewTime: each watched the record for a full lease duration first.
    expect(firstWrite!.at - startedAt).toBeGreaterThanOrEqual(LEASE_MS);

    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      await sleep(50);
      samples.push(leaders(candidates).length);
    }
    expect(samples.every((count) => count === 1)).toBe(true);
    expect(winner.elector.isLeader()).toBe(true);
    expect(holder(api)).toBe(winner.identity);
    expect(api.lease?.spec.leaseTransitions).toBe(4);
    expect(other(candidates, winner).events).toEqual([]);
  });

  it('does not trust a renewTime in the future (clock skew): it takes over after a lease duration of silence', async () => {
    const { api, candidates } = await cluster(['pod-a']);
    const [solo] = candidates as [Candidate];
    const inAnHour = microTime(Date.now() + 3_600_000);
    api.seed({ holderIdentity: 'pod-skewed', leaseDurationSeconds: 1, acquireTime: inAnHour, renewTime: inAnHour });

    const startedAt = Date.now();
    solo.elector.start();
    await oneLeader(candidates);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(LEASE_MS);
    expect(Date.now() - startedAt).toBeLessThanOrEqual(LEASE_MS + RETRY_MS + SLACK_MS);
    expect(holder(api)).toBe('pod-a');
  });

  it('never leads with a rejected token, and keeps the token out of its logs', async () => {
    const { api, candidates } = await cluster(['pod-a']);
    const [solo] = candidates as [Candidate];
    api.tokens.clear();
    solo.elector.start();
    await sleep(400);

    expect(solo.elector.isLeader()).toBe(false);
    expect(api.lease).toBeUndefined();
    const warning = solo.logs.records().find((record) => record.msg === 'lease request failed');
    expect(String(warning?.error)).toMatch(/HTTP 401 Unauthorized/);
    expectTokensNotLogged(candidates);
  });

  it('rejects timings that cannot be safe', () => {
    const base = {
      apiServer: 'https://kubernetes.default.svc',
      namespace: 'onboarder',
      name: 'onboarder',
      identity: 'pod-a',
      token: async () => 'token',
    };
    const { logger } = captureLogger();
    expect(() => createLeaderElector({ ...base, leaseDurationMs: 1_000, renewDeadlineMs: 1_000 }, { logger })).toThrow(
      /renewDeadlineMs must be shorter than leaseDurationMs/,
    );
    expect(() => createLeaderElector({ ...base, retryPeriodMs: 10_000 }, { logger })).toThrow(
      /retryPeriodMs must be shorter than renewDeadlineMs/,
    );
  });
});

describe('microTime', () => {
  it('prints RFC 3339 with microseconds in UTC', () => {
    expect(microTime(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00.000000Z');
    expect(microTime(Date.UTC(2026, 0, 1, 12, 30, 5, 123) + 0.456)).toBe('2026-01-01T12:30:05.123456Z');
  });
});

describe('inClusterLeaseConfig', () => {
  async function serviceAccountDir(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'onboarder-sa-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    return dir;
  }

  it('throws a clear error outside a cluster', async () => {
    const attempt = inClusterLeaseConfig({ name: 'onboarder', identity: 'pod-a' }, { env: {} });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(inClusterLeaseConfig({ name: 'onboarder', identity: 'pod-a' }, { env: {} })).rejects.toThrow(
      /inside a Kubernetes cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set/,
    );
  });

  it('throws a clear error when no service account token is mounted', async () => {
    const dir = await serviceAccountDir({});
    await expect(
      inClusterLeaseConfig(
        { name: 'onboarder', identity: 'pod-a' },
        { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: dir },
      ),
    ).rejects.toThrow(`cannot read the service account token ${join(dir, 'token')} (ENOENT)`);
  });

  it('reads the API server, namespace and CA, and re-reads the token on every call', async () => {
    const dir = await serviceAccountDir({ token: 'first-token\n', namespace: 'platform\n', 'ca.crt': 'PEM' });
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' };
    const config = await inClusterLeaseConfig({ name: 'onboarder', identity: 'pod-a' }, { env, serviceAccountDir: dir });

    expect(config).toMatchObject({
      apiServer: 'https://[fd00::1]:6443',
      namespace: 'platform',
      name: 'onboarder',
      identity: 'pod-a',
      ca: 'PEM',
    });
    expect(await config.token()).toBe('first-token');
    await writeFile(join(dir, 'token'), 'rotated-token');
    expect(await config.token()).toBe('rotated-token');

    const overridden = await inClusterLeaseConfig(
      { name: 'onboarder', identity: 'pod-a', namespace: 'elsewhere' },
      { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: dir },
    );
    expect(overridden).toMatchObject({ apiServer: 'https://10.0.0.1:443', namespace: 'elsewhere' });
  });
});
