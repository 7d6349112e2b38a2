/**
 * The deletion guards (behaviour.md, "Order and safety"). Pure.
 *
 * - The budget: at most 10 objects or 10% of the inventory per reconcile,
 *   whichever is larger.
 * - A vanished customer: when a customer the inventory knows is no longer
 *   declared at all, the likeliest cause is a bad sync or a bad merge, not an
 *   offboarding; offboarding is rare enough to ask for confirmation.
 *
 * Either way no deletion runs at all (deleting "some" of a mistake is still a
 * mistake): every delete is marked blocked and the plan says why.
 * `--allow-mass-delete` confirms, or `--confirm-deletions=<token>` once.
 *
 * An offboarded customer (`offboard: true`) is leaving on purpose: its
 * deletions are neither counted nor blocked, so they run in the next pass
 * whatever else the plan holds; every other customer's are guarded as ever.
 */
import type { Action, PruneBlock } from '../domain/plan.js';

export interface PruneBudget {
  /** Objects in the inventory: the budget grows with what onboarder manages. */
  inventorySize: number;
  /** Customers the inventory knows that the desired state no longer declares. */
  vanishedCustomers?: readonly string[];
  /** Customers marked `offboard: true`: their deletions pass. */
  offboardedCustomers?: readonly string[];
  /** `--allow-mass-delete`: the operator has confirmed a large deletion. */
  allowMassDelete?: boolean;
}

export function deletionBudget(inventorySize: number): number {
  return Math.max(10, Math.floor(inventorySize / 10));
}

export function guardDeletions(actions: Action[], budget: PruneBudget): { actions: Action[]; blocked?: PruneBlock } {
  const offboarded = new Set(budget.offboardedCustomers ?? []);
  const guarded = (a: Action) => a.change === 'delete' && a.status === 'pending' && (a.customer === null || !offboarded.has(a.customer));
  const deletes = actions.filter(guarded).length;
  const limit = deletionBudget(budget.inventorySize);
  const vanished = [...(budget.vanishedCustomers ?? [])].sort();
  if (deletes === 0 || budget.allowMassDelete || (deletes <= limit && vanished.length === 0)) return { actions };
  const reason =
    deletes > limit
      ? `deletion blocked: ${deletes} deletions exceed the budget of ${limit} per reconcile (10 or 10% of the inventory); rerun with --allow-mass-delete if intended`
      : `deletion blocked: customer ${vanished.join(', ')} is no longer declared at all (a whole customer leaving is taken for a bad sync); to offboard, restore its Customer with offboard: true, or confirm with --allow-mass-delete`;
  const blocked: PruneBlock = { deletes, budget: limit, reason, ...(vanished.length > 0 ? { vanishedCustomers: vanished } : {}) };
  return {
    actions: actions.map((a) => (guarded(a) ? { ...a, status: 'blocked', reason } : a)),
    blocked,
  };
}
