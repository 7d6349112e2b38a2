/**
 * Account SCIM (reference §2.1): the source of truth for principals and
 * group membership. Lists never carry group members (current Databricks
 * behaviour), entitlements are refused, PATCH and DELETE answer 204.
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { z } from 'zod';
import { route, type RouteInput, type SimulatorContext } from './pipeline.js';
import { accountGroup, accountServicePrincipal, accountUser } from './resources.js';
import {
  complexValues,
  listResponse,
  memberFilterPath,
  parseListQuery,
  parseProjection,
  project,
  readJson,
  readPatch,
  ScimError,
  type PatchOperation,
  type ScimResource,
} from './scim.js';
import type { AccountGroup, AccountPrincipal, AccountServicePrincipal, AccountUser, SimulatorState } from './state.js';

const PREFIX = '*/api/2.0/accounts/:accountId/scim/v2';
const ENTITLEMENTS_REFUSED = 'entitlements can only be managed at the workspace level';

const memberList = z.array(z.looseObject({ value: z.string() }));
const groupBody = z.looseObject({ displayName: z.string().min(1), externalId: z.string().optional(), members: memberList.optional() });
const userBody = z.looseObject({
  userName: z.string().min(1),
  displayName: z.string().optional(),
  active: z.boolean().optional(),
  externalId: z.string().optional(),
  name: z.looseObject({ givenName: z.string().optional(), familyName: z.string().optional() }).optional(),
});
const servicePrincipalBody = z
  .looseObject({
    displayName: z.string().min(1).optional(),
    applicationId: z.string().min(1).optional(),
    active: z.boolean().optional(),
    externalId: z.string().optional(),
  })
  .refine((body) => body.displayName !== undefined || body.applicationId !== undefined, 'displayName or applicationId is required');

async function parseBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const raw = await readJson(request);
  if (typeof raw === 'object' && raw !== null && 'entitlements' in raw) throw new ScimError(400, ENTITLEMENTS_REFUSED, 'invalidValue');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScimError(400, `Invalid request: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body'}`, 'invalidValue');
  }
  return parsed.data;
}

function notFound(kind: string, id: string): ScimError {
  return new ScimError(404, `${kind} with id ${id} not found.`);
}

/** Optional fields are copied only when present: `exactOptionalPropertyTypes` forbids explicit undefined. */
function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

