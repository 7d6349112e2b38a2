/**
 * The workspace half of customer onboarding: SQL warehouses, cluster
 * policies and template notebooks in each of the customer's workspaces, and
 * the persona groups' permissions on them. Pure: (desired, live) -> actions.
 *
 * No false drift: only declared fields are compared, tag maps and policy
 * definitions semantically (order and formatting are not drift), notebooks
 * by the hash of their normalised source.
 */
import {
  protectedGroupPatterns,
  type DesiredClusterPolicy,
  type DesiredCustomer,
  type DesiredNotebook,
  type DesiredState,
  type DesiredWarehouse,
} from '../domain/desired.js';
import { isProtectedGroup } from '../domain/identity.js';
import type { LiveAclEntry, LiveWorkspaceAssets, LiveState } from '../domain/live.js';
import { ownedNames, type Inventory } from '../domain/inventory.js';
import { notebookHash } from '../domain/notebook.js';
import { actionId, buildAction, inWorkspace } from '../domain/action-key.js';
import type { Action, AssetRef, Readable, WarehouseSpec } from '../domain/plan.js';
import { compare, pick } from './values.js';

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
      const assets = live.assets[workspace] ?? { warehouses: [], clusterPolicies: [], notebooks: [] };
      const context: Context = { customer, workspace, assets, managed, options, actions };
      for (const warehouse of customer.warehouses) diffWarehouse(context, warehouse);
      for (const policy of customer.clusterPolicies) diffClusterPolicy(context, policy);
      for (const notebook of customer.notebooks) diffNotebook(context, notebook);
    }
  }
  return actions;
}

interface Context {
  customer: DesiredCustomer;
  workspace: string;
  assets: LiveWorkspaceAssets;
  /** Lower-cased persona group names: as the sorted list operations carry, and as a set for look-ups. */
  managed: { names: string[]; set: ReadonlySet<string> };
  options: WorkspaceAssetsDiffOptions;
  actions: Action[];
}

function diffWarehouse(context: Context, warehouse: DesiredWarehouse): void {
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
  const object: AssetRef = { type: 'warehouse', name: warehouse.name, ...(live ? { id: live.id } : {}) };
  diffPermissions(context, object, `warehouse ${warehouse.name} @ ${workspace}`, warehouse.permissions, live?.acl ?? [], createdBy);
}

function diffClusterPolicy(context: Context, policy: DesiredClusterPolicy): void {
  const { workspace } = context;
  const live = context.assets.clusterPolicies.find((p) => p.name === policy.name);
  const target = inWorkspace(policy.name, workspace);
  const id = actionId('cluster-policy', target);
  const base = { kind: 'cluster-policy' as const, customer: context.customer.name, target, status: 'pending' as const };
  let createdBy: string | undefined;
  if (!live) {
    createdBy = id;
    context.actions.push(
      buildAction({
        ...base,
        change: 'create',
        before: null,
        after: { attributes: Object.keys(policy.definition) },
        details: Object.entries(policy.definition).map(([path, rule]) => `+ ${path}: ${canonicalJson(rule)}`),
        dependsOn: [],
        op: { type: 'createClusterPolicy', workspace, name: policy.name, definition: policy.definition },
      }),
    );
  } else {
    const details = definitionDetails(live.definition, policy.definition);
    if (details.length > 0) {
      context.actions.push(
        buildAction({
          ...base,
          change: 'update',
          before: { attributes: Object.keys(live.definition).sort() },
          after: { attributes: Object.keys(policy.definition) },
          details,
          dependsOn: [],
          op: { type: 'editClusterPolicy', workspace, id: live.id, name: policy.name, definition: policy.definition },
        }),
      );
    }
  }
  const object: AssetRef = { type: 'cluster-policy', name: policy.name, ...(live ? { id: live.id } : {}) };
  diffPermissions(context, object, `cluster-policy ${policy.name} @ ${workspace}`, policy.permissions, live?.acl ?? [], createdBy);
}

function diffNotebook(context: Context, notebook: DesiredNotebook): void {
  const { workspace } = context;
  const live = context.assets.notebooks.find((n) => n.path === notebook.path);
  const hash = notebookHash(notebook.content, notebook.language);
  const target = inWorkspace(notebook.path, workspace);
  const id = actionId('notebook', target);
  const stale = live !== undefined && (live.contentHash !== hash || (live.language !== undefined && live.language !== notebook.language));
  // A folder or file at the path is not the notebook: its import must succeed before any permission is set, and on the notebook.
  const notebookLive = live?.occupiedBy === undefined ? live : undefined;
  let createdBy: string | undefined;
  if (!live || stale) {
    createdBy = notebookLive ? undefined : id;
    const occupied = live?.occupiedBy;
    context.actions.push(
      buildAction({
        kind: 'notebook',
        change: notebookLive ? 'update' : 'create',
        customer: context.customer.name,
        target,
        before: notebookLive ? { language: notebookLive.language ?? null, sha256: notebookLive.contentHash.slice(0, 12) } : null,
        after: { source: notebook.sourceFile, language: notebook.language, sha256: hash.slice(0, 12) },
        details: [],
        dependsOn: [],
        // Whoever put a folder or file there owns it: it is reported, never overwritten.
        status: occupied ? 'reported' : 'pending',
        ...(occupied ? { reason: `the path holds a ${occupied.toLowerCase()} onboarder did not make; move it, or choose another path` } : {}),
        op: { type: 'importNotebook', workspace, path: notebook.path, language: notebook.language, content: notebook.content },
      }),
    );
  }
  const object: AssetRef = { type: 'notebook', path: notebook.path, ...(notebookLive ? { id: notebookLive.objectId } : {}) };
  // A re-import keeps the object (and its permissions); only a create must come first.
  diffPermissions(context, object, `notebook ${notebook.path} @ ${workspace}`, notebook.permissions, notebookLive?.acl ?? [], createdBy);
}

/**
 * Authoritative for the groups onboarder manages (every persona group):
 * their direct levels become exactly the declared ones. Everything else on
 * the object (owners, people, onboarder itself, inherited admins) is kept.
 */
function diffPermissions(
  context: Context,
  object: AssetRef,
  label: string,
  wanted: Record<string, string>,
  acl: readonly LiveAclEntry[],
  createdBy: string | undefined,
): void {
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

function definitionDetails(live: Record<string, unknown>, wanted: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [path, rule] of Object.entries(wanted)) {
    if (!(path in live)) lines.push(`+ ${path}: ${canonicalJson(rule)}`);
    else if (canonicalJson(live[path]) !== canonicalJson(rule)) lines.push(`~ ${path}: ${canonicalJson(live[path])} -> ${canonicalJson(rule)}`);
  }
  for (const [path, rule] of Object.entries(live)) if (!(path in wanted)) lines.push(`- ${path}: ${canonicalJson(rule)}`);
  return lines.sort((a, b) => compare(a.slice(2), b.slice(2)));
}

/** JSON with object keys sorted at every level: equal documents give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => compare(a, b))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}
