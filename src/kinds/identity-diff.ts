/**
 * Identity half of the diff: persona groups, principals, workspace
 * assignments, membership and entitlements. Pure: (desired, live) -> actions.
 */
import { protectedGroupPatterns, type DesiredGroup, type DesiredPrincipal, type DesiredState } from '../domain/desired.js';
import { isProtectedGroup, servicePrincipalKey, sortedSet, userKey } from '../domain/identity.js';
import type { Entitlement } from '../domain/identity.js';
import type { LiveGroup, LiveState, LiveWorkspace } from '../domain/live.js';
import { actionId, buildAction, inWorkspace } from '../domain/action-key.js';
import type { Action, PrincipalHandle } from '../domain/plan.js';
import { isDefined } from './values.js';

export interface IdentityDiffOptions {
  /** `external`: principals missing from the account are reported as waiting for the identity provider. */
  principals: 'create' | 'external';
}

/** A declared principal paired with what the account has. */
interface ResolvedPrincipal {
  desired: DesiredPrincipal;
  handle: PrincipalHandle;
  liveId?: string;
  /** Id of the action that creates it in this plan. */
  createdBy?: string;
  waiting: boolean;
  /** Per workspace, the actions that make the principal visible there (its groups' assignment and membership). */
  visibleAfter: Map<string, string[]>;
}

const ASSIGNMENT_PERMISSIONS = ['USER'];

export function diffIdentity(desired: DesiredState, live: LiveState, options: IdentityDiffOptions): Action[] {
  const actions: Action[] = [];
  const protectedPatterns = protectedGroupPatterns(desired);
  const liveWorkspaces = new Map(live.workspaces.map((w) => [w.name, w]));
  const principals = resolvePrincipals(desired.principals, live, options, actions);
  const memberNames = liveMemberNames(live);
  const groupsByName = new Map(live.groups.map((g) => [g.displayName.toLowerCase(), g]));

  for (const group of desired.groups) {
    // The loader rejects these; the diff refuses them again so that no plan can ever touch one.
    if (isProtectedGroup(group.displayName, protectedPatterns)) continue;
    const liveGroup = groupsByName.get(group.displayName.toLowerCase());
    const handle: PrincipalHandle = { type: 'group', displayName: liveGroup?.displayName ?? group.displayName };
    if (liveGroup) handle.id = liveGroup.id;
    let groupCreate: string | undefined;
    if (!liveGroup) {
      groupCreate = actionId('group', group.displayName);
      actions.push(
        buildAction({
          kind: 'group',
          change: 'create',
          customer: group.customer,
          target: group.displayName,
          before: null,
          after: { displayName: group.displayName, persona: `${group.customer}/${group.persona}`, label: group.label },
          details: [],
          dependsOn: [],
          status: 'pending',
          op: { type: 'createGroup', displayName: group.displayName },
        }),
      );
    }

    const assignmentIds = diffAssignments(group, liveGroup, handle, groupCreate, desired, liveWorkspaces, actions);
    const membershipId = diffMembership(group, liveGroup, handle, groupCreate, principals, memberNames, actions);
    for (const workspace of group.workspaces) {
      const liveEntitlements = liveGroup ? (liveWorkspaces.get(workspace)?.entitlements[liveGroup.id] ?? []) : [];
      const dependsOn = [groupCreate, assignmentIds.get(workspace)].filter(isDefined);
      pushEntitlements(actions, group.customer, handle, workspace, desired, group.entitlements, liveEntitlements, dependsOn);
    }
    for (const key of group.members) {
      const principal = principals.get(key);
      if (!principal) continue;
      for (const workspace of group.workspaces) {
        const deps = principal.visibleAfter.get(workspace) ?? [];
        deps.push(...[assignmentIds.get(workspace), membershipId].filter(isDefined));
        principal.visibleAfter.set(workspace, deps);
      }
    }
  }

  for (const principal of principals.values()) {
    if (principal.waiting) continue;
    for (const [workspace, entitlements] of Object.entries(principal.desired.entitlements)) {
      const liveEntitlements = principal.liveId ? (liveWorkspaces.get(workspace)?.entitlements[principal.liveId] ?? []) : [];
      // A principal becomes visible in a workspace through an assigned persona group.
      const dependsOn = [principal.createdBy, ...(principal.visibleAfter.get(workspace) ?? [])].filter(isDefined);
      const customer = principal.desired.customers.length === 1 ? principal.desired.customers[0]! : null;
      pushEntitlements(actions, customer, principal.handle, workspace, desired, entitlements, liveEntitlements, dependsOn);
    }
  }
  return actions;
}

