import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { copyWithoutHosts, until } from '../../test/support/harness.js';
import { ApiError } from '../domain/errors.js';
import { emptyUnityCatalog, type LiveState } from '../domain/live.js';
import { startControllerHttpServer, type ControllerHttpServer } from '../report/http-server.js';
import { createMetrics } from '../report/metrics.js';
import { createController, type Controller, type ControllerOptions } from './controller.js';
import type { LivePort } from './reconciler.js';

let controller: Controller | undefined;
afterEach(() => controller?.stop(1_000));

/** A controller on a copy of the example, silent, resyncing only every minute, created and started (stopped by afterEach). */
async function startController(live: LivePort, options: Partial<ControllerOptions> = {}): Promise<{ metrics: ReturnType<typeof createMetrics>; started: Controller }> {
  const metrics = createMetrics();
  const started = createController({
    dir: await copyWithoutHosts(),
    logger: pino({ level: 'silent' }),
    metrics,
    diffOptions: { principals: 'create' },
    resyncIntervalMs: 60_000,
    live,
    ...options,
  });
  controller = started;
  await started.start();
  return { metrics, started };
}

it('keeps resyncing when a resync trigger is folded into a pass queued for another reason', async () => {
  const dir = await copyWithoutHosts();
  const observedAt: number[] = [];
  const live: LiveState = { groups: [], users: [], servicePrincipals: [], workspaces: [], unityCatalog: emptyUnityCatalog(), assets: {} };
  controller = createController({
    dir,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    diffOptions: { principals: 'create' },
    resyncIntervalMs: 100,
    resyncJitter: 0,
    live: {
      // Each observe takes longer than the interval, so the resync timer always fires mid-pass.
      observe: async () => {
        observedAt.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 250));
        return live;
      },
      runner: () => async () => undefined,
    },
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await controller.start(); // pass 1: 0-250 ms; the resync is then due at 350 ms
  await sleep(50);
  controller.reconcileNow('first'); // pass 2: 250-500 ms
  await sleep(250);
  controller.reconcileNow('second'); // queued at 300 ms, so the resync firing at 350 ms folds into it
  await sleep(1_400);
  const recent = observedAt.filter((at) => at > Date.now() - 500);
  expect(recent.length).toBeGreaterThanOrEqual(1);
});

describe('the pass deadline and the watchdog', () => {
  const live: LiveState = { groups: [], users: [], servicePrincipals: [], workspaces: [], unityCatalog: emptyUnityCatalog(), assets: {} };
  let server: ControllerHttpServer | undefined;
  afterEach(() => server?.close());

  const healthz = async () => {
    const response = await request(`${server!.url}/healthz`);
    return { status: response.statusCode, text: await response.body.text() };
  };

  /** A controller with a 200 ms pass deadline, started and serving its HTTP endpoints (stopped by afterEach). */
  const startServing = async (live: LivePort, options: Partial<ControllerOptions> = {}) => {
    const { metrics, started } = await startController(live, { passTimeoutMs: 200, ...options });
    server = await startControllerHttpServer({ port: 0, host: '127.0.0.1', metrics, status: started.status, logger: pino({ level: 'silent' }) });
    return { metrics, serving: started };
  };

  it('aborts a pass past its deadline through its signal and reports it as failed; /healthz stays ok', async () => {
    let passSignal: AbortSignal | undefined;
    const { metrics, serving } = await startServing({
      withSignal: (signal, fn) => ((passSignal = signal), fn()),
      // Like the client: a read that hangs until the pass's signal aborts it.
      observe: () =>
        new Promise<LiveState>((_resolve, reject) => passSignal!.addEventListener('abort', () => reject(new Error('ABORTED')), { once: true })),
      runner: () => async () => undefined,
    });
    await until('the failed pass', () => serving.status().lastReconcile);
    expect(serving.status().lastReconcile).toMatchObject({
      result: 'error',
      error: 'the pass did not finish within its deadline (--pass-timeout 200ms) and was aborted',
    });
    expect(await metrics.registry.metrics()).toMatch(/onboarder_reconcile_total\{result="error"\} 1/);
    // The loop is not wedged: the pass ended when it was aborted.
    expect(serving.status().wedged).toBeUndefined();
    expect(await healthz()).toEqual({ status: 200, text: 'ok\n' });
  });

  it('abandons a pass that does not end even after its abort: /healthz fails with the reason, and is ok again once a pass runs', async () => {
    let hang = true;
    const observed: number[] = [];
    const { metrics, serving } = await startServing(
      {
        // No withSignal: nothing reaches this read, so the abort cannot end it.
        observe: async () => {
          observed.push(Date.now());
          if (hang) await new Promise(() => undefined);
          return live;
        },
        runner: () => async () => undefined,
      },
      { watchdogMarginMs: 300, backoff: { baseMs: 60_000, maxMs: 60_000 } },
    );
    expect(await healthz()).toEqual({ status: 200, text: 'ok\n' });
    await until('the wedge', () => serving.status().wedged);
    const unhealthy = await healthz();
    expect(unhealthy.status).toBe(503);
    expect(unhealthy.text).toMatch(/pass \w+ was abandoned: still running 300ms after its deadline \(--pass-timeout 200ms\) although it was aborted/);
    expect(serving.status().lastReconcile).toMatchObject({ result: 'error', error: expect.stringContaining('was abandoned') });
    expect(await metrics.registry.metrics()).toMatch(/onboarder_reconcile_total\{result="error"\} 1/);

    // The controller still takes work: the next trigger runs a pass, which ends, and liveness is back.
    hang = false;
    serving.reconcileNow('after the wedge');
    const abandoned = serving.status().lastReconcile!.id;
    // Its result does not matter here (the example plan is rejected against this empty live state); that it ended does.
    await until('a pass after the wedge', () => serving.status().lastReconcile!.id !== abandoned);
    expect(observed).toHaveLength(2);
    expect(serving.status().wedged).toBeUndefined();
    expect(await healthz()).toEqual({ status: 200, text: 'ok\n' });
  });
});

