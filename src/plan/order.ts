/**
 * Ordering of a plan. Creates and updates run parents first; deletes run
 * last, children first. Within a rank, actions are sorted by target so the
 * same inputs always print the same plan.
 */
import type { Action, ActionKind } from '../domain/plan.js';

/** Dependency rank of each kind for creates and updates (behaviour.md, "Order and safety"). */
export const KIND_RANK: Record<ActionKind, number> = {
  group: 10,
  user: 20,
  'service-principal': 20,
  'workspace-assignment': 30,
  membership: 40,
  entitlements: 50,
  // Opening a catalog is a `catalog` update: it must come before bindings are removed.
  catalog: 60,
  // Bindings before schema writes (a READ_ONLY home binding refuses them) and before isolation.
  'catalog-bindings': 61,
  schema: 62,
  // Turning a catalog ISOLATED hides it from every unbound workspace: last, once they are bound.
  'catalog-isolation': 66,
  'external-location': 68,
  grants: 70,
  warehouse: 80,
  'cluster-policy': 82,
  notebook: 84,
  // Last: the groups must be visible in the workspace and the objects must exist.
  permissions: 90,
};

/** The wave an action runs in: deletes after every create and update, in reverse rank. */
export function waveOf(action: Pick<Action, 'kind' | 'change'>): number {
  const rank = KIND_RANK[action.kind];
  return action.change === 'delete' ? 1000 - rank : rank;
}

export function compareActions(a: Action, b: Action): number {
  return waveOf(a) - waveOf(b) || a.kind.localeCompare(b.kind) || a.target.localeCompare(b.target);
}
