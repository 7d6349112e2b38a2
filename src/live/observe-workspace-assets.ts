/**
 * Reads the warehouses, cluster policies and notebooks the desired state
 * names in each workspace, with their direct permissions. Warehouses and
 * policies are listed (one list each per workspace) and matched by name;
 * notebooks are read by path (status, source, permissions), since a
 * workspace tree is far larger than the few templates onboarder owns.
 */
import type { LiveAclEntry, LiveClusterPolicy, LiveNotebook, LiveWarehouse, LiveWorkspaceAssets } from '../domain/live.js';
import { notebookHash, type NotebookLanguage } from '../domain/notebook.js';
import type { ClusterPolicies } from './cluster-policies.js';
import type { ObservedWorkspace } from './observe.js';
import type { ObjectPermissions, PermissionObjectType } from './permissions.js';
import type { SqlWarehouses } from './sql-warehouses.js';
import type { WorkspaceObjects } from './workspace-objects.js';

export interface WorkspaceAssetsScope {
  workspace: ObservedWorkspace;
  warehouses: readonly string[];
  clusterPolicies: readonly string[];
  notebooks: readonly { path: string; language: NotebookLanguage }[];
}

export interface WorkspaceAssetReads {
  warehouses: Pick<SqlWarehouses, 'list'>;
  clusterPolicies: Pick<ClusterPolicies, 'list'>;
  objects: Pick<WorkspaceObjects, 'getStatus' | 'exportSource'>;
  permissions: Pick<ObjectPermissions, 'get'>;
}

export async function observeWorkspaceAssets(
  clients: (workspace: ObservedWorkspace) => WorkspaceAssetReads,
  scopes: readonly WorkspaceAssetsScope[],
): Promise<Record<string, LiveWorkspaceAssets>> {
  const observed = await Promise.all(
    scopes.map(async (scope): Promise<[string, LiveWorkspaceAssets]> => {
      const api = clients(scope.workspace);
      const directAcl = async (type: PermissionObjectType, id: string): Promise<LiveAclEntry[]> =>
        (await api.permissions.get(type, id)).filter((e) => !e.inherited).map(({ kind, principal, level }) => ({ kind, principal, level }));

      const [warehouses, clusterPolicies, notebooks] = await Promise.all([
        scope.warehouses.length === 0 ? [] : readWarehouses(api, scope.warehouses, directAcl),
        scope.clusterPolicies.length === 0 ? [] : readPolicies(api, scope.clusterPolicies, directAcl),
        Promise.all(scope.notebooks.map((notebook) => readNotebook(api, notebook, directAcl))),
      ]);
      return [scope.workspace.name, { warehouses, clusterPolicies, notebooks: notebooks.filter(isDefined) }];
    }),
  );
  return Object.fromEntries(observed);
}

type AclReader = (type: PermissionObjectType, id: string) => Promise<LiveAclEntry[]>;

async function readWarehouses(api: WorkspaceAssetReads, names: readonly string[], acl: AclReader): Promise<LiveWarehouse[]> {
  const wanted = new Set(names);
  const listed = (await api.warehouses.list()).filter((w) => wanted.has(w.name));
  return Promise.all(
    listed.map(async (w) => ({
      id: w.id,
      name: w.name,
      clusterSize: w.clusterSize,
      minNumClusters: w.minNumClusters,
      maxNumClusters: w.maxNumClusters,
      autoStopMins: w.autoStopMins,
      serverless: w.enableServerlessCompute,
      tags: w.tags,
      acl: await acl('warehouses', w.id),
    })),
  );
}

async function readPolicies(api: WorkspaceAssetReads, names: readonly string[], acl: AclReader): Promise<LiveClusterPolicy[]> {
  const wanted = new Set(names);
  const listed = (await api.clusterPolicies.list()).filter((p) => wanted.has(p.name));
  return Promise.all(
    listed.map(async (p) => ({ id: p.policyId, name: p.name, definition: p.definition, acl: await acl('cluster-policies', p.policyId) })),
  );
}

async function readNotebook(
  api: WorkspaceAssetReads,
  notebook: { path: string; language: NotebookLanguage },
  acl: AclReader,
): Promise<LiveNotebook | undefined> {
  const status = await api.objects.getStatus(notebook.path);
  if (!status) return undefined;
  // Something else (a folder, a file) at a notebook's path: the import that the diff plans fails on it, saying so.
  if (status.objectType !== 'NOTEBOOK') return { path: notebook.path, objectId: status.objectId, contentHash: '', acl: [], occupiedBy: status.objectType };
  const [source, entries] = await Promise.all([api.objects.exportSource(notebook.path), acl('notebooks', status.objectId)]);
  const language = status.language ?? notebook.language;
  const live: LiveNotebook = { path: notebook.path, objectId: status.objectId, contentHash: notebookHash(source ?? '', language), acl: entries };
  if (status.language !== undefined) live.language = status.language;
  return live;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
