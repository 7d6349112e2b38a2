/**
 * Unity Catalog access over HTTP: direct grants (reference §4.5) and
 * workspace bindings (§4.6, both the `bindings/{type}/{name}` API and the
 * old catalogs-only `workspace-bindings` API).
 *
 * Choices where the reference is silent: `PRINCIPAL_DOES_NOT_EXIST` answers
 * HTTP 400; grants on an isolated securable are refused (403) from an unbound
 * workspace like any other read; binding APIs are not, so a caller that
 * isolated a catalog away from itself can still bind its workspace.
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { z } from 'zod';
import { route, type SimulatorContext } from './pipeline.js';
import { catalogOf, requireAccess, UC_PREFIX } from './unity-catalog.js';
import type { PrivilegeAssignment } from './uc-grants.js';
import { grantsPageSize, invalid, jsonResponse, listPageSize, paginate, pageResponse, readBody } from './uc-http.js';
import { SECURABLE_TYPES, type SecurableType } from './uc-privileges.js';
import type { BindableType, BindingType, UcBinding } from './uc-types.js';

const BINDABLE: readonly BindableType[] = ['catalog', 'external_location', 'storage_credential'];

const permissionsUpdate = z.looseObject({
  changes: z
    .array(
      z.looseObject({
        principal: z.string().min(1),
        add: z.array(z.string()).optional(),
        remove: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  omit_permissions_in_response: z.boolean().optional(),
});

// Workspace ids are int64 JSON numbers on the wire, read as decimal strings (see INT64) so ids above 2^53 keep every digit.
const workspaceId = z.string().regex(/^[1-9]\d*$/, 'expected a positive int64 workspace id');
const INT64 = { int64Keys: ['workspace_id', 'workspaces', 'assign_workspaces', 'unassign_workspaces'] } as const;
const bindingsUpdate = z.looseObject({
  add: z
    .array(z.looseObject({ workspace_id: workspaceId, binding_type: z.enum(['BINDING_TYPE_READ_WRITE', 'BINDING_TYPE_READ_ONLY']).optional() }))
    .optional(),
  remove: z.array(z.looseObject({ workspace_id: workspaceId })).optional(),
});
const legacyBindingsUpdate = z.looseObject({
  assign_workspaces: z.array(workspaceId).optional(),
  unassign_workspaces: z.array(workspaceId).optional(),
});

function securableType(raw: string): SecurableType {
  const type = SECURABLE_TYPES.find((candidate) => candidate === raw);
  if (!type) throw invalid(`Securable type '${raw}' is not supported; use one of ${SECURABLE_TYPES.join(', ')}.`);
  return type;
}
function bindableType(raw: string): BindableType {
  const type = BINDABLE.find((candidate) => candidate === raw);
  if (!type) throw invalid(`Securable type '${raw}' cannot have workspace bindings; use one of ${BINDABLE.join(', ')}.`);
  return type;
}

function assignmentsBody(assignments: PrivilegeAssignment[], nextPageToken?: string): Record<string, unknown> {
  // No grants ⇒ `{}` (observed, TF#3261), not an empty array.
  const body: Record<string, unknown> = assignments.length > 0 ? { privilege_assignments: assignments } : {};
  if (nextPageToken !== undefined) body.next_page_token = nextPageToken;
  return body;
}
function bindingJson(binding: UcBinding): Record<string, unknown> {
  return { workspace_id: binding.workspaceId, binding_type: binding.bindingType };
}
/** Keyset order of decimal ids must be numeric, so pad them. */
const bindingKey = (binding: UcBinding) => binding.workspaceId.padStart(20, '0');