describe('what a pass came to', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const start = async (observe: LivePort['observe'], leader = true) =>
    (
      await startController(
        { observe, runner: () => async () => undefined },
        { backoff: { baseMs: 20, maxMs: 50 }, ...(leader ? {} : { leadership: { isLeader: () => false, onChange: () => undefined } }) },
      )
    ).metrics;
  const reconciles = async (metrics: ReturnType<typeof createMetrics>) => {
    const text = await metrics.registry.getSingleMetricAsString('onboarder_reconcile_total');
    return Object.fromEntries([...text.matchAll(/result="(\w+)"\} (\d+)/g)].map(([, result, n]) => [result, Number(n)]));
  };

  it('retries a pass that could not read with backoff, and stops retrying once the error is one only a change of rights can mend', async () => {
    let observes = 0;
    const forbidden = new ApiError({ family: 'account-scim', method: 'GET', path: '/Groups', status: 403, errorCode: 'PERMISSION_DENIED', apiMessage: 'not an account admin', retryable: false });
    const unavailable = new ApiError({ family: 'account-scim', method: 'GET', path: '/Groups', status: 503, errorCode: 'TEMPORARILY_UNAVAILABLE', apiMessage: 'down', retryable: true });
    const metrics = await start(async () => {
      observes++;
      throw observes === 1 ? unavailable : forbidden;
    });
    // The 503 is retried after its backoff (20-50 ms); the 403 that follows is terminal: no retry until a revision or resync.
    await sleep(600);
    expect(observes).toBe(2);
    expect(await reconciles(metrics)).toMatchObject({ error: 2 });
    expect(controller!.status().lastReconcile).toMatchObject({ result: 'error', error: expect.stringContaining('not an account admin') });
  });

  it("counts only the leader's passes: a follower's success must not hide a leader that never converges", async () => {
    const live: LiveState = { groups: [], users: [], servicePrincipals: [], workspaces: [], unityCatalog: emptyUnityCatalog(), assets: {} };
    const metrics = await start(async () => live, false);
    // The example names a storage credential this empty account lacks, so the follower's plan is rejected: not counted either.
    await until('the follower planned', () => controller!.status().lastReconcile !== null);
    expect(controller!.status().lastReconcile?.result).toBe('rejected');
    expect(await reconciles(metrics)).toEqual({ success: 0, error: 0, rejected: 0 });
    expect(await metrics.registry.getSingleMetricAsString('onboarder_last_success_timestamp_seconds')).toMatch(/onboarder_last_success_timestamp_seconds 0$/m);
  });
});
