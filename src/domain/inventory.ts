/**
 * What onboarder owns: every object an applied revision declared and that
 * exists. Only these may be deleted when they leave the desired state
 * (behaviour.md, "What the controller owns"); an object nobody declared is
 * never touched, whatever its name. Plain data; src/inventory keeps it, and
 * each kind's module (src/kinds) says what of it is declared and how it is pruned.
 */

export type OwnedKind = 'group' | 'catalog' | 'schema' | 'external-location' | 'warehouse' | 'cluster-policy' | 'notebook';

export const OWNED_KINDS: readonly OwnedKind[] = ['group', 'catalog', 'schema', 'external-location', 'warehouse', 'cluster-policy', 'notebook'];

export interface OwnedObject {
  kind: OwnedKind;
  /**
   * Group display name; Unity Catalog full name (`catalog.schema` for a
   * schema); warehouse or cluster policy name; notebook path.
   */
  name: string;
  customer: string;
  /**
   * The workspace it lives in (warehouses, policies, notebooks) or is reached
   * through (Unity Catalog objects: the customer's home workspace); absent
   * for account groups.
   */
  workspace?: string;
  /** When onboarder first recorded it (ISO 8601): an absence is trusted only once the record is old (see plan/prune.ts). */
  recordedAt?: string;
}

export interface Inventory {
  objects: OwnedObject[];
}

export const EMPTY_INVENTORY: Inventory = { objects: [] };

/** Kinds that live in one workspace; Unity Catalog names are the metastore's, whichever workspace reaches them. */
const WORKSPACE_KINDS: ReadonlySet<OwnedKind> = new Set(['warehouse', 'cluster-policy', 'notebook']);

/**
 * Identity of an owned object: names compare the way the service compares
 * them (case-insensitively, but paths). A Unity Catalog object is the same
 * object whichever workspace reached it, so a customer whose home workspace
 * changes still owns (and never prunes) its catalog.
 */
export function ownedKey(object: Pick<OwnedObject, 'kind' | 'name' | 'workspace'>): string {
  // `/Workspace/x` and `/x` are one workspace object.
  const name = object.kind === 'notebook' ? object.name.replace(/^\/Workspace(?=\/)/, '') : object.name.toLowerCase();
  return `${object.kind}|${WORKSPACE_KINDS.has(object.kind) ? (object.workspace ?? '') : ''}|${name}`;
}

export function ownedNames(inventory: Inventory, kind: OwnedKind): Map<string, OwnedObject> {
  return new Map(inventory.objects.filter((o) => o.kind === kind).map((o) => [o.name.toLowerCase(), o]));
}

/** Sorted and without duplicates, so equal inventories serialise the same. */
export function normaliseInventory(objects: readonly OwnedObject[]): Inventory {
  const byKey = new Map(objects.map((o) => [ownedKey(o), o]));
  return { objects: [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o) };
}

export function sameInventory(a: Inventory, b: Inventory): boolean {
  const keys = (inventory: Inventory) =>
    normaliseInventory(inventory.objects)
      .objects.map((o) => `${ownedKey(o)}|${o.customer}|${o.recordedAt ?? ''}`)
      .join('\n');
  return keys(a) === keys(b);
}
