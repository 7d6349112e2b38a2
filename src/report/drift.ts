/**
 * What is out of sync *now* (behaviour.md, "Drift means what is out of sync
 * now"): the objects a pass found and did not repair. One pure function, so
 * `onboarder_drift_objects`, `/status.json` and the status page cannot
 * disagree: they all read its items.
 *
 * A plan computed before an apply is not drift once its actions succeeded;
 * what failed, was skipped, held, blocked, only observed or is waiting for
 * the identity provider is.
 */
import type { ActionResult, ApplyReport } from '../apply/executor.js';
import type { Action, ActionKind, Change, Plan, Readable } from '../domain/plan.js';

/** The work item of account-wide objects (an action whose customer is null), in drift, metrics and backoff alike. */
export const ACCOUNT_ITEM = 'account';

/**
 * Why an object is still out of sync after the pass:
 * - `failed`: its action ran and failed;
 * - `skipped`: not run because an action it depends on did not succeed;
 * - `held`: not started (the customer backs off, shutting down, leadership lost, the pass was aborted);
 * - `blocked`: held by a guard until confirmed (deletions over budget or of a vanished customer, membership removals);
 * - `observed`: reported only (observe mode, an observed kind, a follower's plan);
 * - `waiting`: waiting for the identity provider to provision a principal;
 * - `pending`: a plan that was not applied (`onboarder plan`): what apply would change.
 */
export type DriftState = 'failed' | 'skipped' | 'held' | 'blocked' | 'observed' | 'waiting' | 'pending';

export const DRIFT_STATES: readonly DriftState[] = ['failed', 'skipped', 'held', 'blocked', 'observed', 'waiting', 'pending'];

export interface DriftItem {
  /** The customer the object serves; ACCOUNT_ITEM for account-wide objects. */
  customer: string;
  kind: ActionKind;
  change: Change;
  target: string;
  state: DriftState;
  /** Why it is not repaired: the error, the hold, the guard, the wait. */
  reason?: string;
  /** A failure's stable code (see ActionResult.errorCode). */
  errorCode?: string;
  before: Readable | null;
  after: Readable | null;
  /** The plan's detail lines, e.g. `+ jane.doe@acmecorp.com`. */
  details: string[];
}

export const customerOf = (action: Action): string => action.customer ?? ACCOUNT_ITEM;

/**
 * The drift a pass leaves behind.
 * - With the apply's `report`: every action that did not succeed. A pending
 *   action the report does not mention was held out of the pass (its
 *   customer backs off).
 * - Without one (the pass only planned): every action apply would carry out,
 *   `pending`, or `observed` with `unapplied` as the reason (a follower).
 * Reported drift (e.g. an identity provider's group membership) is not
 * onboarder's to repair, so it is never counted.
 */
export function passDrift(plan: Plan, report?: ApplyReport, unapplied?: string): DriftItem[] {
  const results = new Map<string, ActionResult>((report?.results ?? []).map((r) => [r.action.id, r]));
  const items: DriftItem[] = [];
  for (const action of plan.actions) {
    const found = classify(action, report === undefined ? undefined : (results.get(action.id) ?? null), unapplied);
    if (found) items.push({ ...describe(action), ...found });
  }
  return items;
}

type Classified = { state: DriftState; reason?: string; errorCode?: string };

/** `result`: undefined when nothing was applied, null when the apply did not run this action. */
function classify(action: Action, result: ActionResult | null | undefined, unapplied: string | undefined): Classified | undefined {
  const reason = action.reason === undefined ? {} : { reason: action.reason };
  switch (action.status) {
    case 'reported':
      return undefined;
    case 'observed':
      return { state: 'observed', ...reason };
    case 'waiting':
      return { state: 'waiting', ...reason };
    case 'blocked':
      return { state: 'blocked', ...reason };
    case 'pending':
      break;
  }
  if (result === undefined) return unapplied === undefined ? { state: 'pending' } : { state: 'observed', reason: unapplied };
  if (result === null) return { state: 'held', reason: 'held out of this pass: the customer backs off after a failure' };
  switch (result.outcome) {
    case 'succeeded':
      return undefined;
    case 'failed':
      return { state: 'failed', ...(result.error === undefined ? {} : { reason: result.error }), ...(result.errorCode === undefined ? {} : { errorCode: result.errorCode }) };
    case 'skipped':
      return { state: result.skippedBecause === 'held' ? 'held' : 'skipped', ...(result.error === undefined ? {} : { reason: result.error }) };
  }
}

function describe(action: Action): Omit<DriftItem, 'state'> {
  return { customer: customerOf(action), kind: action.kind, change: action.change, target: action.target, before: action.before, after: action.after, details: action.details };
}

/** The number of items per state, only the states present. */
export function countByState(items: readonly DriftItem[]): Partial<Record<DriftState, number>> {
  const counts: Partial<Record<DriftState, number>> = {};
  for (const item of items) counts[item.state] = (counts[item.state] ?? 0) + 1;
  return counts;
}

/** `3 failed, 2 observed`, in DRIFT_STATES order. */
export function describeCounts(counts: Partial<Record<DriftState, number>>): string {
  return DRIFT_STATES.filter((state) => counts[state]).map((state) => `${counts[state]} ${state}`).join(', ');
}

/** The one log line a pass ends with: `converged`, or `N left (2 failed, 1 held)` with the counts as fields. */
export function passOutcomeLine(items: readonly DriftItem[]): { message: string; fields: Record<string, number> } {
  if (items.length === 0) return { message: 'converged', fields: { left: 0 } };
  const counts = countByState(items);
  return { message: `${items.length} left (${describeCounts(counts)})`, fields: { left: items.length, ...counts } };
}