type PrincipalIndex = Map<string, ResolvedPrincipal>;

function resolvePrincipals(
  declared: DesiredPrincipal[],
  live: LiveState,
  options: IdentityDiffOptions,
  actions: Action[],
): PrincipalIndex {
  const usersByName = new Map(live.users.map((u) => [u.userName.toLowerCase(), u]));
  const spsByApplicationId = new Map(live.servicePrincipals.map((sp) => [sp.applicationId.toLowerCase(), sp]));
  const spsByName = new Map(live.servicePrincipals.map((sp) => [sp.displayName, sp]));
  const index: PrincipalIndex = new Map();

  for (const principal of declared) {
    const customer = principal.customers.length === 1 ? principal.customers[0]! : null;
    if (principal.type === 'user') {
      const userName = principal.userName ?? '';
      const liveUser = usersByName.get(userName.toLowerCase());
      const handle: PrincipalHandle = { type: 'user', userName: liveUser?.userName ?? userName };
      const resolved: ResolvedPrincipal = { desired: principal, handle, waiting: false, visibleAfter: new Map() };
      if (liveUser) {
        handle.id = liveUser.id;
        resolved.liveId = liveUser.id;
      } else {
        const id = actionId('user', userName);
        const waiting = options.principals === 'external';
        actions.push(
          buildAction({
            kind: 'user',
            change: 'create',
            customer,
            target: userName,
            before: null,
            after: { userName, displayName: principal.displayName ?? null, customers: principal.customers },
            details: [],
            dependsOn: [],
            status: waiting ? 'waiting' : 'pending',
            ...(waiting ? { reason: 'not in the account yet: waiting for the identity provider to provision it' } : {}),
            op: { type: 'createUser', userName, ...(principal.displayName ? { displayName: principal.displayName } : {}) },
          }),
        );
        resolved.waiting = waiting;
        if (!waiting) resolved.createdBy = id;
      }
      index.set(principal.key, resolved);
    } else {
      const displayName = principal.displayName ?? '';
      const liveSp = principal.applicationId
        ? spsByApplicationId.get(principal.applicationId.toLowerCase())
        : spsByName.get(displayName);
      const handle: PrincipalHandle = { type: 'servicePrincipal', displayName };
      const applicationId = liveSp?.applicationId ?? principal.applicationId;
      if (applicationId) handle.applicationId = applicationId;
      const resolved: ResolvedPrincipal = { desired: principal, handle, waiting: false, visibleAfter: new Map() };
      if (liveSp) {
        handle.id = liveSp.id;
        resolved.liveId = liveSp.id;
      } else {
        const id = actionId('service-principal', displayName);
        const waiting = options.principals === 'external';
        actions.push(
          buildAction({
            kind: 'service-principal',
            change: 'create',
            customer,
            target: displayName,
            before: null,
            after: { displayName, applicationId: principal.applicationId ?? null, customers: principal.customers },
            details: [],
            dependsOn: [],
            status: waiting ? 'waiting' : 'pending',
            ...(waiting ? { reason: 'not in the account yet: waiting for the identity provider to provision it' } : {}),
            op: {
              type: 'createServicePrincipal',
              displayName,
              ...(principal.applicationId ? { applicationId: principal.applicationId } : {}),
            },
          }),
        );
        resolved.waiting = waiting;
        if (!waiting) resolved.createdBy = id;
      }
      index.set(principal.key, resolved);
    }
  }
  return index;
}

