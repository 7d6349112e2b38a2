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
 * `--allow-mass-delete` confirms.
 */
import type { Action, PruneBlock } from '../domain/plan.js';

export interface PruneBudget {
  /** Objects in the inventory: the budget grows with what onboarder manages. */
  inventorySize: number;
  /** Customers the inventory knows that the desired state no longer declares. */
  vanishedCustomers?: readonly string[];
  /** `--allow-mass-delete`: the operator has confirmed a large deletion. */
  allowMassDelete?: boolean;
}

export function deletionBudget(inventorySize: number): number {
  return Math.max(10, Math.floor(inventorySize / 10));
}

export function guardDeletions(actions: Action[], budget: PruneBudget): { actions: Action[]; blocked?: PruneBlock } {
  const deletes = actions.filter((a) => a.change === 'delete' && a.status === 'pending').length;
  const limit = deletionBudget(budget.inventorySize);
  const vanished = [...(budget.vanishedCustomers ?? [])].sort();
  if (deletes === 0 || budget.allowMassDelete || (deletes <= limit && vanished.length === 0)) return { actions };
  const reason =
    deletes > limit
      ? `deletion blocked: ${deletes} deletions exceed the budget of ${limit} per reconcile (10 or 10% of the inventory); rerun with --allow-mass-delete if intended`
      : `deletion blocked: customer ${vanished.join(', ')} is no longer declared at all (a whole customer leaving is taken for a bad sync); rerun with --allow-mass-delete to offboard`;
  const blocked: PruneBlock = { deletes, budget: limit, reason, ...(vanished.length > 0 ? { vanishedCustomers: vanished } : {}) };
  return {
    actions: actions.map((a) => (a.change === 'delete' && a.status === 'pending' ? { ...a, status: 'blocked', reason } : a)),
    blocked,
  };
}
