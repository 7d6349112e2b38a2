/**
 * A sync status per customer, decided in one place (as controller-runtime's
 * one switch decides requeue): the status page, `/status.json` and
 * `onboarder_customer_synced` all read it.
 *
 * The rule, first match wins:
 * 1. `Failed`: an action of the customer failed in the last pass.
 * 2. `BackingOff`: the customer backs off after an earlier failure; its
 *    actions were held out of the last pass until it is due.
 * 3. `Blocked`: a guard holds some of its changes until confirmed
 *    (deletions, membership removals).
 * 4. `OutOfSync`: anything else left (observed, waiting for the identity
 *    provider, skipped, held by a shutdown or a lost leadership, a plan not
 *    applied), or not reconciled yet under the revision in force.
 * 5. `Synced`: the last pass left nothing of it out of sync.
 * A failure outranks the rest because it needs a person; backing off says
 * the controller is already retrying one; a block needs a confirmation.
 */
import { countByState, describeCounts, type DriftItem } from './drift.js';

export type SyncStatus = 'Synced' | 'OutOfSync' | 'Failed' | 'Blocked' | 'BackingOff';

export const SYNC_STATUSES: readonly SyncStatus[] = ['Failed', 'BackingOff', 'Blocked', 'OutOfSync', 'Synced'];

export interface SyncInput {
  /** The customer's drift items after the last pass. */
  items: readonly DriftItem[];
  /** False when no pass has run under the revision in force since the customer was declared. */
  reconciled: boolean;
  /** While the customer backs off: when it is due again. */
  backoffUntil: Date | null;
  /** The error that put it into backoff, remembered while it waits. */
  lastError: string | null;
}

export interface SyncDecision {
  status: SyncStatus;
  reason: string;
}

export function decideSync(input: SyncInput): SyncDecision {
  const { items } = input;
  const failed = items.filter((item) => item.state === 'failed');
  if (failed.length > 0) {
    return { status: 'Failed', reason: `${count(failed.length, 'action')} failed: ${failed[0]!.reason ?? 'no message'}` };
  }
  if (input.backoffUntil !== null && items.some((item) => item.state === 'held')) {
    const cause = input.lastError === null ? '' : ` after: ${input.lastError}`;
    return { status: 'BackingOff', reason: `retrying at ${input.backoffUntil.toISOString()}${cause}` };
  }
  const blocked = items.filter((item) => item.state === 'blocked');
  if (blocked.length > 0) return { status: 'Blocked', reason: `${count(blocked.length, 'change')} held by a guard: ${blocked[0]!.reason ?? 'confirmation needed'}` };
  if (items.length > 0) return { status: 'OutOfSync', reason: `${count(items.length, 'object')} out of sync (${describeCounts(countByState(items))})` };
  if (!input.reconciled) return { status: 'OutOfSync', reason: 'not reconciled yet under the revision in force' };
  return { status: 'Synced', reason: 'live state matches the desired state' };
}

export interface CustomerSync extends SyncDecision {
  name: string;
  /** Drift items of the customer (the page's count; the items are in the status's drift list). */
  drift: number;
  /** When a pass last found it Synced; null when never since this process started. */
  lastSyncedAt: Date | null;
  lastError: string | null;
  backoffUntil: Date | null;
}

export interface CustomerSyncsInput {
  /** The customers the revision in force declares. */
  declared: readonly string[];
  drift: readonly DriftItem[];
  /** Customers covered by the last pass (declared by the revision it ran with). */
  reconciled: ReadonlySet<string>;
  backoffUntil: ReadonlyMap<string, Date>;
  lastErrors: ReadonlyMap<string, string>;
  lastSyncedAt: ReadonlyMap<string, Date>;
}

/**
 * One entry per declared customer, plus any other item with drift: the
 * `account` item for account-wide objects, and a customer no longer
 * declared whose deletions are still blocked. Sorted by name.
 */
export function customerSyncs(input: CustomerSyncsInput): CustomerSync[] {
  const byCustomer = new Map<string, DriftItem[]>(input.declared.map((name) => [name, []]));
  for (const item of input.drift) byCustomer.set(item.customer, [...(byCustomer.get(item.customer) ?? []), item]);
  return [...byCustomer.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, items]) => {
      const backoffUntil = input.backoffUntil.get(name) ?? null;
      const lastError = input.lastErrors.get(name) ?? null;
      const decision = decideSync({ items, reconciled: input.reconciled.has(name) || items.length > 0, backoffUntil, lastError });
      return { name, ...decision, drift: items.length, lastSyncedAt: input.lastSyncedAt.get(name) ?? null, lastError, backoffUntil };
    });
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
