/**
 * Pruning: objects the inventory owns that the desired state no longer
 * declares. Each one that exists gets a delete action; each one that is gone
 * already, or is not onboarder's to delete, is released (the inventory
 * forgets it). One that could not be observed stays owned and untouched.
 * Pure: (desired, live, inventory) -> actions + released.
 *
 * Schemas of a catalog that is still declared are the Unity Catalog diff's
 * (their grants are revoked first); this module prunes what hangs off no
 * declared object: groups, catalogs with their schemas, external locations,
 * warehouses, cluster policies and notebooks.
 *
 * Absence from a list is trusted only once the record is old: lists are
 * eventually consistent (an object created a moment ago may be missing from
 * them), so a group, warehouse, cluster policy or schema recorded less than
 * RELEASE_AFTER_MS ago that its list does not show stays owned, and a later
 * pass deletes or releases it. Were it released, it would be orphaned: never
 * declared, never owned, never pruned. Catalogs, locations and notebooks are
 * read one by one, and a direct read's 404 is trusted at once.
 *
 * Deletes never force: a catalog or schema someone filled with tables of
 * their own, or a location tables still use, refuses the delete, and the
 * refusal is reported on every pass instead of data being lost.
 */
import { protectedGroupPatterns, type DesiredState } from '../domain/desired.js';
import { isProtectedGroup } from '../domain/identity.js';
import { leavingObjects, type Inventory, type OwnedObject } from '../domain/inventory.js';
import type { LiveState } from '../domain/live.js';
import { actionId, buildAction, inWorkspace } from '../domain/action-key.js';
import type { Action, Operation, Readable } from '../domain/plan.js';

/** Longer than any list lag seen in practice (seconds); short enough that a stale record does not linger. */
export const RELEASE_AFTER_MS = 15 * 60_000;

/** The kinds observed by listing, whose absence may be list lag. */
const LISTED_KINDS: ReadonlySet<OwnedObject['kind']> = new Set(['group', 'warehouse', 'cluster-policy', 'schema']);

export interface PruneResult {
  actions: Action[];
  released: OwnedObject[];
}

/** `now`: epoch milliseconds, for the age of a record (an input, so the diff stays pure). */
export function diffPrune(desired: DesiredState, live: LiveState, inventory: Inventory, now: number): PruneResult {
  const result: PruneResult = { actions: [], released: [] };
  /** Not seen live: released, once its record is old enough to trust the absence where a list could lag. */
  const absent = (object: OwnedObject): void => {
    const recordedAt = object.recordedAt === undefined ? Number.NaN : Date.parse(object.recordedAt);
    if (!LISTED_KINDS.has(object.kind) || Number.isNaN(recordedAt) || now - recordedAt >= RELEASE_AFTER_MS) result.released.push(object);
  };
  const declaredCatalogs = new Set(desired.customers.flatMap((c) => (c.catalog ? [c.catalog.name.toLowerCase()] : [])));
  const protectedPatterns = protectedGroupPatterns(desired);
  const leaving = leavingObjects(desired, inventory);
  const schemaDeletes = new Map<string, string[]>();

  const remove = (object: OwnedObject, target: string, before: Readable, op: Operation, dependsOn: string[] = []): string => {
    const id = actionId(object.kind, target);
    result.actions.push(
      buildAction({
        kind: object.kind,
        change: 'delete',
        customer: object.customer,
        target,
        before,
        after: null,
        details: ['no longer declared; onboarder created or adopted it'],
        dependsOn,
        status: 'pending',
        op,
      }),
    );
    return id;
  };

  // Schemas first: a catalog's delete waits for the deletes of its schemas.
  for (const object of leaving.filter((o) => o.kind === 'schema')) {
    const catalogName = object.name.toLowerCase().split('.')[0]!;
    const catalog = live.unityCatalog.catalogs.find((c) => c.name.toLowerCase() === catalogName);
    if (catalog && !catalog.accessible) continue;
    const schema = catalog?.schemas.find((s) => s.fullName.toLowerCase() === object.name.toLowerCase());
    if (!schema) absent(object);
    // In a catalog still declared, the Unity Catalog diff deletes it (after revoking its grants).
    else if (!declaredCatalogs.has(catalogName)) {
      const id = remove(object, schema.fullName, { comment: schema.comment ?? null }, { type: 'deleteSchema', via: object.workspace!, fullName: schema.fullName });
      schemaDeletes.set(catalogName, [...(schemaDeletes.get(catalogName) ?? []), id]);
    }
  }

  for (const object of leaving) {
    const name = object.name.toLowerCase();
    const workspace = object.workspace ?? '';
    switch (object.kind) {
      case 'schema':
        break;
      case 'group': {
        const group = live.groups.find((g) => g.displayName.toLowerCase() === name);
        // An identity provider's group is adopted, never deleted; a protected one is never touched.
        if (!group) absent(object);
        else if (group.externalId !== undefined || isProtectedGroup(group.displayName, protectedPatterns)) result.released.push(object);
        else remove(object, group.displayName, { id: group.id }, { type: 'deleteGroup', id: group.id, displayName: group.displayName });
        break;
      }
      case 'catalog': {
        const catalog = live.unityCatalog.catalogs.find((c) => c.name.toLowerCase() === name);
        if (!catalog) absent(object);
        else if (catalog.accessible) {
          remove(object, catalog.name, { isolation: catalog.isolation }, { type: 'deleteCatalog', via: workspace, name: catalog.name }, schemaDeletes.get(name) ?? []);
        }
        break;
      }
      case 'external-location': {
        const location = live.unityCatalog.externalLocations.find((l) => l.name.toLowerCase() === name);
        if (!location) absent(object);
        else remove(object, location.name, { url: location.url }, { type: 'deleteExternalLocation', via: workspace, name: location.name });
        break;
      }
      case 'warehouse': {
        const warehouse = live.assets[workspace]?.warehouses.find((w) => w.name.toLowerCase() === name);
        if (!warehouse) absent(object);
        else remove(object, inWorkspace(warehouse.name, workspace), { id: warehouse.id }, { type: 'deleteWarehouse', workspace, id: warehouse.id, name: warehouse.name });
        break;
      }
      case 'cluster-policy': {
        const policy = live.assets[workspace]?.clusterPolicies.find((p) => p.name.toLowerCase() === name);
        if (!policy) absent(object);
        else remove(object, inWorkspace(policy.name, workspace), { id: policy.id }, { type: 'deleteClusterPolicy', workspace, id: policy.id, name: policy.name });
        break;
      }
      case 'notebook': {
        const notebook = live.assets[workspace]?.notebooks.find((n) => n.path === object.name);
        if (!notebook) absent(object);
        // Something other than a notebook at the path now: not ours.
        else if (notebook.occupiedBy !== undefined) result.released.push(object);
        else remove(object, inWorkspace(notebook.path, workspace), { objectId: notebook.objectId }, { type: 'deleteNotebook', workspace, path: notebook.path });
        break;
      }
    }
  }
  return result;
}