export function unityCatalogAccessHandlers(ctx: SimulatorContext, pageSize: number): HttpHandler[] {
  const uc = ctx.state.uc;
  const spec = { family: 'unity-catalog', workspaceFrom: 'header', authenticate: true } as const;
  /** Isolation applies to grants too; a schema follows its catalog. */
  const checkAccess = (type: SecurableType, fullName: string, workspace: string) => {
    if (type === 'catalog' || type === 'external_location' || type === 'storage_credential') requireAccess(ctx, type, fullName, workspace);
    if (type === 'schema') requireAccess(ctx, 'catalog', catalogOf(fullName), workspace);
  };

  return [
    route(ctx, 'get', `${UC_PREFIX}/permissions/:securableType/:fullName`, spec, ({ url, params, workspaceId: ws }) => {
      const type = securableType(params.securableType!);
      checkAccess(type, params.fullName!, ws!);
      const size = grantsPageSize(url, pageSize);
      const canonical = uc.requireSecurable(type, params.fullName!);
      const principal = url.searchParams.get('principal')?.toLowerCase();
      const all = uc.grants(type, canonical).filter((a) => principal === undefined || a.principal.toLowerCase() === principal);
      const page = paginate(url, all, (a) => a.principal.toLowerCase(), size);
      return HttpResponse.json(assignmentsBody(page.items, page.nextPageToken));
    }),
    route(ctx, 'patch', `${UC_PREFIX}/permissions/:securableType/:fullName`, spec, async ({ request, params, workspaceId: ws }) => {
      const type = securableType(params.securableType!);
      checkAccess(type, params.fullName!, ws!);
      const body = await readBody(request, permissionsUpdate);
      const changes = (body.changes ?? []).map((change) => ({ principal: change.principal, add: change.add ?? [], remove: change.remove ?? [] }));
      const assignments = uc.updatePermissions(type, params.fullName!, changes);
      return HttpResponse.json(body.omit_permissions_in_response ? {} : assignmentsBody(assignments));
    }),

    route(ctx, 'get', `${UC_PREFIX}/bindings/:securableType/:name`, spec, ({ url, params }) => {
      const type = bindableType(params.securableType!);
      const canonical = uc.requireSecurable(type, params.name!);
      const page = paginate(url, uc.bindings(canonical, type), bindingKey, listPageSize(url, pageSize));
      return pageResponse('bindings', page, bindingJson, INT64);
    }),
    route(ctx, 'patch', `${UC_PREFIX}/bindings/:securableType/:name`, spec, async ({ request, params }) => {
      const type = bindableType(params.securableType!);
      const body = await readBody(request, bindingsUpdate, INT64);
      const bindings = uc.updateBindings(type, params.name!, {
        add: (body.add ?? []).map((b) => ({ workspaceId: b.workspace_id, bindingType: b.binding_type ?? 'BINDING_TYPE_READ_WRITE' })),
        remove: (body.remove ?? []).map((b) => b.workspace_id),
      });
      return jsonResponse(bindings.length > 0 ? { bindings: bindings.map(bindingJson) } : {}, INT64);
    }),

    route(ctx, 'get', `${UC_PREFIX}/workspace-bindings/catalogs/:name`, spec, ({ params }) => {
      const canonical = uc.requireSecurable('catalog', params.name!);
      return jsonResponse(legacyBody(uc.bindings(canonical)), INT64);
    }),
    route(ctx, 'patch', `${UC_PREFIX}/workspace-bindings/catalogs/:name`, spec, async ({ request, params }) => {
      const body = await readBody(request, legacyBindingsUpdate, INT64);
      const canonical = uc.requireSecurable('catalog', params.name!);
      // The old API knows no binding types: assigning keeps a workspace's existing type.
      const current = new Map(uc.bindings(canonical).map((b) => [b.workspaceId, b.bindingType] as [string, BindingType]));
      const bindings = uc.updateBindings('catalog', canonical, {
        add: (body.assign_workspaces ?? []).map((id) => ({ workspaceId: id, bindingType: current.get(id) ?? 'BINDING_TYPE_READ_WRITE' })),
        remove: body.unassign_workspaces ?? [],
      });
      return jsonResponse(legacyBody(bindings), INT64);
    }),
  ];
}

function legacyBody(bindings: UcBinding[]): Record<string, unknown> {
  return bindings.length > 0 ? { workspaces: bindings.map((b) => b.workspaceId) } : {};
}
