/**
 * Cluster policies, template notebooks and the persona groups' permissions
 * on every workspace asset, in one workspace each. Their diff is
 * kinds/workspace-assets-diff.ts; warehouses are src/kinds/warehouse.ts.
 *
 * Permissions are written read-modify-write, at apply time: the object's
 * current direct entries are read, the managed groups' entries replaced by
 * the declared ones, and the whole list PUT in one call. Everything
 * onboarder does not manage (the owner, people, onboarder itself) is sent
 * back unchanged, so a PUT never takes it away.
 */
import { inWorkspace } from '../domain/action-key.js';
import type { OwnedObject } from '../domain/inventory.js';
import type { AssetRef } from '../domain/plan.js';
import type { AclChange, PermissionObjectType } from '../live/permissions.js';
import type { ResourceKind } from './contract.js';
import { createNamedAsset, declaredPerWorkspace, liveAssets, pruneNamedAsset } from './workspace-asset-family.js';

export const clusterPolicyKind: ResourceKind<'cluster-policy', 'workspaceAssets'> = {
  kind: 'cluster-policy',
  family: 'workspaceAssets',
  operations: {
    createClusterPolicy: {
      apply: (op, session) =>
        createNamedAsset(session, op.workspace, { type: 'cluster-policy', name: op.name }, async () => {
          return (await session.clients(op.workspace).clusterPolicies.create({ name: op.name, definition: op.definition })).policyId;
        }),
      owns: (op) => ({ kind: 'cluster-policy', name: op.name, workspace: op.workspace }),
    },
    editClusterPolicy: {
      apply: (op, session) => session.clients(op.workspace).clusterPolicies.edit(op.id, { name: op.name, definition: op.definition }),
      owns: () => null,
    },
    deleteClusterPolicy: {
      // A policy that is already gone counts as deleted, so a retried prune converges.
      apply: (op, session) => session.clients(op.workspace).clusterPolicies.delete(op.id),
      owns: (op) => ({ kind: 'cluster-policy', name: op.name, workspace: op.workspace }),
    },
  },
  ownership: {
    owned: 'cluster-policy',
    listed: true,
    declared: (desired) => declaredPerWorkspace(desired, (c) => c.clusterPolicies.map((p): Pick<OwnedObject, 'kind' | 'name'> => ({ kind: 'cluster-policy', name: p.name }))),
    prune: (object, { live }) =>
      pruneNamedAsset(object, (assets) => assets.clusterPolicies, live, (policy, workspace) => ({ type: 'deleteClusterPolicy', workspace, id: policy.id, name: policy.name })),
  },
};

export const notebookKind: ResourceKind<'notebook', 'workspaceAssets'> = {
  kind: 'notebook',
  family: 'workspaceAssets',
  operations: {
    importNotebook: {
      // Overwrites in place (the object id and its permissions stay); missing parent folders are created.
      apply: (op, session) => session.clients(op.workspace).objects.importSource({ path: op.path, language: op.language, content: op.content }),
      owns: (op) => ({ kind: 'notebook', name: op.path, workspace: op.workspace }),
    },
    deleteNotebook: {
      apply: (op, session) => session.clients(op.workspace).objects.delete(op.path),
      owns: (op) => ({ kind: 'notebook', name: op.path, workspace: op.workspace }),
    },
  },
  ownership: {
    owned: 'notebook',
    // Read one by one: a direct read's 404 is trusted at once.
    listed: false,
    declared: (desired) => declaredPerWorkspace(desired, (c) => c.notebooks.map((n): Pick<OwnedObject, 'kind' | 'name'> => ({ kind: 'notebook', name: n.path }))),
    prune: (object, { live }) => {
      const workspace = object.workspace ?? '';
      const notebook = liveAssets(live, workspace).notebooks.find((n) => n.path === object.name);
      if (!notebook) return { outcome: 'absent' };
      // Something other than a notebook at the path now: not ours.
      if (notebook.occupiedBy !== undefined) return { outcome: 'release' };
      return {
        outcome: 'delete',
        target: inWorkspace(notebook.path, workspace),
        before: { objectId: notebook.objectId },
        op: { type: 'deleteNotebook', workspace, path: notebook.path },
      };
    },
  },
};

const ACL_TYPE: Record<AssetRef['type'], PermissionObjectType> = {
  warehouse: 'warehouses',
  'cluster-policy': 'cluster-policies',
  notebook: 'notebooks',
};

/** The workspace's own group whose inherited CAN_MANAGE no ACL call may touch. */
const ADMINS = 'admins';

export const permissionsKind: ResourceKind<'permissions', 'workspaceAssets'> = {
  kind: 'permissions',
  family: 'workspaceAssets',
  operations: {
    setPermissions: {
      apply: async (op, session) => {
        const api = session.clients(op.workspace);
        const type = ACL_TYPE[op.object.type];
        const id = await session.resolveId(op.workspace, op.object);
        const managed = new Set(op.managed);
        const kept: AclChange[] = (await api.permissions.get(type, id))
          .filter((entry) => !entry.inherited)
          .filter((entry) => !(entry.kind === 'group' && (managed.has(entry.principal.toLowerCase()) || entry.principal === ADMINS)))
          .map(({ kind, principal, level }) => ({ kind, principal, level }));
        const declared: AclChange[] = op.entries.map(({ group, level }) => ({ kind: 'group', principal: group, level }));
        await api.permissions.set(type, id, [...kept, ...declared]);
      },
      owns: () => null,
    },
  },
  // An object's permissions are part of it: managed groups' entries are removed by the diff, or leave with the object.
  ownership: null,
};
