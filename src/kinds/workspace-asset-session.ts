/** How warehouse, cluster policy, notebook and permission handlers reach one workspace (src/apply/workspace-assets.ts builds it). */
import type { AssetRef } from '../domain/plan.js';
import type { ClusterPolicies } from '../live/cluster-policies.js';
import type { ObjectPermissions } from '../live/permissions.js';
import type { SqlWarehouses } from '../live/sql-warehouses.js';
import type { WorkspaceObjects } from '../live/workspace-objects.js';

export interface WorkspaceAssetClients {
  warehouses: Pick<SqlWarehouses, 'list' | 'create' | 'edit' | 'delete'>;
  clusterPolicies: Pick<ClusterPolicies, 'list' | 'create' | 'edit' | 'delete'>;
  objects: Pick<WorkspaceObjects, 'getStatus' | 'importSource' | 'delete'>;
  permissions: Pick<ObjectPermissions, 'get' | 'set'>;
}

export interface WorkspaceAssetSession {
  clients(workspace: string): WorkspaceAssetClients;
  /** The object's id: the ref's, one created during this apply, or looked up by name; throws when it does not exist. */
  resolveId(workspace: string, ref: AssetRef): Promise<string>;
  /** The id of an object by name (or path), if it exists. */
  lookUp(workspace: string, ref: AssetRef): Promise<string | undefined>;
  /** Records the id a create returned (or adopted), for the permission actions that follow it. */
  created(workspace: string, ref: AssetRef, id: string): void;
}
