/**
 * SQL warehouses: the worked example of a kind (docs/kinds.md). Its diff is
 * plan/workspace-assets-diff.ts (declared fields only, tags as a map), its
 * live client src/live/sql-warehouses.ts, its simulator family
 * src/simulator/sql-warehouses.ts. A warehouse lives in one workspace: the
 * customer declares it once and gets one in each of its workspaces.
 */
import type { OwnedObject } from '../domain/inventory.js';
import { inWorkspace } from '../domain/action-key.js';
import { createOrAdopt } from './adopt.js';
import type { ResourceKind } from './contract.js';
import { declaredPerWorkspace, liveAssets } from './workspace-asset-family.js';

export const warehouseKind: ResourceKind<'warehouse', 'workspaceAssets'> = {
  kind: 'warehouse',
  family: 'workspaceAssets',
  operations: {
    createWarehouse: {
      // Adopts a warehouse of the same name (a retry after a lost answer), so a crash never leaves two.
      apply: async (op, session) => {
        const ref = { type: 'warehouse', name: op.spec.name } as const;
        const api = session.clients(op.workspace);
        const { value: id } = await createOrAdopt(async () => (await api.warehouses.create(op.spec)).id, () => session.lookUp(op.workspace, ref));
        session.created(op.workspace, ref, id);
      },
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
    prune: (object, { live }) => {
      const workspace = object.workspace ?? '';
      const warehouse = liveAssets(live, workspace).warehouses.find((w) => w.name.toLowerCase() === object.name.toLowerCase());
      if (!warehouse) return { outcome: 'absent' };
      return {
        outcome: 'delete',
        target: inWorkspace(warehouse.name, workspace),
        before: { id: warehouse.id },
        op: { type: 'deleteWarehouse', workspace, id: warehouse.id, name: warehouse.name },
      };
    },
  },
};
