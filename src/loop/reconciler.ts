/**
 * One reconcile pass: observe -> diff -> apply -> report. The reconciler
 * knows the stages only through the ports it is given, so the CLI, the demo
 * and the long-running loop share it, and tests can run it against the
 * simulator without module mocks.
 */
import type { Logger } from 'pino';
import type { ActionRunner, ApplyReport } from '../apply/executor.js';
import { executePlan } from '../apply/executor.js';
import type { DesiredState } from '../domain/desired.js';
import { abortReasonText, ConfirmationMismatchError, DesiredStateError } from '../domain/errors.js';
import { EMPTY_INVENTORY, type Inventory } from '../domain/inventory.js';
import { nextInventory } from '../inventory/record.js';
import type { LiveState } from '../domain/live.js';
import type { Action, Plan } from '../domain/plan.js';
import { diff, type DiffOptions } from '../plan/diff.js';
import { passDrift, type DriftItem } from '../report/drift.js';
import type { Metrics } from '../report/metrics.js';

/** How the reconciler reaches Databricks. */
export interface LivePort {
  /** Reads what `desired` declares, plus what `inventory` says onboarder owned before. */
  observe(desired: DesiredState, inventory: Inventory): Promise<LiveState>;
  /** An action runner for `desired`'s workspaces that knows the ids of everything `live` holds. */
  runner(desired: DesiredState, live: LiveState): ActionRunner;
  /**
   * Runs `fn` so that every request it makes stops when `signal` aborts
   * (DatabricksHttp.withSignal). Absent (test doubles): nothing is cancelled,
   * only the executor's hold applies.
   */
  withSignal?<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T>;
}

/** Where onboarder keeps what it owns (src/inventory); without one, nothing is owned and nothing pruned. */
export interface InventoryPort {
  /** Read afresh each pass: another leader may have written since. */
  load(desired: DesiredState): Promise<Inventory>;
  save(desired: DesiredState, next: Inventory, meta: { revision?: string }): Promise<void>;
}

export interface ReconcileDeps {
  live: LivePort;
  inventory?: InventoryPort;
  logger: Logger;
  metrics?: Metrics;
  diffOptions: DiffOptions;
  /** Seconds, for durations. */
  clock?: () => number;
  /** Wall time in epoch milliseconds, for the age of inventory records; default Date.now. */
  now?: () => number;
  /**
   * The pass's signal (src/loop/pass-signal.ts): its observe, actions and
   * inventory reads and writes stop when it aborts.
   */
  signal?: AbortSignal;
}

export interface PassResult {
  plan: Plan;
  live: LiveState;
  inventory: Inventory;
  report?: ApplyReport;
  /** What the pass left out of sync (report/drift.ts): the metrics and the status page show these. */
  drift: DriftItem[];
  /** Set when the pass's signal aborted during the apply: why (the actions not started are held, the inventory not written). */
  stopped?: string;
}

/** Runs `fn` under the pass's signal, when there is one. */
function underSignal<T>(deps: ReconcileDeps, fn: () => Promise<T>): Promise<T> {
  return deps.signal && deps.live.withSignal ? deps.live.withSignal(deps.signal, fn) : fn();
}

export interface PlanOptions {
  /**
   * Why this plan is not applied, when it is not for lack of asking (a
   * follower: only the leader writes): its pending actions are drift
   * `observed` with this reason. Absent: they are `pending` (`onboarder plan`).
   */
  unapplied?: string;
}

/**
 * Reads live state and computes the plan; writes nothing. Throws a
 * DesiredStateError when the plan has issues (the desired state names
 * something the account lacks): such a plan is never applied.
 */
export async function planPass(desired: DesiredState, deps: ReconcileDeps, options: PlanOptions = {}): Promise<PassResult> {
  const planned = await observeAndPlan(desired, deps);
  const drift = passDrift(planned.plan, undefined, options.unapplied);
  deps.metrics?.recordPlan(planned.plan, drift);
  return { ...planned, drift };
}

