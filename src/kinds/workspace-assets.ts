/**
 * The persona groups' permissions on every workspace asset (warehouses,
 * cluster policies, notebooks). Their diff is the workspace-assets family
 * diff (kinds/workspace-assets-diff.ts): it compares each asset's ACL once
 * the asset's own kind has planned it.
 *
 * Permissions are written read-modify-write, at apply time: the object's
 * current direct entries are read, the managed groups' entries replaced by
 * the declared ones, and the whole list PUT in one call. Everything
 * onboarder does not manage (the owner, people, onboarder itself) is sent
 * back unchanged, so a PUT never takes it away.
 */
import type { AssetRef } from '../domain/plan.js';
import type { AclChange, PermissionObjectType } from '../live/permissions.js';
import type { ResourceKind } from './contract.js';

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
