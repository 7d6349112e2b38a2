/**
 * What one pass reads: the objects the desired state declares, plus those
 * the inventory owns that it no longer declares (pruning needs to know
 * whether they exist). Pure: (desired, inventory) -> ObserveScope.
 */
import { homeWorkspace, type DesiredState } from '../domain/desired.js';
import { ownedNames, type Inventory, type OwnedKind, type OwnedObject } from '../domain/inventory.js';
import { leavingObjects } from '../kinds/registry.js';
import type { WorkspaceRef } from './databricks.js';
import type { ObserveScope } from './observe.js';
import type { UnityCatalogScope } from './observe-unity-catalog.js';

export function observeScope(desired: DesiredState, inventory: Inventory): ObserveScope {
  const ownedSchemas = [...ownedNames(inventory, 'schema').keys()];
  const schemasOf = (catalog: string) => ownedSchemas.filter((s) => s.startsWith(`${catalog.toLowerCase()}.`)).map((s) => s.slice(catalog.length + 1));
  const leaving = leavingObjects(desired, inventory);
  const leavingNames = (kind: OwnedKind, workspace: string) => leaving.filter((o) => o.kind === kind && o.workspace === workspace).map((o) => o.name);
  return {
    workspaces: desired.workspaces.map((w) => workspaceRef(desired, w.name)),
    managedGroupNames: desired.groups.map((g) => g.displayName),
    unityCatalog: [...declaredUnityCatalog(desired, schemasOf), ...leavingUnityCatalog(desired, leaving, schemasOf)],
    workspaceAssets: desired.workspaces
      .map((workspace) => {
        const customers = desired.customers.filter((c) => c.workspaces.includes(workspace.name));
        return {
          workspace: workspaceRef(desired, workspace.name),
          warehouses: [...customers.flatMap((c) => c.warehouses.map((w) => w.name)), ...leavingNames('warehouse', workspace.name)],
          clusterPolicies: [...customers.flatMap((c) => c.clusterPolicies.map((p) => p.name)), ...leavingNames('cluster-policy', workspace.name)],
          notebooks: [
            ...customers.flatMap((c) => c.notebooks.map((n) => ({ path: n.path, language: n.language }))),
            // The language only seeds the source hash, which a delete does not look at.
            ...leavingNames('notebook', workspace.name).map((path) => ({ path, language: 'PYTHON' as const })),
          ],
        };
      })
      .filter((scope) => scope.warehouses.length + scope.clusterPolicies.length + scope.notebooks.length > 0),
  };
}

/** Per customer with Unity Catalog objects: its catalog (declared and owned schemas) and locations, through its home workspace. */
function declaredUnityCatalog(desired: DesiredState, schemasOf: (catalog: string) => string[]): UnityCatalogScope[] {
  return desired.customers
    .filter((customer) => customer.catalog !== undefined || customer.externalLocations.length > 0)
    .map((customer) => {
      const catalog = customer.catalog;
      return {
        via: workspaceRef(desired, homeWorkspace(customer)),
        ...(catalog ? { catalog: { name: catalog.name, schemas: [...catalog.schemas.map((s) => s.name), ...schemasOf(catalog.name)] } } : {}),
        externalLocations: customer.externalLocations.map((l) => l.name),
      };
    });
}

/** Owned catalogs (with their owned schemas) and locations no longer declared, through the workspace that reached them. */
function leavingUnityCatalog(desired: DesiredState, leaving: readonly OwnedObject[], schemasOf: (catalog: string) => string[]): UnityCatalogScope[] {
  const declaredCatalogs = new Set(desired.customers.flatMap((c) => (c.catalog ? [c.catalog.name.toLowerCase()] : [])));
  const catalogs = leaving
    .filter((o) => o.kind === 'catalog' && !declaredCatalogs.has(o.name.toLowerCase()))
    .map((o) => ({ via: workspaceRef(desired, o.workspace!), catalog: { name: o.name, schemas: schemasOf(o.name) }, externalLocations: [] }));
  const locationsByWorkspace = new Map<string, string[]>();
  for (const o of leaving.filter((l) => l.kind === 'external-location')) {
    locationsByWorkspace.set(o.workspace!, [...(locationsByWorkspace.get(o.workspace!) ?? []), o.name]);
  }
  const locations = [...locationsByWorkspace].map(([via, names]) => ({ via: workspaceRef(desired, via), externalLocations: names }));
  return [...catalogs, ...locations];
}

export function workspaceRef(desired: DesiredState, name: string): WorkspaceRef {
  const workspace = desired.workspaces.find((w) => w.name === name);
  if (!workspace) throw new Error(`workspace ${name} is not declared`);
  return { name, workspaceId: workspace.workspaceId, ...(workspace.host ? { host: workspace.host } : {}) };
}
