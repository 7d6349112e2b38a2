/**
 * The workspace asset session the warehouse, cluster policy, notebook and
 * permission handlers (src/kinds/warehouse.ts, workspace-assets.ts) are
 * handed: the clients of each workspace, and the ids of objects created
 * during this apply, for the permission actions that follow them.
 */
import type { AssetRef } from '../domain/plan.js';
import type { WorkspaceAssetClients, WorkspaceAssetSession } from '../kinds/workspace-asset-session.js';

export type { WorkspaceAssetClients } from '../kinds/workspace-asset-session.js';

export function createWorkspaceAssetSession(clients: (workspace: string) => WorkspaceAssetClients): WorkspaceAssetSession {
  const created = new Map<string, string>();
  const refKey = (workspace: string, ref: AssetRef) => `${workspace}|${ref.type}|${ref.type === 'notebook' ? ref.path : ref.name}`;
  const lookUp = (workspace: string, ref: AssetRef) => lookUpId(clients(workspace), ref);
  return {
    clients,
    lookUp,
    created: (workspace, ref, id) => void created.set(refKey(workspace, ref), id),
    resolveId: async (workspace, ref) => {
      const id = ref.id ?? created.get(refKey(workspace, ref)) ?? (await lookUp(workspace, ref));
      if (id === undefined) throw new Error(`${ref.type} ${ref.type === 'notebook' ? ref.path : ref.name} does not exist in workspace ${workspace}`);
      return id;
    },
  };
}

async function lookUpId(api: WorkspaceAssetClients, ref: AssetRef): Promise<string | undefined> {
  switch (ref.type) {
    case 'warehouse':
      return (await api.warehouses.list()).find((w) => w.name === ref.name)?.id;
    case 'cluster-policy':
      return (await api.clusterPolicies.list()).find((p) => p.name === ref.name)?.policyId;
    case 'notebook':
      return (await api.objects.getStatus(ref.path))?.objectId;
  }
}
