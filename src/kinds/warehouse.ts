/**
 * SQL warehouses: the worked example of a kind (docs/kinds.md). Its diff is
 * kinds/workspace-assets-diff.ts (declared fields only, tags as a map), its
 * live client src/live/sql-warehouses.ts, its simulator family
 * src/simulator/sql-warehouses.ts. A warehouse lives in one workspace: the
 * customer declares it once and gets one in each of its workspaces.
 */
import type { OwnedObject } from '../domain/inventory.js';
import type { ResourceKind } from './contract.js';
import { createNamedAsset, declaredPerWorkspace, pruneNamedAsset } from './workspace-asset-family.js';

export const warehouseKind: ResourceKind<'warehouse', 'workspaceAssets'> = {
  kind: 'warehouse',
  family: 'workspaceAssets',
  operations: {
    createWarehouse: {
      // Adopts a warehouse of the same name (a retry after a lost answer), so a crash never leaves two.
      apply: (op, session) =>
        createNamedAsset(session, op.workspace, { type: 'warehouse', name: op.spec.name }, async () => (await session.clients(op.workspace).warehouses.create(op.spec)).id),
      owns: (op) => ({ kind: 'warehouse', name: op.spec.name, workspace: op.workspace }),
    },
    editWarehouse: {
      // One edit with the whole desired object: the API treats edit as a replacement.
      apply: (op, session) => session.clients(op.workspace).warehouses.edit(op.id, op.spec),
      owns: () => null,
    },
    deleteWarehouse: {
      // A warehouse that is already gone counts as deleted, so a retried prune converges.
      apply: (op, session) => session.clients(op.workspace).warehouses.delete(op.id),
      owns: (op) => ({ kind: 'warehouse', name: op.name, workspace: op.workspace }),
    },
  },
  ownership: {
    owned: 'warehouse',
    listed: true,
    declared: (desired) => declaredPerWorkspace(desired, (customer) => customer.warehouses.map((w): Pick<OwnedObject, 'kind' | 'name'> => ({ kind: 'warehouse', name: w.name }))),
    prune: (object, { live }) =>
      pruneNamedAsset(object, (assets) => assets.warehouses, live, (warehouse, workspace) => ({ type: 'deleteWarehouse', workspace, id: warehouse.id, name: warehouse.name })),
  },
};
