/**
 * Carries out warehouse, cluster policy, notebook and permission
 * operations in one workspace each. Creates adopt an object of the same
 * name that already exists (a retry after a lost answer), so a crash never
 * leaves two warehouses.
 *
 * Permissions are written read-modify-write, at apply time: the object's
 * current direct entries are read, the managed groups' entries replaced by
 * the declared ones, and the whole list PUT in one call. Everything
 * onboarder does not manage (the owner, people, onboarder itself) is sent
 * back unchanged, so a PUT never takes it away.
 */
import { unhandled, type AssetRef, type WorkspaceAssetOperation } from '../domain/plan.js';
import type { ClusterPolicies } from '../live/cluster-policies.js';
import type { AclChange, ObjectPermissions, PermissionObjectType } from '../live/permissions.js';
import type { SqlWarehouses } from '../live/sql-warehouses.js';
import type { WorkspaceObjects } from '../live/workspace-objects.js';
import { createOrAdopt } from './adopt.js';

export interface WorkspaceAssetClients {
  warehouses: Pick<SqlWarehouses, 'list' | 'create' | 'edit' | 'delete'>;
  clusterPolicies: Pick<ClusterPolicies, 'list' | 'create' | 'edit' | 'delete'>;
  objects: Pick<WorkspaceObjects, 'getStatus' | 'importSource' | 'delete'>;
  permissions: Pick<ObjectPermissions, 'get' | 'set'>;
}

const ACL_TYPE: Record<AssetRef['type'], PermissionObjectType> = {
  warehouse: 'warehouses',
  'cluster-policy': 'cluster-policies',
  notebook: 'notebooks',
};

/** The workspace's own group whose inherited CAN_MANAGE no ACL call may touch. */
const ADMINS = 'admins';

export function createWorkspaceAssetRunner(clients: (workspace: string) => WorkspaceAssetClients): (op: WorkspaceAssetOperation) => Promise<void> {
  // Ids of objects created during this apply, for the permission actions that follow them.
  const created = new Map<string, string>();
  const refKey = (workspace: string, ref: AssetRef) => `${workspace}|${ref.type}|${ref.type === 'notebook' ? ref.path : ref.name}`;

  const resolveId = async (workspace: string, api: WorkspaceAssetClients, ref: AssetRef): Promise<string> => {
    const id = ref.id ?? created.get(refKey(workspace, ref)) ?? (await lookUp(api, ref));
    if (id === undefined) throw new Error(`${ref.type} ${ref.type === 'notebook' ? ref.path : ref.name} does not exist in workspace ${workspace}`);
    return id;
  };

  return async (op) => {
    const api = clients(op.workspace);
    switch (op.type) {
      case 'createWarehouse': {
        const ref: AssetRef = { type: 'warehouse', name: op.spec.name };
        const { value: id } = await createOrAdopt(async () => (await api.warehouses.create(op.spec)).id, () => lookUp(api, ref));
        created.set(refKey(op.workspace, ref), id);
        return;
      }
      case 'editWarehouse':
        return api.warehouses.edit(op.id, op.spec);
      case 'createClusterPolicy': {
        const ref: AssetRef = { type: 'cluster-policy', name: op.name };
        const input = { name: op.name, definition: op.definition };
        const { value: id } = await createOrAdopt(async () => (await api.clusterPolicies.create(input)).policyId, () => lookUp(api, ref));
        created.set(refKey(op.workspace, ref), id);
        return;
      }
      case 'editClusterPolicy':
        return api.clusterPolicies.edit(op.id, { name: op.name, definition: op.definition });
      case 'importNotebook':
        // Overwrites in place (the object id and its permissions stay); missing parent folders are created.
        return api.objects.importSource({ path: op.path, language: op.language, content: op.content });
      // Deletes of objects that are already gone succeed, so a retried prune converges.
      case 'deleteWarehouse':
        return api.warehouses.delete(op.id);
      case 'deleteClusterPolicy':
        return api.clusterPolicies.delete(op.id);
      case 'deleteNotebook':
        return api.objects.delete(op.path);
      case 'setPermissions': {
        const type = ACL_TYPE[op.object.type];
        const id = await resolveId(op.workspace, api, op.object);
        const managed = new Set(op.managed);
        const kept: AclChange[] = (await api.permissions.get(type, id))
          .filter((entry) => !entry.inherited)
          .filter((entry) => !(entry.kind === 'group' && (managed.has(entry.principal.toLowerCase()) || entry.principal === ADMINS)))
          .map(({ kind, principal, level }) => ({ kind, principal, level }));
        const declared: AclChange[] = op.entries.map(({ group, level }) => ({ kind: 'group', principal: group, level }));
        await api.permissions.set(type, id, [...kept, ...declared]);
        return;
      }
      default:
        return unhandled(op, 'operation');
    }
  };
}

async function lookUp(api: WorkspaceAssetClients, ref: AssetRef): Promise<string | undefined> {
  switch (ref.type) {
    case 'warehouse':
      return (await api.warehouses.list()).find((w) => w.name === ref.name)?.id;
    case 'cluster-policy':
      return (await api.clusterPolicies.list()).find((p) => p.name === ref.name)?.policyId;
    case 'notebook':
      return (await api.objects.getStatus(ref.path))?.objectId;
  }
}
