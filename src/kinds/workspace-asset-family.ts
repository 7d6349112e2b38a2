/** What the workspace asset kinds (warehouses, cluster policies, notebooks) share, and what the family reads. */
import { workspaceRef, type DesiredCustomer, type DesiredState } from '../domain/desired.js';
import type { OwnedObject } from '../domain/inventory.js';
import type { LiveAclEntry, LiveState, LiveWorkspaceAssets } from '../domain/live.js';
import type { Action, AssetRef, Operation } from '../domain/plan.js';
import { inWorkspace } from '../domain/action-key.js';
import { createOrAdopt } from './adopt.js';
import type { FamilyReadScope, PruneDecision, ReadScopeInput } from './contract.js';
import type { WorkspaceAssetSession } from './workspace-asset-session.js';

/** A customer declares an asset once and gets one in each of its workspaces. */
export function declaredPerWorkspace(desired: DesiredState, assets: (customer: DesiredCustomer) => Pick<OwnedObject, 'kind' | 'name'>[]): OwnedObject[] {
  return desired.customers.flatMap((customer) =>
    customer.workspaces.flatMap((workspace) => assets(customer).map((asset) => ({ ...asset, customer: customer.name, workspace }))),
  );
}

/** What the family reads, per workspace with any: the declared assets of its customers, and the owned ones leaving it. */
export function workspaceAssetsReads({ desired, leaving }: ReadScopeInput): FamilyReadScope['workspaceAssets'] {
  const leavingNames = (kind: OwnedObject['kind'], workspace: string) => leaving.filter((o) => o.kind === kind && o.workspace === workspace).map((o) => o.name);
  return {
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

/** A workspace's assets as observed; empty when none was read there. */
export function liveAssets(live: LiveState, workspace: string): LiveWorkspaceAssets {
  return live.assets[workspace] ?? { warehouses: [], clusterPolicies: [], notebooks: [] };
}

/** The delete of an asset found by name in its workspace (names compare case-insensitively there), or its absence. */
export function pruneNamedAsset<T extends { id: string; name: string }>(
  object: OwnedObject,
  assets: (workspace: LiveWorkspaceAssets) => readonly T[],
  live: LiveState,
  deleteOp: (asset: T, workspace: string) => Operation,
): PruneDecision {
  const workspace = object.workspace ?? '';
  const asset = assets(liveAssets(live, workspace)).find((a) => a.name.toLowerCase() === object.name.toLowerCase());
  if (!asset) return { outcome: 'absent' };
  return { outcome: 'delete', target: inWorkspace(asset.name, workspace), before: { id: asset.id }, op: deleteOp(asset, workspace) };
}

/** Creates an asset, or adopts one of the same name (a retry after a lost answer), and remembers its id for the permissions that follow. */
export async function createNamedAsset(session: WorkspaceAssetSession, workspace: string, ref: AssetRef, create: () => Promise<string>): Promise<void> {
  const { value: id } = await createOrAdopt(create, () => session.lookUp(workspace, ref));
  session.created(workspace, ref, id);
}

/** What an asset kind's diff sees: one customer in one of its workspaces, and the actions planned so far. */
export interface AssetDiffContext {
  customer: DesiredCustomer;
  workspace: string;
  assets: LiveWorkspaceAssets;
  actions: Action[];
}

/** What an asset kind's diff hands the family's permissions diff: the object, its declared and live ACL, and the action creating it. */
export interface PermissionsTarget {
  /** With its id once it exists; the executor resolves a created one's id. */
  object: AssetRef;
  label: string;
  /** Level per persona group, as declared. */
  wanted: Record<string, string>;
  acl: readonly LiveAclEntry[];
  /** Permissions on an object the plan creates wait for the create. */
  createdBy: string | undefined;
}
