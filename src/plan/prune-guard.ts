/**
 * The deletion budget (behaviour.md, "Order and safety"): at most 10
 * objects or 10% of the inventory per reconcile, whichever is larger. Over
 * budget, no deletion runs at all (deleting "some" of a mistake is still a
 * mistake): every delete is marked blocked and the plan says why. Pure.
 */
import type { Action } from '../domain/plan.js';

export interface PruneBudget {
  /** Objects in the inventory: the budget grows with what onboarder manages. */
  inventorySize: number;
  /** `--allow-mass-delete`: the operator has confirmed a large deletion. */
  allowMassDelete?: boolean;
}

export interface PruneBlock {
  deletes: number;
  budget: number;
}

export function deletionBudget(inventorySize: number): number {
  return Math.max(10, Math.floor(inventorySize / 10));
}

export function guardDeletions(actions: Action[], budget: PruneBudget): { actions: Action[]; blocked?: PruneBlock } {
  const deletes = actions.filter((a) => a.change === 'delete' && a.status === 'pending').length;
  const limit = deletionBudget(budget.inventorySize);
  if (deletes <= limit || budget.allowMassDelete) return { actions };
  const reason = `deletion blocked: ${deletes} deletions exceed the budget of ${limit} per reconcile (10 or 10% of the inventory); rerun with --allow-mass-delete if intended`;
  return {
    actions: actions.map((a) => (a.change === 'delete' && a.status === 'pending' ? { ...a, status: 'blocked', reason } : a)),
    blocked: { deletes, budget: limit },
  };
}