/** Returns the id of the assignment action per workspace, for the actions that need the group visible there. */
function diffAssignments(
  group: DesiredGroup,
  liveGroup: LiveGroup | undefined,
  handle: PrincipalHandle,
  groupCreate: string | undefined,
  desired: DesiredState,
  liveWorkspaces: Map<string, LiveWorkspace>,
  actions: Action[],
): Map<string, string> {
  const ids = new Map<string, string>();
  for (const workspace of desired.workspaces) {
    const liveWorkspace = liveWorkspaces.get(workspace.name);
    const assignment = liveGroup ? liveWorkspace?.assignments.find((a) => a.principalId === liveGroup.id) : undefined;
    const wanted = group.workspaces.includes(workspace.name);
    const target = inWorkspace(group.displayName, workspace.name);
    const id = actionId('workspace-assignment', target);
    const livePermissions = sortedSet(assignment?.permissions ?? []);
    const base = { kind: 'workspace-assignment' as const, customer: group.customer, target, details: [], status: 'pending' as const };
    if (wanted && !assignment) {
      ids.set(workspace.name, id);
      actions.push(
        buildAction({
          ...base,
          change: 'create',
          before: null,
          after: { permissions: ASSIGNMENT_PERMISSIONS },
          dependsOn: [groupCreate].filter(isDefined),
          op: { type: 'assignWorkspace', workspace: workspace.name, workspaceId: workspace.workspaceId, principal: handle, permissions: ASSIGNMENT_PERMISSIONS },
        }),
      );
    } else if (wanted && !sameSet(livePermissions, ASSIGNMENT_PERMISSIONS)) {
      ids.set(workspace.name, id);
      actions.push(
        buildAction({
          ...base,
          change: 'update',
          before: { permissions: livePermissions },
          after: { permissions: ASSIGNMENT_PERMISSIONS },
          dependsOn: [],
          op: { type: 'assignWorkspace', workspace: workspace.name, workspaceId: workspace.workspaceId, principal: handle, permissions: ASSIGNMENT_PERMISSIONS },
        }),
      );
    } else if (!wanted && assignment) {
      actions.push(
        buildAction({
          ...base,
          change: 'delete',
          before: { permissions: livePermissions },
          after: null,
          dependsOn: [],
          op: { type: 'unassignWorkspace', workspace: workspace.name, workspaceId: workspace.workspaceId, principal: handle },
        }),
      );
    }
  }
  return ids;
}

