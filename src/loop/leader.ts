/**
 * Leader election over a Kubernetes Lease (coordination.k8s.io/v1), done the
 * way client-go's leaderelection does it, so that of several
 * `onboarder run --leader-elect` replicas only one writes to Databricks.
 *
 * Safety rests on three rules:
 * - a follower takes over only after it has seen the lease record unchanged
 *   for leaseDuration on its own clock, so clock skew between nodes does not
 *   matter (the record's timestamps are informative only);
 * - every write carries the resourceVersion it was based on, so of two
 *   contenders the API server lets exactly one win (409 for the other);
 * - a leader that has not renewed within renewDeadline (< leaseDuration)
 *   steps down on a timer, before any follower could see the lease expire.
 *   The deadline runs from when the successful write was *sent*: every
 *   follower observes that write later, so its expiry comes later still.
 *
 * Expiry uses this instance's leaseDurationMs, not the record's
 * leaseDurationSeconds (whole seconds, too coarse for short test durations):
 * all candidates must share the same timing, as older client-go required.
 * Identities must be unique: an elector treats a lease held by its own
 * identity as its own.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import { ConfigError } from '../domain/errors.js';
import { describe, LeaseApiError, leaseClient, microTime, type Lease, type LeaseSpec } from './lease-api.js';

export { LeaseApiError, microTime } from './lease-api.js';
export { inClusterLeaseConfig, SERVICE_ACCOUNT_DIR, type InClusterSource } from './in-cluster.js';

export interface LeaseConfig {
  /** e.g. https://kubernetes.default.svc (from KUBERNETES_SERVICE_HOST/PORT in cluster). */
  apiServer: string;
  namespace: string;
  /** Lease name, e.g. "onboarder". */
  name: string;
  /** holderIdentity, e.g. the pod name; unique per candidate. */
  identity: string;
  /** Bearer token, asked for on every request: projected tokens rotate. */
  token: () => Promise<string>;
  /** PEM of the cluster CA, for undici's TLS connect options. */
  ca?: string;
  /** Default 15_000. */
  leaseDurationMs?: number;
  /** Default 10_000: a leader that cannot renew within this stops leading. */
  renewDeadlineMs?: number;
  /** Default 2_000: how often to try to acquire / renew. */
  retryPeriodMs?: number;
}

export interface LeaderElector {
  start(): void;
  /** Stops renewing; if leading, releases the lease (clears holderIdentity) so another instance takes over at once. */
  stop(): Promise<void>;
  isLeader(): boolean;
  /** The Lease's holderIdentity as last read or written; undefined when nobody holds it (or before the first read). */
  holder(): string | undefined;
  /** Called on every transition. */
  onChange(listener: (leader: boolean) => void): void;
}

export interface LeaderElectorDeps {
  logger: Logger;
  /** Clock in ms for timestamps and durations; default Date.now for timestamps and a monotonic clock for durations. */
  now?: () => number;
  /** Default: an undici Agent of its own (trusting `ca`), closed by stop(). */
  dispatcher?: Dispatcher;
}

export const LEASE_DEFAULTS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } as const;


interface Timing {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

function resolveTiming(config: LeaseConfig): Timing {
  const timing: Timing = {
    leaseDurationMs: config.leaseDurationMs ?? LEASE_DEFAULTS.leaseDurationMs,
    renewDeadlineMs: config.renewDeadlineMs ?? LEASE_DEFAULTS.renewDeadlineMs,
    retryPeriodMs: config.retryPeriodMs ?? LEASE_DEFAULTS.retryPeriodMs,
  };
  for (const [key, value] of Object.entries(timing)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`leader election: ${key} must be a positive number of milliseconds, got ${value}`);
    }
  }
  if (timing.renewDeadlineMs >= timing.leaseDurationMs) {
    throw new ConfigError('leader election: renewDeadlineMs must be shorter than leaseDurationMs');
  }
  if (timing.retryPeriodMs >= timing.renewDeadlineMs) {
    throw new ConfigError('leader election: retryPeriodMs must be shorter than renewDeadlineMs');
  }
  for (const key of ['apiServer', 'namespace', 'name', 'identity'] as const) {
    if (config[key].trim() === '') throw new ConfigError(`leader election: ${key} must not be empty`);
  }
  return timing;
}

