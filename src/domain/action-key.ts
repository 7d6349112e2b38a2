/**
 * Action ids, dependency references and waves come from here and nowhere
 * else. A diff that waits for another action names it with `actionId`, the
 * same function that named the action, so changing an id's format cannot
 * silently drop a dependency edge (it once took four string templates kept
 * in step by hand).
 */
import type { Action, ActionKind, Change } from './plan.js';

/** Unique and stable within a plan: `<kind>:<target>`. */
export function actionId(kind: ActionKind, target: string): string {
  return `${kind}:${target}`;
}

/** The target of an object that lives in one workspace, e.g. `customer-acme-analysts @ prod`. */
export function inWorkspace(name: string, workspace: string): string {
  return `${name} @ ${workspace}`;
}

/**
 * Rank of each kind for creates and updates, parents first (behaviour.md,
 * "Order and safety"); deletes run after every create and update, in
 * reverse rank. An action's wave is computed once, when it is built.
 */
const KIND_RANK: Record<ActionKind, number> = {
  group: 10,
  user: 20,
  'service-principal': 20,
  'workspace-assignment': 30,
  membership: 40,
  entitlements: 50,
  // Opening a catalog comes before bindings are removed (see unity-catalog-diff.ts).
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

/** The wave an action of this kind and change runs in: deletes after every create and update, in reverse rank. */
export function waveFor(kind: ActionKind, change: Change): number {
  const rank = KIND_RANK[kind];
  return change === 'delete' ? 1000 - rank : rank;
}

export type ActionFields = Omit<Action, 'id' | 'wave'> & {
  /** The kind the id is named by, when it is not the action's own (`catalog-isolation:` ids). */
  idKind?: ActionKind;
  /** An explicit wave, when the action must run in another kind's wave; default `waveFor(kind, change)`. */
  wave?: number;
};

/** An action with its id and wave, built the one way every diff builds them. */
export function buildAction({ idKind, wave, ...fields }: ActionFields): Action {
  return { id: actionId(idKind ?? fields.kind, fields.target), ...fields, wave: wave ?? waveFor(fields.kind, fields.change) };
}
