/**
 * What onboarder owns beyond what the desired state declares now: the
 * objects earlier applied revisions declared. Only these may be deleted
 * when they leave the desired state (behaviour.md, "What the controller
 * owns"); an object nobody declared is never touched. Plain data.
 */
export type OwnedKind = 'catalog' | 'schema' | 'external-location';

export interface OwnedObject {
  kind: OwnedKind;
  /** Unity Catalog full name (`catalog.schema` for a schema). */
  name: string;
  customer: string;
}

export interface Inventory {
  objects: OwnedObject[];
}

export const EMPTY_INVENTORY: Inventory = { objects: [] };

export function ownedNames(inventory: Inventory, kind: OwnedKind): Map<string, OwnedObject> {
  return new Map(inventory.objects.filter((o) => o.kind === kind).map((o) => [o.name.toLowerCase(), o]));
}
