/**
 * Workspace SCIM (reference §1): a view of the account principals visible in
 * one workspace, plus its two system groups. The only thing it writes is
 * entitlements; names and memberships belong to the account. System groups
 * follow the new entitlement model: their entitlements are fixed.
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { route, type SimulatorContext } from './pipeline.js';
import {
  meResource,
  workspaceGroup,
  workspaceServicePrincipal,
  workspaceSystemGroup,
  workspaceUser,
} from './resources.js';
import { complexValues, listResponse, parseListQuery, parseProjection, project, readPatch, ScimError, type PatchOperation } from './scim.js';
import type { AccountPrincipal, SimulatorState, SystemGroup } from './state.js';

const PREFIX = '*/api/2.0/preview/scim/v2';

/** Reference §1.6. */
export const WORKSPACE_ENTITLEMENTS: readonly string[] = [
  'workspace-access',
  'databricks-sql-access',
  'allow-cluster-create',
  'allow-instance-pool-create',
  'workspace-consume',
];

type Kind = AccountPrincipal['kind'];
const LABEL: Record<Kind, string> = { group: 'group', user: 'user', servicePrincipal: 'service principal' };

export function workspaceScimHandlers(ctx: SimulatorContext): HttpHandler[] {
  const { state } = ctx;
  const spec = { family: 'workspace-scim', workspaceFrom: 'header', authenticate: true } as const;
  const fresh = (principal: AccountPrincipal) => ctx.now() - principal.createdAt < ctx.faults.listLagMs;
  const visible = <K extends Kind>(workspaceId: string, kind: K): Extract<AccountPrincipal, { kind: K }>[] =>
    [...state.groups, ...state.users, ...state.servicePrincipals].filter(
      (p): p is Extract<AccountPrincipal, { kind: K }> => p.kind === kind && !fresh(p) && state.isVisible(workspaceId, p.id),
    );
  /** The visible principal of that kind, or 404: invisible principals do not exist for this workspace. */
  const find = <K extends Kind>(workspaceId: string, kind: K, id: string): Extract<AccountPrincipal, { kind: K }> => {
    const principal = state.principal(id);
    if (principal?.kind !== kind || !state.isVisible(workspaceId, id)) {
      throw new ScimError(404, `${capitalise(LABEL[kind])} with id ${id} not found in this workspace.`);
    }
    return principal as Extract<AccountPrincipal, { kind: K }>;
  };
  const systemGroupIn = (workspaceId: string, id: string): SystemGroup | undefined => {
    const group = state.systemGroupById(id);
    return group?.workspaceId === workspaceId ? group : undefined;
  };

  return [
    route(ctx, 'get', `${PREFIX}/Groups`, spec, ({ url, workspaceId }) => {
      const query = parseListQuery(url, ctx.maxPageSize, ['displayName', 'externalId', 'id']);
      const systemGroups = (['users', 'admins'] as const).map((name) => workspaceSystemGroup(state, state.systemGroup(workspaceId!, name)));
      const groups = visible(workspaceId!, 'group').map((group) => workspaceGroup(state, workspaceId!, group));
      return listResponse([...systemGroups, ...groups], query);
    }),
    route(ctx, 'get', `${PREFIX}/Groups/:id`, spec, ({ url, params, workspaceId }) => {
      const system = systemGroupIn(workspaceId!, params.id!);
      const resource = system ? workspaceSystemGroup(state, system) : workspaceGroup(state, workspaceId!, find(workspaceId!, 'group', params.id!));
      return HttpResponse.json(project(resource, parseProjection(url)));
    }),
    route(ctx, 'get', `${PREFIX}/Users`, spec, ({ url, workspaceId }) => {
      const query = parseListQuery(url, ctx.maxPageSize, ['userName', 'displayName', 'externalId', 'id']);
      return listResponse(visible(workspaceId!, 'user').map((user) => workspaceUser(state, workspaceId!, user)), query);
    }),
    route(ctx, 'get', `${PREFIX}/Users/:id`, spec, ({ url, params, workspaceId }) =>
      HttpResponse.json(project(workspaceUser(state, workspaceId!, find(workspaceId!, 'user', params.id!)), parseProjection(url))),
    ),
    route(ctx, 'get', `${PREFIX}/ServicePrincipals`, spec, ({ url, workspaceId }) => {
      const query = parseListQuery(url, ctx.maxPageSize, ['applicationId', 'displayName', 'externalId', 'id']);
      return listResponse(visible(workspaceId!, 'servicePrincipal').map((sp) => workspaceServicePrincipal(state, workspaceId!, sp)), query);
    }),
    route(ctx, 'get', `${PREFIX}/ServicePrincipals/:id`, spec, ({ url, params, workspaceId }) =>
      HttpResponse.json(
        project(workspaceServicePrincipal(state, workspaceId!, find(workspaceId!, 'servicePrincipal', params.id!)), parseProjection(url)),
      ),
    ),
    // Every accepted credential belongs to the controller service principal.
    route(ctx, 'get', `${PREFIX}/Me`, spec, ({ url, workspaceId }) => {
      const controller = state.principal(state.controller.id);
      if (controller?.kind !== 'servicePrincipal') throw new ScimError(404, 'The caller no longer exists.');
      return HttpResponse.json(project(meResource(state, workspaceId!, controller), parseProjection(url)));
    }),
    route(ctx, 'patch', `${PREFIX}/Groups/:id`, spec, async ({ request, params, workspaceId }) => {
      const system = systemGroupIn(workspaceId!, params.id!);
      if (system) rejectSystemGroupPatch(system, await readPatch(request));
      const group = find(workspaceId!, 'group', params.id!);
      patchEntitlements(state, workspaceId!, group, await readPatch(request));
      return new HttpResponse(null, { status: 204 });
    }),
    route(ctx, 'patch', `${PREFIX}/Users/:id`, spec, async ({ request, params, workspaceId }) => {
      patchEntitlements(state, workspaceId!, find(workspaceId!, 'user', params.id!), await readPatch(request));
      return new HttpResponse(null, { status: 204 });
    }),
    route(ctx, 'patch', `${PREFIX}/ServicePrincipals/:id`, spec, async ({ request, params, workspaceId }) => {
      patchEntitlements(state, workspaceId!, find(workspaceId!, 'servicePrincipal', params.id!), await readPatch(request));
      return new HttpResponse(null, { status: 204 });
    }),
  ];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Always throws: the new entitlement model owns `users` and `admins`. */
function rejectSystemGroupPatch(group: SystemGroup, operations: PatchOperation[]): never {
  const touchesMembers = operations.some((op) => op.path?.toLowerCase().startsWith('members'));
  if (touchesMembers) {
    throw new ScimError(
      400,
      `The system group '${group.displayName}' cannot gain or lose members through SCIM: its membership follows workspace assignments.`,
      'mutability',
    );
  }
  throw new ScimError(
    400,
    `The entitlements of the system group '${group.displayName}' are fixed by the workspace entitlement model and cannot be changed.`,
    'mutability',
  );
}

/** Applies the operations to a draft entitlement set and stores it only if every operation is valid. */
function patchEntitlements(state: SimulatorState, workspaceId: string, principal: AccountPrincipal, operations: PatchOperation[]): void {
  let entitlements = state.entitlements(workspaceId, principal.id);
  for (const operation of operations) {
    const { op, path } = operation;
    let value = operation.value;
    let target = path?.toLowerCase();
    if (target === undefined && typeof value === 'object' && value !== null && !Array.isArray(value) && 'entitlements' in value) {
      target = 'entitlements';
      value = (value as { entitlements: unknown }).entitlements;
    }
    if (target !== 'entitlements') {
      if (target?.startsWith('entitlements')) throw new ScimError(400, `Unsupported path: ${path}`, 'invalidPath');
      throw new ScimError(
        400,
        `${capitalise(LABEL[principal.kind])} ${path ?? 'attributes'} are managed at the account level; only entitlements can be changed in a workspace.`,
        'mutability',
      );
    }
    if (value === null) throw new ScimError(400, `Error in performing the patch operation on ${LABEL[principal.kind]} resource.`);
    if (op === 'remove') {
      if (entitlements.length === 0) {
        throw new ScimError(400, 'No such attribute with the name : entitlements in the current resource', 'invalidPath');
      }
      if (value === undefined) entitlements = [];
      else {
        const removed = new Set(entitlementValues(value, true));
        entitlements = entitlements.filter((entitlement) => !removed.has(entitlement));
      }
    } else if (op === 'add') {
      entitlements = [...new Set([...entitlements, ...entitlementValues(value, false)])];
    } else {
      // `[{"value":""}]` is how clients say "none" (null is refused above).
      entitlements = [...new Set(entitlementValues(value, true))];
    }
  }
  state.setEntitlements(workspaceId, principal.id, entitlements);
}

function entitlementValues(value: unknown, allowEmpty: boolean): string[] {
  const values = complexValues(value);
  if (!values) throw new ScimError(400, 'entitlements must be a list of {"value": "<entitlement>"}.', 'invalidValue');
  const nonEmpty = values.filter((entry) => entry !== '');
  if (!allowEmpty && nonEmpty.length !== values.length) throw new ScimError(400, 'An entitlement value cannot be empty.', 'invalidValue');
  const unknown = nonEmpty.find((entry) => !WORKSPACE_ENTITLEMENTS.includes(entry));
  if (unknown !== undefined) {
    throw new ScimError(400, `Invalid entitlement value: ${unknown}. Valid values: ${WORKSPACE_ENTITLEMENTS.join(', ')}.`, 'invalidValue');
  }
  return nonEmpty;
}
