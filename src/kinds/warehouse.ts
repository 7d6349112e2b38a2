/**
 * SQL warehouses: the worked example of a kind (docs/kinds.md). Its diff is
 * diffWarehouse below (declared fields only, tags as a map), which the
 * workspace-assets family diff (kinds/workspace-assets-diff.ts) calls per
 * customer and workspace before comparing the warehouse's permissions; its
 * live client is src/live/sql-warehouses.ts, its simulator family
 * src/simulator/sql-warehouses.ts. A warehouse lives in one workspace: the
 * customer declares it once and gets one in each of its workspaces.
 */
import { actionId, buildAction, inWorkspace } from '../domain/action-key.js';
import type { DesiredWarehouse } from '../domain/desired.js';
import type { OwnedObject } from '../domain/inventory.js';
import type { Readable, WarehouseSpec } from '../domain/plan.js';
import type { ResourceKind } from './contract.js';
import { compare, pick } from './values.js';
import { createNamedAsset, declaredPerWorkspace, pruneNamedAsset, type AssetDiffContext, type PermissionsTarget } from './workspace-asset-family.js';

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

/** Plans the warehouse's create or edit in the context's workspace; returns its permissions to compare. */
export function diffWarehouse(context: AssetDiffContext, warehouse: DesiredWarehouse): PermissionsTarget {
  const { workspace } = context;
  const live = context.assets.warehouses.find((w) => w.name === warehouse.name);
  const spec: WarehouseSpec = {
    name: warehouse.name,
    clusterSize: warehouse.size,
    minNumClusters: warehouse.minClusters,
    maxNumClusters: warehouse.maxClusters,
    autoStopMins: warehouse.autoStopMins,
    enableServerlessCompute: warehouse.serverless,
    tags: warehouse.tags,
  };
  const wanted: Readable = readableWarehouse(spec);
  const target = inWorkspace(warehouse.name, workspace);
  const id = actionId('warehouse', target);
  const base = { kind: 'warehouse' as const, customer: context.customer.name, target, status: 'pending' as const };
  let createdBy: string | undefined;
  if (!live) {
    createdBy = id;
    context.actions.push(buildAction({ ...base, change: 'create', before: null, after: wanted, details: [], dependsOn: [], op: { type: 'createWarehouse', workspace, spec } }));
  } else {
    const current = readableWarehouse({
      name: live.name,
      clusterSize: live.clusterSize,
      minNumClusters: live.minNumClusters,
      maxNumClusters: live.maxNumClusters,
      autoStopMins: live.autoStopMins,
      enableServerlessCompute: live.serverless,
      tags: live.tags,
    });
    const changed = Object.keys(wanted).filter((key) => JSON.stringify(wanted[key]) !== JSON.stringify(current[key]));
    if (changed.length > 0) {
      context.actions.push(
        buildAction({
          ...base,
          change: 'update',
          before: pick(current, changed),
          after: pick(wanted, changed),
          details: changed.includes('tags') ? tagDetails(live.tags, spec.tags) : [],
          dependsOn: [],
          // One edit with the whole desired object: the API treats edit as a replacement.
          op: { type: 'editWarehouse', workspace, id: live.id, spec },
        }),
      );
    }
  }
  return {
    object: { type: 'warehouse', name: warehouse.name, ...(live ? { id: live.id } : {}) },
    label: `warehouse ${warehouse.name} @ ${workspace}`,
    wanted: warehouse.permissions,
    acl: live?.acl ?? [],
    createdBy,
  };
}

function readableWarehouse(spec: WarehouseSpec): Readable {
  return {
    size: spec.clusterSize,
    minClusters: spec.minNumClusters,
    maxClusters: spec.maxNumClusters,
    autoStopMins: spec.autoStopMins,
    serverless: spec.enableServerlessCompute,
    tags: Object.entries(spec.tags)
      .sort(([a], [b]) => compare(a, b))
      .map(([key, value]) => `${key}=${value}`),
  };
}

function tagDetails(live: Record<string, string>, wanted: Record<string, string>): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    if (!(key in live)) lines.push(`+ tag ${key}=${value}`);
    else if (live[key] !== value) lines.push(`~ tag ${key}: ${live[key]} -> ${value}`);
  }
  for (const [key, value] of Object.entries(live)) if (!(key in wanted)) lines.push(`- tag ${key}=${value}`);
  return lines.sort((a, b) => compare(a.slice(2), b.slice(2)));
}