function diffMembership(
  group: DesiredGroup,
  liveGroup: LiveGroup | undefined,
  handle: PrincipalHandle,
  groupCreate: string | undefined,
  principals: PrincipalIndex,
  memberNames: Map<string, { name: string; handle: PrincipalHandle }>,
  actions: Action[],
): string | undefined {
  const liveMembers = new Set(liveGroup?.members ?? []);
  const add: PrincipalHandle[] = [];
  const dependsOn = [groupCreate].filter(isDefined);
  const wantedIds = new Set<string>();
  const waiting: string[] = [];
  for (const key of group.members) {
    const principal = principals.get(key);
    if (!principal) continue;
    if (principal.waiting) {
      waiting.push(principalName(principal.handle));
      continue;
    }
    if (principal.liveId) wantedIds.add(principal.liveId);
    if (!principal.liveId || !liveMembers.has(principal.liveId)) {
      add.push(principal.handle);
      if (principal.createdBy) dependsOn.push(principal.createdBy);
    }
  }
  const remove: PrincipalHandle[] =
    group.membership === 'authoritative'
      ? [...liveMembers]
          .filter((id) => !wantedIds.has(id))
          .sort()
          .map((id) => memberNames.get(id)?.handle ?? { type: 'user', userName: id, id })
      : [];
  if (add.length === 0 && remove.length === 0) return undefined;

  // A group from the identity provider keeps its membership there unless the Customer claims it.
  const ownedByIdp = liveGroup?.externalId !== undefined && !group.membershipExplicit;
  const id = actionId('membership', group.displayName);
  const liveNames = [...liveMembers].map((m) => memberNames.get(m)?.name ?? m).sort();
  const desiredNames = sortedSet([
    ...liveNames.filter((name) => !remove.some((r) => principalName(r) === name)),
    ...add.map(principalName),
  ]);
  actions.push(
    buildAction({
      kind: 'membership',
      change: 'update',
      customer: group.customer,
      target: group.displayName,
      before: { members: liveNames },
      after: { members: desiredNames },
      details: [
        ...add.map((p) => `+ ${principalName(p)}`).sort(),
        ...remove.map((p) => `- ${principalName(p)}`).sort(),
        ...waiting.map((name) => `  ${name} (waiting for the identity provider)`),
      ],
      dependsOn: sortedSet(dependsOn),
      status: ownedByIdp ? 'reported' : 'pending',
      ...(ownedByIdp ? { reason: 'membership of a group from the identity provider belongs to it (set membership: authoritative to claim it)' } : {}),
      op: { type: 'patchMembers', group: handle as PrincipalHandle & { type: 'group' }, add, remove },
    }),
  );
  return ownedByIdp ? undefined : id;
}

function pushEntitlements(
  actions: Action[],
  customer: string | null,
  handle: PrincipalHandle,
  workspace: string,
  desired: DesiredState,
  wanted: readonly Entitlement[],
  live: readonly string[],
  dependsOn: string[],
): void {
  const liveSet = sortedSet(live);
  const wantedSet = sortedSet(wanted);
  const add = wantedSet.filter((e) => !liveSet.includes(e));
  const remove = liveSet.filter((e) => !(wantedSet as string[]).includes(e));
  if (add.length === 0 && remove.length === 0) return;
  const workspaceId = desired.workspaces.find((w) => w.name === workspace)?.workspaceId ?? '';
  const target = inWorkspace(principalName(handle), workspace);
  actions.push(
    buildAction({
      kind: 'entitlements',
      change: 'update',
      customer,
      target,
      before: { entitlements: liveSet },
      after: { entitlements: wantedSet },
      details: [...add.map((e) => `+ ${e}`), ...remove.map((e) => `- ${e}`)],
      dependsOn: sortedSet(dependsOn),
      status: 'pending',
      op: { type: 'patchEntitlements', workspace, workspaceId, principal: handle, add, remove },
    }),
  );
}

/** Every live principal by id, for naming members in the plan. */
function liveMemberNames(live: LiveState): Map<string, { name: string; handle: PrincipalHandle }> {
  const names = new Map<string, { name: string; handle: PrincipalHandle }>();
  for (const u of live.users) names.set(u.id, { name: u.userName, handle: { type: 'user', userName: u.userName, id: u.id } });
  for (const sp of live.servicePrincipals)
    names.set(sp.id, {
      name: sp.displayName,
      handle: { type: 'servicePrincipal', displayName: sp.displayName, applicationId: sp.applicationId, id: sp.id },
    });
  for (const g of live.groups) names.set(g.id, { name: g.displayName, handle: { type: 'group', displayName: g.displayName, id: g.id } });
  return names;
}

export function principalName(handle: PrincipalHandle): string {
  return handle.type === 'user' ? handle.userName : handle.displayName;
}

/** Key of a handle in the executor's id registry. */
export function handleKey(handle: PrincipalHandle): string {
  if (handle.type === 'user') return userKey(handle.userName);
  if (handle.type === 'servicePrincipal') return servicePrincipalKey(handle.displayName);
  return `group:${handle.displayName.toLowerCase()}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