/** What a follower compares to tell whether the holder is still renewing. */
function recordKey(spec: LeaseSpec | undefined): string {
  return JSON.stringify([
    spec?.holderIdentity ?? '',
    spec?.renewTime ?? '',
    spec?.acquireTime ?? '',
    spec?.leaseTransitions ?? 0,
    spec?.leaseDurationSeconds ?? 0,
  ]);
}

const monotonicNow = (): number => performance.timeOrigin + performance.now();

export function createLeaderElector(config: LeaseConfig, deps: LeaderElectorDeps): LeaderElector {
  const timing = resolveTiming(config);
  const { identity } = config;
  const log = deps.logger.child({ component: 'leader-election', lease: `${config.namespace}/${config.name}`, identity });
  const wallClock = deps.now ?? Date.now;
  const clock = deps.now ?? monotonicNow;
  const ownDispatcher = deps.dispatcher
    ? undefined
    : new Agent(config.ca === undefined ? {} : { connect: { ca: config.ca } });
  const dispatcher = deps.dispatcher ?? ownDispatcher!;
  // Half the renew deadline: a hung request still leaves time for another try.
  const client = leaseClient(config, dispatcher, Math.max(1, Math.floor(timing.renewDeadlineMs / 2)));
  const leaseDurationSeconds = Math.max(1, Math.ceil(timing.leaseDurationMs / 1000));

  const listeners = new Set<(leader: boolean) => void>();
  const stopSignal = new AbortController();
  let state: 'idle' | 'running' | 'stopped' = 'idle';
  let leading = false;
  /** Clock time at which leading ends unless renewed. */
  let leaderUntil = 0;
  let observed: { key: string; at: number } | undefined;
  let lastHolder: string | undefined;
  /** A write naming us holder may have landed; stop() then releases. */
  let claimSent = false;
  let failures = 0;
  let deadlineTimer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  function emit(leader: boolean): void {
    for (const listener of listeners) {
      try {
        listener(leader);
      } catch (error) {
        log.error({ error: describe(error) }, 'leader election listener threw');
      }
    }
  }

  function stepDown(reason: string, level: 'info' | 'warn' = 'warn'): void {
    clearTimeout(deadlineTimer);
    if (!leading) return;
    leading = false;
    leaderUntil = 0;
    log[level]({ reason }, 'stopped leading');
    emit(false);
  }

  function checkDeadline(): void {
    if (leading && clock() >= leaderUntil) {
      stepDown(`no successful renewal within renewDeadline (${timing.renewDeadlineMs} ms)`);
    }
  }

  function armDeadline(): void {
    clearTimeout(deadlineTimer);
    deadlineTimer = setTimeout(
      () => {
        checkDeadline();
        // Timers may fire a hair early against our clock: check again.
        if (leading) armDeadline();
      },
      Math.max(0, leaderUntil - clock()),
    );
    deadlineTimer.unref();
  }

  function observe(lease: Lease): void {
    lastHolder = lease.spec?.holderIdentity || undefined;
    const key = recordKey(lease.spec);
    if (observed?.key !== key) observed = { key, at: clock() };
  }

  /** A write naming us holder, sent at `sentAt`, succeeded. */
  function renewed(sentAt: number): void {
    checkDeadline();
    if (state !== 'running') return;
    const until = sentAt + timing.renewDeadlineMs;
    if (clock() >= until) {
      log.warn('a renewal succeeded only after renewDeadline; not leading on it');
      return;
    }
    leaderUntil = until;
    armDeadline();
    if (!leading) {
      leading = true;
      log.info('started leading');
      emit(true);
    }
  }

  function claim(lease: Lease): Lease {
    const spec = lease.spec ?? {};
    const renewal = spec.holderIdentity === identity;
    const stamp = microTime(wallClock());
    return {
      ...lease,
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: renewal ? (spec.acquireTime ?? stamp) : stamp,
        renewTime: stamp,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (renewal ? 0 : 1),
      },
    };
  }

  /** One round of client-go's tryAcquireOrRenew. */
  async function attempt(): Promise<'done' | 'conflict'> {
    const signal = stopSignal.signal;
    const current = await client.get(signal);
    if (current.kind === 'conflict') throw new LeaseApiError('GET answered 409', 409, undefined);
    if (current.kind === 'absent') {
      const stamp = microTime(wallClock());
      const sentAt = clock();
      claimSent = true;
      const created = await client.create(
        { holderIdentity: identity, leaseDurationSeconds, acquireTime: stamp, renewTime: stamp, leaseTransitions: 0 },
        signal,
      );
      if (created.kind === 'absent') {
        throw new LeaseApiError(`POST lease: namespace ${config.namespace} not found`, 404, 'NotFound');
      }
      if (created.kind === 'conflict') return 'conflict';
      observe(created.lease);
      renewed(sentAt);
      return 'done';
    }

    const lease = current.lease;
    observe(lease);
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== '' && holder !== identity && clock() - observed!.at < timing.leaseDurationMs) {
      claimSent = false;
      stepDown(`the lease is held by ${holder}`);
      return 'done';
    }
    if (holder !== identity) log.info({ previousHolder: holder || undefined }, 'trying to take over the lease');
    const sentAt = clock();
    claimSent = true;
    const updated = await client.replace(claim(lease), signal);
    if (updated.kind !== 'found') {
      log.debug({ reply: updated.kind }, 'lost a race for the lease');
      return 'conflict';
    }
    observe(updated.lease);
    renewed(sentAt);
    return 'done';
  }

  function reportFailure(error: unknown): void {
    if (state !== 'running') return;
    failures += 1;
    const fields = { error: describe(error), failures };
    if (failures === 1) log.warn(fields, 'lease request failed');
    else log.debug(fields, 'lease request failed');
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function run(): Promise<void> {
    let retriedAtOnce = false;
    while (state === 'running') {
      let outcome: 'done' | 'conflict' | 'failed';
      try {
        outcome = await attempt();
        if (failures > 0) log.info({ failures }, 'lease requests succeed again');
        failures = 0;
      } catch (error) {
        outcome = 'failed';
        reportFailure(error);
      }
      if (state !== 'running') return;
      // After a conflict the resourceVersion is stale: look again at once (once).
      retriedAtOnce = outcome === 'conflict' && !retriedAtOnce;
      if (!retriedAtOnce) await sleep(timing.retryPeriodMs);
    }
  }

  async function release(): Promise<void> {
    try {
      const current = await client.get();
      if (current.kind !== 'found' || current.lease.spec?.holderIdentity !== identity) return;
      const spec = current.lease.spec;
      const stamp = microTime(wallClock());
      // As client-go: an empty holder lets any candidate acquire without waiting.
      const released = await client.replace({
        ...current.lease,
        spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: stamp, renewTime: stamp },
      });
      if (released.kind === 'found') log.info('released the lease');
      else log.warn('could not release the lease: it changed meanwhile');
    } catch (error) {
      log.warn({ error: describe(error) }, 'could not release the lease; it expires after leaseDuration');
    }
  }

  async function shutdown(): Promise<void> {
    const wasRunning = state === 'running';
    const wasLeading = leading;
    state = 'stopped';
    // Writes stop before anything else happens.
    stepDown('stopping', 'info');
    clearTimeout(deadlineTimer);
    wake?.();
    stopSignal.abort();
    await loop;
    if (wasRunning && (wasLeading || claimSent)) await release();
    await ownDispatcher?.close();
  }

  return {
    start() {
      if (state === 'running') return;
      if (state === 'stopped') throw new Error('leader election: a stopped elector cannot be restarted');
      state = 'running';
      log.info({ ...timing }, 'leader election started');
      loop = run().catch((error: unknown) => log.error({ error: describe(error) }, 'leader election loop failed'));
    },
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
    isLeader() {
      return leading && clock() < leaderUntil;
    },
    holder: () => lastHolder,
    onChange(listener) {
      listeners.add(listener);
    },
  };
}
