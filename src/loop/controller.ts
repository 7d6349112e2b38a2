/**
 * The long-running controller (`onboarder run`): reconciles when a new
 * revision is published, on a resync interval (to catch drift made outside
 * git), and when a customer's backoff ends.
 *
 * Work is one pass at a time over the whole desired state: observe once,
 * diff once, execute. A trigger that arrives mid-pass is remembered and runs
 * one more pass right after, so nothing is lost and nothing runs twice at
 * the same time. Failures back off per work item (a customer, or `account`
 * for account-wide objects): an item in backoff has its actions held out of
 * the passes until it is due, so one customer's failure never blocks
 * another's.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { formatIssue } from '../domain/errors.js';
import { ACTION_KINDS, unhandled } from '../domain/plan.js';
import { summarize } from '../plan/diff.js';
import { customerOf, passOutcomeLine } from '../report/drift.js';
import { lastReconcileFields, type ControllerStatus } from '../report/status.js';
import { createBackoffs, DEFAULT_BACKOFF } from './backoff.js';
import type { Controller, ControllerOptions } from './controller-options.js';
import { createSyncMemory } from './sync-memory.js';
import { outcomeOfError, outcomeOfResult, type PassOutcome } from './pass-outcome.js';
import { applyPass, planPass, type PassResult, type ReconcileDeps } from './reconciler.js';
import { formatDuration, PassStoppedError, settlesWithin, startPassSignal, type PassSignal } from './pass-signal.js';
import { readRevision, type Revision } from './revision.js';
import { watchRevisions, type RevisionWatcher } from './watch.js';

export type { Controller, ControllerOptions, Leadership } from './controller-options.js';

/** Not an item of actions: a pass that could not read live state backs off under this key. */
const OBSERVE_ITEM = '(observe)';

interface RunningPass {
  id: string;
  startedAt: Date;
  signal: PassSignal;
  /** Given up by the watchdog: whatever it does if it ever ends is ignored. */
  abandoned: boolean;
  done: Promise<void>;
}

/** The watcher's trigger: a new revision was published. */
const REVISION_TRIGGER = 'revision';

/** After a shutdown's grace has aborted the pass, how long stop() still waits for it to end. */
const ABORTED_PASS_WAIT_MS = 2_000;

