/**
 * How state records look on the wire (reference §1.3, §2.1). Account models
 * carry no entitlements and no `groups`; the workspace view adds both, and
 * empty multi-valued attributes are omitted rather than sent as `[]`.
 */
import {
  GROUP_SCHEMA,
  SERVICE_PRINCIPAL_SCHEMA,
  USER_SCHEMA,
  WORKSPACE_USER_SCHEMA,
  type ScimResource,
} from './scim.js';
import type { AccountGroup, AccountPrincipal, AccountServicePrincipal, AccountUser, SimulatorState, SystemGroup } from './state.js';

const REF_PREFIX = { group: 'Groups', user: 'Users', servicePrincipal: 'ServicePrincipals' } as const;

export function principalDisplay(principal: AccountPrincipal): string {
  if (principal.kind === 'user') return principal.displayName ?? principal.userName;
  return principal.displayName;
}

function memberRefs(state: SimulatorState, memberIds: readonly string[]): Record<string, string>[] {
  return memberIds.flatMap((id) => {
    const member = state.principal(id);
    return member ? [{ value: id, display: principalDisplay(member), $ref: `${REF_PREFIX[member.kind]}/${id}` }] : [];
  });
}

function withOptional(resource: ScimResource, key: string, value: unknown): ScimResource {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return resource;
  return { ...resource, [key]: value };
}

// ---- account view ------------------------------------------------------------------

export function accountGroup(state: SimulatorState, group: AccountGroup, withMembers: boolean): ScimResource {
  let resource: ScimResource = { schemas: [GROUP_SCHEMA], id: group.id, displayName: group.displayName };
  resource = withOptional(resource, 'externalId', group.externalId);
  if (withMembers) resource = withOptional(resource, 'members', memberRefs(state, state.members(group.id)));
  return { ...resource, meta: { resourceType: 'Group' } };
}

export function accountUser(user: AccountUser): ScimResource {
  let resource: ScimResource = { schemas: [USER_SCHEMA], id: user.id, userName: user.userName };
  resource = withOptional(resource, 'displayName', user.displayName);
  resource = { ...resource, active: user.active, emails: [{ value: user.userName, type: 'work', primary: true }] };
  const name: Record<string, string> = {};
  if (user.givenName !== undefined) name.givenName = user.givenName;
  if (user.familyName !== undefined) name.familyName = user.familyName;
  if (Object.keys(name).length > 0) resource = { ...resource, name };
  resource = withOptional(resource, 'externalId', user.externalId);
  return { ...resource, meta: { resourceType: 'User' } };
}

export function accountServicePrincipal(sp: AccountServicePrincipal): ScimResource {
  let resource: ScimResource = {
    schemas: [SERVICE_PRINCIPAL_SCHEMA],
    id: sp.id,
    applicationId: sp.applicationId,
    displayName: sp.displayName,
    active: sp.active,
  };
  resource = withOptional(resource, 'externalId', sp.externalId);
  return { ...resource, meta: { resourceType: 'ServicePrincipal' } };
}

// ---- workspace view -------------------------------------------------------------------

function entitlementValues(state: SimulatorState, workspaceId: string, id: string): { value: string }[] {
  return state.entitlements(workspaceId, id).map((value) => ({ value }));
}

/** System groups' members are implicit: every visible user/SP for `users`, ADMIN assignees for `admins`. */
export function systemGroupMemberIds(state: SimulatorState, group: SystemGroup): string[] {
  if (group.displayName === 'admins') {
    return state
      .assignments(group.workspaceId)
      .filter((assignment) => assignment.permissions.includes('ADMIN'))
      .map((assignment) => assignment.principalId);
  }
  return [...state.users, ...state.servicePrincipals]
    .filter((principal) => state.isVisible(group.workspaceId, principal.id))
    .map((principal) => principal.id);
}

export function workspaceSystemGroup(state: SimulatorState, group: SystemGroup): ScimResource {
  let resource: ScimResource = { schemas: [GROUP_SCHEMA], id: group.id, displayName: group.displayName };
  resource = withOptional(resource, 'members', memberRefs(state, systemGroupMemberIds(state, group)));
  resource = withOptional(resource, 'entitlements', entitlementValues(state, group.workspaceId, group.id));
  return { ...resource, meta: { resourceType: 'WorkspaceGroup' } };
}

export function workspaceGroup(state: SimulatorState, workspaceId: string, group: AccountGroup): ScimResource {
  const { meta, ...base } = accountGroup(state, group, true);
  return { ...withOptional(base as ScimResource, 'entitlements', entitlementValues(state, workspaceId, group.id)), meta };
}

function parentGroupRefs(state: SimulatorState, workspaceId: string, id: string): Record<string, string>[] {
  return state
    .parentGroups(id)
    .filter((group) => state.isVisible(workspaceId, group.id))
    .map((group) => ({ value: group.id, display: group.displayName, $ref: `Groups/${group.id}`, type: 'direct' }));
}

export function workspaceUser(state: SimulatorState, workspaceId: string, user: AccountUser): ScimResource {
  const { meta, ...base } = accountUser(user);
  let resource: ScimResource = { ...(base as ScimResource), schemas: [USER_SCHEMA, WORKSPACE_USER_SCHEMA] };
  resource = withOptional(resource, 'entitlements', entitlementValues(state, workspaceId, user.id));
  resource = withOptional(resource, 'groups', parentGroupRefs(state, workspaceId, user.id));
  return { ...resource, meta };
}

export function workspaceServicePrincipal(state: SimulatorState, workspaceId: string, sp: AccountServicePrincipal): ScimResource {
  const { meta, ...base } = accountServicePrincipal(sp);
  let resource = withOptional(base as ScimResource, 'entitlements', entitlementValues(state, workspaceId, sp.id));
  resource = withOptional(resource, 'groups', parentGroupRefs(state, workspaceId, sp.id));
  return { ...resource, meta };
}

/** `/Me` answers in the User shape even for a service principal, whose userName is its application id. */
export function meResource(state: SimulatorState, workspaceId: string, sp: AccountServicePrincipal): ScimResource {
  let resource: ScimResource = {
    schemas: [USER_SCHEMA, WORKSPACE_USER_SCHEMA],
    id: sp.id,
    userName: sp.applicationId,
    displayName: sp.displayName,
    active: sp.active,
  };
  resource = withOptional(resource, 'entitlements', entitlementValues(state, workspaceId, sp.id));
  resource = withOptional(resource, 'groups', [
    ...parentGroupRefs(state, workspaceId, sp.id),
    ...(state.assignments(workspaceId).some((a) => a.principalId === sp.id && a.permissions.includes('ADMIN'))
      ? [{ value: state.systemGroup(workspaceId, 'admins').id, display: 'admins', $ref: `Groups/${state.systemGroup(workspaceId, 'admins').id}`, type: 'direct' }]
      : []),
  ]);
  return { ...resource, meta: { resourceType: 'User' } };
}