export function accountScimHandlers(ctx: SimulatorContext): HttpHandler[] {
  const { state } = ctx;
  const spec = { family: 'account-scim', authenticate: true } as const;
  const listed = <T extends AccountPrincipal>(items: T[]) => items.filter((item) => ctx.now() - item.createdAt >= ctx.faults.listLagMs);

  const find = <K extends AccountPrincipal['kind']>(kind: K, label: string, id: string): Extract<AccountPrincipal, { kind: K }> => {
    const principal = state.principal(id);
    if (principal?.kind !== kind) throw notFound(label, id);
    return principal as Extract<AccountPrincipal, { kind: K }>;
  };
  const get = (input: RouteInput, resource: ScimResource) => HttpResponse.json(project(resource, parseProjection(input.url)));
  const created = (resource: ScimResource) => HttpResponse.json(resource, { status: 201 });
  const noContent = () => new HttpResponse(null, { status: 204 });

  return [
    // ---- Groups
    route(ctx, 'get', `${PREFIX}/Groups`, spec, ({ url }) => {
      const query = parseListQuery(url, ctx.maxPageSize, ['displayName', 'externalId', 'id']);
      return listResponse(listed(state.groups).map((group) => accountGroup(state, group, false)), query);
    }),
    route(ctx, 'get', `${PREFIX}/Groups/:id`, spec, (input) => get(input, accountGroup(state, find('group', 'Group', input.params.id!), true))),
    route(ctx, 'post', `${PREFIX}/Groups`, spec, async ({ request }) => {
      const body = await parseBody(request, groupBody);
      const members = (body.members ?? []).map((m) => m.value);
      const group = state.createGroup({ displayName: body.displayName, members, ...defined({ externalId: body.externalId }) });
      return created(accountGroup(state, group, true));
    }),
    route(ctx, 'put', `${PREFIX}/Groups/:id`, spec, async ({ request, params }) => {
      const group = find('group', 'Group', params.id!);
      const body = await parseBody(request, groupBody);
      renameGroup(state, group, body.displayName);
      const members = (body.members ?? []).map((m) => m.value);
      checkMembers(state, group.id, members);
      if (body.externalId === undefined) delete group.externalId;
      else group.externalId = body.externalId;
      for (const id of state.members(group.id)) state.removeMember(group.id, id);
      for (const id of members) state.addMember(group.id, id);
      return HttpResponse.json(accountGroup(state, group, true));
    }),
    route(ctx, 'patch', `${PREFIX}/Groups/:id`, spec, async ({ request, params }) => {
      const group = find('group', 'Group', params.id!);
      patchGroup(state, group, await readPatch(request));
      return noContent();
    }),
    route(ctx, 'delete', `${PREFIX}/Groups/:id`, spec, ({ params }) => {
      state.deletePrincipal(find('group', 'Group', params.id!).id);
      return noContent();
    }),

    // ---- Users
    route(ctx, 'get', `${PREFIX}/Users`, spec, ({ url }) => {
      const query = parseListQuery(url, ctx.maxPageSize, ['userName', 'displayName', 'externalId', 'id']);
      return listResponse(listed(state.users).map(accountUser), query);
    }),
    route(ctx, 'get', `${PREFIX}/Users/:id`, spec, (input) => get(input, accountUser(find('user', 'User', input.params.id!)))),
    route(ctx, 'post', `${PREFIX}/Users`, spec, async ({ request }) => {
      const body = await parseBody(request, userBody);
      const user = state.createUser({
        userName: body.userName,
        ...defined({
          displayName: body.displayName,
          givenName: body.name?.givenName,
          familyName: body.name?.familyName,
          active: body.active,
          externalId: body.externalId,
        }),
      });
      return created(accountUser(user));
    }),
    route(ctx, 'patch', `${PREFIX}/Users/:id`, spec, async ({ request, params }) => {
      patchUserOrServicePrincipal(find('user', 'User', params.id!), await readPatch(request));
      return noContent();
    }),
    route(ctx, 'delete', `${PREFIX}/Users/:id`, spec, ({ params }) => {
      state.deletePrincipal(find('user', 'User', params.id!).id);
      return noContent();
    }),

    // ---- ServicePrincipals
    route(ctx, 'get', `${PREFIX}/ServicePrincipals`, spec, ({ url }) => {
      const query = parseListQuery(url, ctx.maxPageSize, ['applicationId', 'displayName', 'externalId', 'id']);
      return listResponse(listed(state.servicePrincipals).map(accountServicePrincipal), query);
    }),
    route(ctx, 'get', `${PREFIX}/ServicePrincipals/:id`, spec, (input) =>
      get(input, accountServicePrincipal(find('servicePrincipal', 'Service principal', input.params.id!))),
    ),
    route(ctx, 'post', `${PREFIX}/ServicePrincipals`, spec, async ({ request }) => {
      const body = await parseBody(request, servicePrincipalBody);
      const sp = state.createServicePrincipal(
        defined({ displayName: body.displayName, applicationId: body.applicationId, active: body.active, externalId: body.externalId }),
      );
      return created(accountServicePrincipal(sp));
    }),
    route(ctx, 'patch', `${PREFIX}/ServicePrincipals/:id`, spec, async ({ request, params }) => {
      patchUserOrServicePrincipal(find('servicePrincipal', 'Service principal', params.id!), await readPatch(request));
      return noContent();
    }),
    route(ctx, 'delete', `${PREFIX}/ServicePrincipals/:id`, spec, ({ params }) => {
      state.deletePrincipal(find('servicePrincipal', 'Service principal', params.id!).id);
      return noContent();
    }),
  ];
}

function renameGroup(state: SimulatorState, group: AccountGroup, displayName: string): void {
  const clash = state.findGroup(displayName);
  const reserved = ['users', 'admins'].includes(displayName.toLowerCase());
  if ((clash && clash.id !== group.id) || reserved) throw new ScimError(409, `Group with name ${displayName} already exists.`, 'uniqueness');
  group.displayName = displayName;
}

