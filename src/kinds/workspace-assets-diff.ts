/**
 * The workspace-assets family's diff: per customer and each of its
 * workspaces, every asset kind's own diff (warehouse.ts, cluster-policy.ts,
 * notebook.ts) plans the asset, then the persona groups' permissions on it
 * are compared here: they wait for the asset's create and for the identity
 * actions that make the groups they name exist in the workspace. Pure:
 * (desired, live) -> actions.
 *
 * No false drift: only declared fields are compared, tag maps and policy
 * definitions semantically (order and formatting are not drift), notebooks
 * by the hash of their normalised source.
 */
import { protectedGroupPatterns, type DesiredState } from '../domain/desired.js';
import { isProtectedGroup } from '../domain/identity.js';
import type { LiveState } from '../domain/live.js';
import { ownedNames, type Inventory } from '../domain/inventory.js';
import { actionId, buildAction, inWorkspace } from '../domain/action-key.js';
import type { Action, Readable } from '../domain/plan.js';
import { diffClusterPolicy } from './cluster-policy.js';
import { diffNotebook } from './notebook.js';
import { compare } from './values.js';
import { diffWarehouse } from './warehouse.js';
import { liveAssets, type AssetDiffContext, type PermissionsTarget } from './workspace-asset-family.js';

export interface WorkspaceAssetsDiffOptions {
  /** Ids of the identity actions in the same plan: permissions wait for the groups they name to exist and be assigned. */
  identityActionIds: ReadonlySet<string>;
  /** Groups onboarder owns that are no longer persona groups still have their entries managed: removed, before the group goes. */
  inventory?: Inventory;
  /** Owned groups (lower-cased) leaving while the plan's deletions are blocked: their entries stay as they are, unmanaged. */
  heldPrincipals?: ReadonlySet<string>;
}

export function diffWorkspaceAssets(desired: DesiredState, live: LiveState, options: WorkspaceAssetsDiffOptions): Action[] {
  const actions: Action[] = [];
  // A protected group in the inventory (a hand edit) is still never managed.
  const patterns = protectedGroupPatterns(desired);
  const owned = options.inventory
    ? [...ownedNames(options.inventory, 'group').keys()].filter((name) => !isProtectedGroup(name, patterns) && options.heldPrincipals?.has(name) !== true)
    : [];
  const managedNames = [...new Set([...desired.groups.map((g) => g.displayName.toLowerCase()), ...owned])].sort();
  const managed = { names: managedNames, set: new Set(managedNames) };
  for (const customer of desired.customers) {
    for (const workspace of customer.workspaces) {
      const context: Context = { customer, workspace, assets: liveAssets(live, workspace), managed, options, actions };
      for (const warehouse of customer.warehouses) diffPermissions(context, diffWarehouse(context, warehouse));
      for (const policy of customer.clusterPolicies) diffPermissions(context, diffClusterPolicy(context, policy));
      for (const notebook of customer.notebooks) diffPermissions(context, diffNotebook(context, notebook));
    }
  }
  return actions;
}

interface Context extends AssetDiffContext {
  /** Lower-cased persona group names: as the sorted list operations carry, and as a set for look-ups. */
  managed: { names: string[]; set: ReadonlySet<string> };
  options: WorkspaceAssetsDiffOptions;
}

/**
 * Authoritative for the groups onboarder manages (every persona group):
 * their direct levels become exactly the declared ones. Everything else on
 * the object (owners, people, onboarder itself, inherited admins) is kept.
 */
function diffPermissions(context: Context, { object, label, wanted, acl, createdBy }: PermissionsTarget): void {
  const current = new Map<string, { name: string; levels: string[] }>();
  for (const entry of acl) {
    const key = entry.principal.toLowerCase();
    if (entry.kind !== 'group' || !context.managed.set.has(key)) continue;
    const held = current.get(key) ?? { name: entry.principal, levels: [] };
    held.levels.push(entry.level);
    current.set(key, held);
  }
  const desired = new Map(Object.entries(wanted).map(([group, level]) => [group.toLowerCase(), { group, level }]));
  const details: string[] = [];
  for (const [key, { group, level }] of desired) {
    const held = current.get(key);
    if (!held) details.push(`+ ${group}: ${level}`);
    else if (held.levels.length !== 1 || held.levels[0] !== level) details.push(`~ ${held.name}: ${held.levels.sort().join(', ')} -> ${level}`);
  }
  for (const [key, held] of current) if (!desired.has(key)) details.push(`- ${held.name}: ${held.levels.sort().join(', ')}`);
  if (details.length === 0) return;

  const dependsOn = new Set<string>(createdBy ? [createdBy] : []);
  for (const { group } of desired.values()) {
    // The group must exist and be assigned to the workspace before an ACL can name it.
    for (const id of [actionId('group', group), actionId('workspace-assignment', inWorkspace(group, context.workspace))]) {
      if (context.options.identityActionIds.has(id)) dependsOn.add(id);
    }
  }
  const readable = (entries: Iterable<[string, string]>): Readable => Object.fromEntries([...entries].sort(([a], [b]) => compare(a, b)));
  context.actions.push(
    buildAction({
      kind: 'permissions',
      change: 'update',
      customer: context.customer.name,
      target: label,
      before: readable([...current.values()].map((h) => [h.name, h.levels.sort().join(', ')])),
      after: readable([...desired.values()].map((d) => [d.group, d.level])),
      details: details.sort((a, b) => compare(a.slice(2), b.slice(2))),
      dependsOn: [...dependsOn].sort(),
      status: 'pending',
      op: {
        type: 'setPermissions',
        workspace: context.workspace,
        object,
        managed: context.managed.names,
        entries: [...desired.values()].sort((a, b) => compare(a.group, b.group)),
      },
    }),
  );
}