async function observeAndPlan(desired: DesiredState, deps: ReconcileDeps): Promise<Omit<PassResult, 'drift'>> {
  const { inventory, live } = await underSignal(deps, async () => {
    const inventory = deps.inventory ? await deps.inventory.load(desired) : (deps.diffOptions.inventory ?? EMPTY_INVENTORY);
    return { inventory, live: await deps.live.observe(desired, inventory) };
  });
  const plan = diff(desired, live, { now: (deps.now ?? Date.now)(), ...deps.diffOptions, inventory });
  if (plan.issues.length > 0) throw new DesiredStateError(plan.issues);
  // The token in each warning: confirming once is `apply --confirm-deletions=<it>`, whoever reads the log.
  const confirmToken = plan.confirmToken ? { confirmToken: plan.confirmToken } : {};
  if (plan.pruneBlocked) {
    const { reason, ...block } = plan.pruneBlocked;
    deps.logger.warn({ ...block, ...confirmToken }, `deletions blocked, the plan deletes nothing: ${reason}`);
  }
  if (plan.membershipRemovalsBlocked) {
    const { reason, ...held } = plan.membershipRemovalsBlocked;
    deps.logger.warn({ ...held, ...confirmToken }, `membership removals blocked, those members stay: ${reason}`);
  }
  if (plan.confirmation?.confirmed) {
    deps.logger.warn({ confirmToken: plan.confirmation.token, actions: plan.confirmation.actions }, 'held actions confirmed by --confirm-deletions: they run in this pass');
  }
  for (const { customer, owned } of plan.offboarding ?? []) {
    deps.logger.info({ customer, owned }, owned === 0 ? 'offboarding complete: its documents can be deleted' : 'offboarding: its objects are deleted');
  }
  deps.logger.info({ ...plan.summary }, 'plan computed');
  return { plan, live, inventory };
}

/** Plans, then executes every pending action. Throws only when live state cannot be read. */
export interface ApplyOptions {
  /** Which pending actions run this pass (the scheduler holds back customers in backoff); default all. */
  select?: (action: Action) => boolean;
  /** See ExecuteOptions.holdReason: shutting down, or leadership lost. */
  holdReason?: () => string | undefined;
  /** The desired-state revision, recorded with the inventory. */
  revision?: string;
}

export async function applyPass(desired: DesiredState, deps: ReconcileDeps, options: ApplyOptions = {}): Promise<PassResult> {
  const clock = deps.clock ?? (() => performance.now() / 1000);
  // The pass's outcome (and so onboarder_reconcile_total) is the caller's to judge: the controller's settle().
  return underSignal(deps, async () => {
    const { plan, live, inventory } = await observeAndPlan(desired, deps);
    // A confirmation that no longer matches: the operator reviewed something else, so nothing at all is written.
    if (plan.confirmation && !plan.confirmation.confirmed) throw new ConfirmationMismatchError(plan, plan.confirmation.token, plan.confirmation.reason);
    const select = options.select;
    const runnable = select ? { ...plan, actions: plan.actions.filter((a) => a.status !== 'pending' || select(a)) } : plan;
    const report = await executePlan(runnable, deps.live.runner(desired, live), {
      logger: deps.logger,
      clock,
      ...(deps.metrics ? { onResult: (r) => deps.metrics?.recordAction(r) } : {}),
      ...(options.holdReason ? { holdReason: options.holdReason } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    deps.metrics?.recordFailures(plan, report.results);
    const drift = passDrift(plan, report);
    deps.metrics?.recordPlan(plan, drift);
    const next = nextInventory(inventory, desired, plan, report.results, new Date((deps.now ?? Date.now)()));
    if (deps.signal?.aborted) {
      // Its write would be cancelled too; what is declared and exists is recorded again by the next pass.
      const stopped = abortReasonText(deps.signal);
      deps.logger.error({ succeeded: report.succeeded, failed: report.failed, skipped: report.skipped, reason: stopped }, 'reconcile stopped: the inventory was not written');
      return { plan, live, inventory, report, drift, stopped };
    }
    // Always offered: the store writes only when it differs from what is stored (which a failed write left behind).
    if (deps.inventory) {
      try {
        await deps.inventory.save(desired, next, options.revision ? { revision: options.revision } : {});
      } catch (error) {
        throw new InventoryWriteError(error);
      }
    }
    deps.logger.info({ succeeded: report.succeeded, failed: report.failed, skipped: report.skipped }, 'reconcile finished');
    return { plan, live, inventory: next, report, drift };
  });
}

/**
 * The actions ran, but the inventory was not written. The store keeps the
 * change in memory for the next pass's write; what is declared and exists is
 * recorded again by any later pass anyway.
 */
export class InventoryWriteError extends Error {
  readonly code = 'INVENTORY_WRITE_FAILED';
  constructor(cause: unknown) {
    super(`the actions ran, but the inventory was not written: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'InventoryWriteError';
  }
}
