/**
 * What one pass reads: the objects the desired state declares, plus those
 * the inventory owns that it no longer declares (pruning needs to know
 * whether they exist). Each API family declares its part beside its diff
 * (src/kinds/registry.ts FAMILIES); this puts them together. Pure:
 * (desired, inventory) -> ObserveScope.
 */
import type { DesiredState } from '../domain/desired.js';
import type { Inventory } from '../domain/inventory.js';
import { familyReadScopes, leavingObjects } from '../kinds/registry.js';
import type { ObserveScope } from './observe.js';

/** Reads nothing: each family adds its part. */
const NOTHING: ObserveScope = { workspaces: [], managedGroupNames: [] };

export function observeScope(desired: DesiredState, inventory: Inventory): ObserveScope {
  const parts = familyReadScopes({ desired, inventory, leaving: leavingObjects(desired, inventory) });
  return parts.reduce<ObserveScope>((scope, part) => ({ ...scope, ...part }), NOTHING);
}
