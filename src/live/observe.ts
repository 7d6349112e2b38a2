/**
 * Reads the live state of the identity families. Everything is read by
 * listing (paged), never object by object, except one GET per managed group
 * that exists: account group lists no longer carry members (§2.1).
 * Independent reads run concurrently; the limiter keeps them within limits.
 */
import { ApiError } from '../domain/errors.js';
import type { LiveGroup, LiveState, LiveWorkspace } from '../domain/live.js';
import type { AccountScim } from './account-scim.js';
import { observeUnityCatalog, type UnityCatalogReads, type UnityCatalogScope } from './observe-unity-catalog.js';
import { observeWorkspaceAssets, type WorkspaceAssetReads, type WorkspaceAssetsScope } from './observe-workspace-assets.js';
import type { WorkspaceAssignments } from './workspace-assignment.js';
import type { WorkspaceScim } from './workspace-scim.js';

export interface ObservedWorkspace {
  name: string;
  workspaceId: string;
  /** Absent: the client's default host (DATABRICKS_HOST, or the demo's simulator). */
  host?: string;
}

export interface ObserveScope {
  workspaces: readonly ObservedWorkspace[];
  /** Display names of the groups whose members are needed (compared case-insensitively, as SCIM does). */
  managedGroupNames: readonly string[];
  /** One entry per customer with Unity Catalog objects; absent or empty: Unity Catalog is not read. */
  unityCatalog?: readonly UnityCatalogScope[];
  /** One entry per workspace with declared warehouses, cluster policies or notebooks. */
  workspaceAssets?: readonly WorkspaceAssetsScope[];
}

export interface ObserveDeps {
  account: Pick<AccountScim, 'listGroups' | 'getGroup' | 'listUsers' | 'listServicePrincipals'>;
  workspace(workspace: ObservedWorkspace): Pick<WorkspaceScim, 'listGroups' | 'listUsers' | 'listServicePrincipals' | 'me'>;
  assignments(workspaceId: string): Pick<WorkspaceAssignments, 'list'>;
  unityCatalog(workspace: ObservedWorkspace): UnityCatalogReads;
  workspaceAssets(workspace: ObservedWorkspace): WorkspaceAssetReads;
}

export async function observeLiveState(deps: ObserveDeps, scope: ObserveScope): Promise<LiveState> {
  const managed = new Set(scope.managedGroupNames.map((name) => name.toLowerCase()));
  const groups = deps.account.listGroups().then((listed) => readMembers(deps, listed, managed));
  const ucScopes = scope.unityCatalog ?? [];
  const [liveGroups, users, servicePrincipals, workspaces, unityCatalog, assets, controller] = await Promise.all([
    groups,
    deps.account.listUsers(),
    deps.account.listServicePrincipals(),
    Promise.all(scope.workspaces.map((workspace) => observeWorkspace(deps, workspace))),
    observeUnityCatalog((workspace) => deps.unityCatalog(workspace), ucScopes),
    observeWorkspaceAssets((workspace) => deps.workspaceAssets(workspace), scope.workspaceAssets ?? []),
    // Who onboarder is matters only to grants: its own are never revoked.
    ucScopes[0] ? deps.workspace(ucScopes[0].via).me() : undefined,
  ]);
  const live: LiveState = {
    groups: sortBy(liveGroups, (g) => g.displayName.toLowerCase()),
    users: sortBy(users, (u) => u.userName.toLowerCase()),
    servicePrincipals: sortBy(servicePrincipals, (sp) => sp.applicationId),
    workspaces,
    unityCatalog,
    assets,
  };
  // `/Me` names a service principal by its application id, which is how Unity Catalog names it too.
  if (controller?.userName) live.controllerPrincipal = controller.userName;
  return live;
}

async function readMembers(deps: ObserveDeps, groups: LiveGroup[], managed: ReadonlySet<string>): Promise<LiveGroup[]> {
  const read = await Promise.all(
    groups.map(async (group): Promise<LiveGroup | undefined> => {
      if (!managed.has(group.displayName.toLowerCase())) return group;
      try {
        const withMembers = await deps.account.getGroup(group.id);
        return { ...group, members: withMembers.members ?? [] };
      } catch (error) {
        // Deleted between the list and the read: it no longer exists.
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      }
    }),
  );
  return read.filter((group): group is LiveGroup => group !== undefined);
}

async function observeWorkspace(deps: ObserveDeps, workspace: ObservedWorkspace): Promise<LiveWorkspace> {
  const scim = deps.workspace(workspace);
  const [assignments, groups, users, servicePrincipals] = await Promise.all([
    deps.assignments(workspace.workspaceId).list(),
    scim.listGroups(),
    scim.listUsers(),
    scim.listServicePrincipals(),
  ]);
  // Every visible principal is present, with an empty list when it has none of its own.
  const entitlements: Record<string, string[]> = {};
  for (const principal of [...groups, ...users, ...servicePrincipals]) {
    entitlements[principal.id] = [...principal.entitlements];
  }
  return { name: workspace.name, workspaceId: workspace.workspaceId, assignments, entitlements };
}

function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