export function createController(options: ControllerOptions): Controller {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = options.logger;

  let current: Extract<Revision, { ok: true }> | undefined;
  let currentLoadedAt = new Date(0);
  let rejected: ControllerStatus['rejected'] = null;
  let lastReconcile: ControllerStatus['lastReconcile'] = null;
  const sync = createSyncMemory();
  let ready = false;
  let revisionDirty = true;
  let stopping = false;
  let nextResyncAt: Date | null = null;
  const backoff = createBackoffs(options.backoff ?? DEFAULT_BACKOFF, now, random);

  const passTimeoutMs = options.passTimeoutMs ?? 15 * 60_000;
  const watchdogMarginMs = options.watchdogMarginMs ?? 30_000;
  let running: RunningPass | undefined;
  let wedged: ControllerStatus['wedged'];
  /** Why the next pass was asked for, by every trigger since the running one started. */
  let queued = new Set<string>();
  let resyncTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let watcher: RevisionWatcher | undefined;

  const isLeader = () => options.leadership?.isLeader() ?? true;
  const observeKinds = [...(options.diffOptions.observeKinds ?? [])].sort();
  const observeMode = ACTION_KINDS.every((kind) => options.diffOptions.observeKinds?.has(kind) ?? false);

  const trigger = (reason: string | ReadonlySet<string>) => {
    if (stopping) return;
    const reasons = typeof reason === 'string' ? new Set([reason]) : reason;
    if (running) {
      // Mid-pass: one more pass right after this one, whatever the number of triggers.
      for (const r of reasons) queued.add(r);
      return;
    }
    const pass: RunningPass = {
      id: randomUUID().slice(0, 8),
      startedAt: new Date(now()),
      signal: startPassSignal({ timeoutMs: passTimeoutMs }),
      abandoned: false,
      done: Promise.resolve(),
    };
    const watchdog = setTimeout(() => abandon(pass), passTimeoutMs + watchdogMarginMs);
    watchdog.unref();
    running = pass;
    pass.done = runPass(reasons, pass).finally(() => {
      clearTimeout(watchdog);
      // Cancels whatever the pass left running (a request retrying after another one failed).
      pass.signal.end();
      // An abandoned pass no longer owns the loop.
      if (running === pass) runNext();
    });
  };

  const runNext = () => {
    running = undefined;
    const next = queued;
    queued = new Set();
    if (next.size > 0) trigger(next);
  };

  /**
   * The watchdog: the pass was aborted at its deadline but is still running
   * (something awaits what no signal reaches). The loop goes on without it,
   * and /healthz reports the wedge so that Kubernetes restarts the pod if
   * the passes after it do not end either.
   */
  const abandon = (pass: RunningPass) => {
    if (running !== pass) return;
    pass.abandoned = true;
    pass.signal.end();
    const reason = `pass ${pass.id} was abandoned: still running ${formatDuration(watchdogMarginMs)} after its deadline (--pass-timeout ${formatDuration(passTimeoutMs)}) although it was aborted`;
    wedged = { since: new Date(now()), reason };
    log.error({ reconcileId: pass.id, startedAt: pass.startedAt }, reason);
    // Should the pass ever end, its outcome is ignored (ignoreAbandoned): it is counted here, once.
    options.metrics.recordReconcile('error', (now() - pass.startedAt.getTime()) / 1000);
    lastReconcile = { id: pass.id, revision: current?.id ?? null, startedAt: pass.startedAt, finishedAt: new Date(now()), result: 'error', summary: summarize([]), failed: 0, error: reason };
    backoff.fail(OBSERVE_ITEM);
    scheduleResync();
    scheduleRetry();
    runNext();
  };

  const scheduleResync = () => {
    clearTimeout(resyncTimer);
    if (stopping) return;
    const delay = options.resyncIntervalMs * (1 + random() * (options.resyncJitter ?? 0.1));
    nextResyncAt = new Date(now() + delay);
    resyncTimer = setTimeout(() => trigger('resync'), delay);
    resyncTimer.unref();
  };

  const scheduleRetry = () => {
    clearTimeout(retryTimer);
    const earliest = backoff.earliest();
    if (stopping || earliest === undefined) return;
    retryTimer = setTimeout(() => trigger('backoff over'), Math.max(0, earliest - now()));
    retryTimer.unref();
  };

  /** The sync statuses as the metric shows them; decided after each pass and when a revision loads. */
  const publishSync = () => options.metrics.recordSync(sync.customers());

  /** Loads the folder's revision; false when it was rejected (the one in force stays). */
  async function loadRevision(passLog: Logger): Promise<boolean> {
    revisionDirty = false;
    const revision = await readRevision(options.dir, options.load);
    if (revision.ok) {
      if (revision.id !== current?.id) {
        passLog.info({ revision: revision.id, root: revision.root }, 'revision loaded');
        currentLoadedAt = new Date(now());
      }
      current = revision;
      rejected = null;
      options.metrics.recordRevision(revision.id, true);
      sync.revisionLoaded(revision.state.customers.map((c) => c.name));
      publishSync();
      return true;
    }
    const errors = revision.issues.map(formatIssue);
    passLog.error(
      { revision: revision.id, errors, inForce: current?.id ?? null },
      `revision rejected (${errors.length} ${errors.length === 1 ? 'error' : 'errors'}): ${current ? `revision ${current.id} stays in force` : 'no valid revision yet'}`,
    );
    rejected = { id: revision.id, at: new Date(now()), errors, issues: revision.issues };
    options.metrics.recordRevision(null, false);
    return false;
  }

  /** What the pass left behind, for the status page and the metrics (customers' sync, drift, the log's outcome line). */
  const recordPassEnd = (result: PassResult, passLog: Logger) => {
    ready = true;
    sync.passEnded({ declared: current?.state.customers.map((c) => c.name) ?? [], drift: result.drift, backoffUntil: backoff.dueDates(OBSERVE_ITEM), at: new Date(now()) });
    publishSync();
    const line = passOutcomeLine(result.drift);
    passLog.info(line.fields, line.message);
  };

  /** The one switch from a pass's outcome to backoff, status, metrics and the log. */
  const settle = (outcome: PassOutcome, pass: RunningPass, passLog: Logger, leader: boolean) => {
    wedged = undefined;
    // Only the leader's passes count: a follower applies nothing, and its "success" must not hide a leader that never converges.
    const count = (result: 'success' | 'error' | 'rejected', seconds: number) => {
      if (leader) options.metrics.recordReconcile(result, seconds);
    };
    const finishedAt = new Date(now());
    const seconds = (finishedAt.getTime() - pass.startedAt.getTime()) / 1000;
    const base = { id: pass.id, revision: current?.id ?? null, startedAt: pass.startedAt, finishedAt };
    const nothing = { summary: summarize([]), failed: 0 };
    switch (outcome.type) {
      case 'done': {
        const { result, failedItems } = outcome;
        for (const item of failedItems) backoff.fail(item);
        // An item whose actions all went through (or that had nothing to do) is healthy again.
        backoff.recovered(failedItems);
        if (failedItems.length > 0) passLog.warn({ backingOff: failedItems }, 'failed items back off');
        recordPassEnd(result, passLog);
        const ended = failedItems.length > 0 ? 'error' : 'success';
        count(ended, seconds);
        lastReconcile = { ...base, result: ended, ...lastReconcileFields(result.plan, result.report?.failed ?? 0) };
        return;
      }
      case 'retry':
        // All of it again, with backoff: the observe item holds the next pass back a little.
        backoff.fail(OBSERVE_ITEM);
        for (const item of outcome.failedItems ?? []) backoff.fail(item);
        if (outcome.result) recordPassEnd(outcome.result, passLog);
        passLog.error({ err: outcome.reason }, 'reconcile failed');
        count('error', seconds);
        lastReconcile = { ...base, result: 'error', ...(outcome.result ? lastReconcileFields(outcome.result.plan, outcome.result.report?.failed ?? 0) : nothing), error: outcome.reason };
        return;
      case 'terminal':
        // No backoff retries: the same pass would fail the same way. The next revision or resync tries again.
        backoff.forget(OBSERVE_ITEM);
        passLog.error({ err: outcome.reason }, 'reconcile failed: not retried until the next revision or resync');
        count('error', seconds);
        lastReconcile = { ...base, result: 'error', ...nothing, error: outcome.reason };
        return;
      case 'rejected': {
        const errors = outcome.issues.map(formatIssue);
        rejected = { id: current?.id ?? 'unknown', at: finishedAt, errors, issues: outcome.issues };
        passLog.error({ err: errors.join('; ') }, 'plan rejected: nothing applied');
        count('rejected', seconds);
        lastReconcile = { ...base, result: 'rejected', ...nothing, error: errors.join('\n') };
        return;
      }
      default:
        return unhandled(outcome, 'pass outcome');
    }
  };

  async function runPass(reasons: ReadonlySet<string>, pass: RunningPass): Promise<void> {
    const reason = [...reasons].join(', ');
    const reconcileId = pass.id;
    let passLog = log.child({ reconcileId });
    const ignoreAbandoned = () => {
      if (pass.abandoned) passLog.warn('the abandoned pass ended after all; its outcome is ignored');
      return pass.abandoned;
    };
    let skipped = false;
    try {
      const loaded = revisionDirty ? await loadRevision(passLog) : true;
      // A rejected revision changes nothing to do: the one in force was reconciled already. Only a
      // resync, a backoff ending or a leadership change (also asking now) needs a full observe.
      skipped = current !== undefined && !loaded && [...reasons].every((r) => r === REVISION_TRIGGER);
      if (skipped) passLog.debug('no pass for a rejected revision');
      if (skipped || !current) {
        // Counted here only when no pass follows: a pass with the revision in force counts its own outcome, once.
        if (!loaded && isLeader()) options.metrics.recordReconcile('rejected', 0);
        return;
      }
      passLog = passLog.child({ revision: current.id });
      const deps: ReconcileDeps = {
        live: options.live,
        logger: passLog,
        metrics: options.metrics,
        diffOptions: options.diffOptions,
        signal: pass.signal.signal,
        ...(options.inventory ? { inventory: options.inventory } : {}),
      };
      const leader = isLeader();
      passLog.info({ reason, leader }, 'reconcile started');
      let outcome: PassOutcome;
      try {
        const result = leader
          ? await applyPass(current.state, deps, {
              select: (action) => backoff.due(customerOf(action)),
              holdReason: () => (stopping ? 'shutting down' : isLeader() ? undefined : 'leadership lost'),
              revision: current.id,
            })
          : // A follower observes and reports drift; only the leader writes.
            await planPass(current.state, deps, { unapplied: 'this replica is a follower: only the leader applies' });
        outcome = outcomeOfResult(result, customerOf);
      } catch (error) {
        outcome = outcomeOfError(error, pass.signal.stoppedBecause());
      }
      if (ignoreAbandoned()) return;
      settle(outcome, pass, passLog, leader);
    } catch (error) {
      // Reading the revision, or reporting, failed: still a pass that ended, and never an unhandled rejection.
      if (ignoreAbandoned()) return;
      settle(outcomeOfError(error, pass.signal.stoppedBecause()), pass, passLog, isLeader());
    } finally {
      // Any pass that ended shows the loop is not wedged (a skipped one included).
      if (!pass.abandoned) wedged = undefined;
      // Every pass is a full reconcile, so the next resync is an interval after the last pass, whatever
      // triggered it (a resync folded into a queued pass must not end the resync chain). An abandoned
      // pass's were set when it was abandoned; a skipped one leaves the timers as they were.
      if (!pass.abandoned && !skipped) {
        scheduleResync();
        scheduleRetry();
      }
    }
  }

  return {
    async start() {
      options.metrics.setLeader(isLeader());
      options.leadership?.onChange((leader) => {
        options.metrics.setLeader(leader);
        if (!leader) options.metrics.clearFailures();
        log.warn({ leader }, leader ? 'became the leader: writing from now on' : 'lost leadership: no more writes');
        if (leader) trigger('became leader');
      });
      watcher = await watchRevisions(
        options.dir,
        () => {
          revisionDirty = true;
          trigger(REVISION_TRIGGER);
        },
        {
          ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
          onError: (error) => log.warn({ err: error instanceof Error ? error.message : String(error), dir: options.dir }, 'watching the desired-state folder failed'),
        },
      );
      trigger('start');
    },
    async stop(graceMs) {
      stopping = true;
      clearTimeout(resyncTimer);
      clearTimeout(retryTimer);
      await watcher?.close();
      const pass = running;
      if (!pass || (await settlesWithin(pass.done, graceMs))) return;
      log.warn({ graceMs, reconcileId: pass.id }, 'in-flight work did not finish within the grace period: aborting the pass');
      pass.signal.abort(new PassStoppedError('STOPPED', `shutting down: calls still in flight after the grace period (${formatDuration(graceMs)}) were cancelled`));
      if (!(await settlesWithin(pass.done, ABORTED_PASS_WAIT_MS))) log.error({ reconcileId: pass.id }, 'the aborted pass did not end: stopping without it');
    },
    status: () => ({
      ready,
      leader: isLeader(),
      leadership: {
        election: options.leadership !== undefined,
        replica: options.replica ?? 'this replica',
        holder: options.leadership?.holder?.() ?? null,
      },
      observe: { mode: observeMode ? 'observe' : 'apply', kinds: observeMode ? [] : observeKinds },
      revision: current ? { id: current.id, loadedAt: currentLoadedAt } : null,
      rejected,
      lastReconcile,
      customers: sync.customers(),
      drift: sync.drift(),
      nextResyncAt,
      ...(wedged ? { wedged } : {}),
    }),
    reconcileNow: (reason) => trigger(reason),
    async idle() {
      while (running) await running.done;
    },
  };

}