function checkMembers(state: SimulatorState, groupId: string, memberIds: readonly string[]): void {
  for (const id of memberIds) {
    if (state.systemGroupById(id)) throw new ScimError(400, `System groups cannot be nested: ${id} is a workspace system group.`, 'invalidValue');
    if (!state.principal(id)) throw new ScimError(400, `Member ${id} does not exist.`, 'invalidValue');
    if (id === groupId) throw new ScimError(400, `A group cannot be a member of itself: ${id}`, 'invalidValue');
  }
}

function refuseEntitlements(path: string | undefined, value: unknown): void {
  const inValue = typeof value === 'object' && value !== null && !Array.isArray(value) && 'entitlements' in value;
  if (path?.toLowerCase().startsWith('entitlements') || inValue) throw new ScimError(400, ENTITLEMENTS_REFUSED, 'invalidValue');
}

/** Validates every operation against a draft, then applies all or nothing. */
function patchGroup(state: SimulatorState, group: AccountGroup, operations: PatchOperation[]): void {
  let members = state.members(group.id);
  let displayName = group.displayName;
  let externalId = group.externalId;
  const memberIds = (value: unknown): string[] => {
    const ids = complexValues(value);
    if (!ids) throw new ScimError(400, 'members must be a list of {"value": "<id>"}.', 'invalidValue');
    checkMembers(state, group.id, ids);
    return ids;
  };

  for (const { op, path, value } of operations) {
    refuseEntitlements(path, value);
    const removedId = path ? memberFilterPath(path) : undefined;
    if (op === 'remove' && removedId !== undefined) {
      members = members.filter((id) => id !== removedId);
    } else if (path === 'members') {
      if (op === 'add') members = [...new Set([...members, ...memberIds(value)])];
      else if (op === 'replace') members = [...new Set(memberIds(value))];
      else if (value === undefined) members = [];
      else {
        const removed = new Set(memberIds(value));
        members = members.filter((id) => !removed.has(id));
      }
    } else if ((path === 'displayName' || path === 'externalId') && op !== 'remove') {
      if (typeof value !== 'string' || value === '') throw new ScimError(400, `${path} must be a non-empty string.`, 'invalidValue');
      if (path === 'displayName') displayName = value;
      else externalId = value;
    } else if (path === undefined && op !== 'remove' && typeof value === 'object' && value !== null) {
      const fields = value as Record<string, unknown>;
      if (typeof fields.displayName === 'string') displayName = fields.displayName;
      if (typeof fields.externalId === 'string') externalId = fields.externalId;
      if (fields.members !== undefined) members = op === 'add' ? [...new Set([...members, ...memberIds(fields.members)])] : memberIds(fields.members);
    } else {
      throw new ScimError(400, `Unsupported ${op} on path ${path ?? '(none)'} for an account group.`, 'invalidPath');
    }
  }

  if (displayName !== group.displayName) renameGroup(state, group, displayName);
  if (externalId !== undefined) group.externalId = externalId;
  for (const id of state.members(group.id)) if (!members.includes(id)) state.removeMember(group.id, id);
  for (const id of members) state.addMember(group.id, id);
}

/** TF deactivates with `[{"value":"false"}]`; the RFC form is a plain boolean. Accept both. */
function booleanValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : complexValues(value)?.[0];
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

function patchUserOrServicePrincipal(principal: AccountUser | AccountServicePrincipal, operations: PatchOperation[]): void {
  const updates: (() => void)[] = [];
  for (const { op, path, value } of operations) {
    refuseEntitlements(path, value);
    if (op === 'remove' || path === undefined) throw new ScimError(400, `Unsupported ${op} on path ${path ?? '(none)'}.`, 'invalidPath');
    if (path === 'active') {
      const active = booleanValue(value);
      if (active === undefined) throw new ScimError(400, 'active must be a boolean.', 'invalidValue');
      updates.push(() => (principal.active = active));
    } else if (path === 'displayName' || path === 'externalId') {
      if (typeof value !== 'string') throw new ScimError(400, `${path} must be a string.`, 'invalidValue');
      updates.push(() => (principal[path] = value));
    } else if (path === 'userName' || path === 'applicationId') {
      // Immutable identifiers: Databricks ignores changes rather than failing.
    } else {
      throw new ScimError(400, `Unsupported ${op} on path ${path}.`, 'invalidPath');
    }
  }
  for (const update of updates) update();
}
