/**
 * Workspace permission assignments at account level (reference §2.2): the
 * only way an account principal becomes a member of a workspace. Principal
 * ids travel as JSON numbers here, unlike SCIM.
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { ApiError, route, type SimulatorContext } from './pipeline.js';
import { readJson } from './scim.js';
import type { AccountPrincipal, WorkspaceAssignment, WorkspacePermission } from './state.js';

const PREFIX = '*/api/2.0/accounts/:accountId/workspaces/:workspaceId/permissionassignments';
const PERMISSIONS: readonly WorkspacePermission[] = ['USER', 'ADMIN'];

function principalInfo(principal: AccountPrincipal): Record<string, unknown> {
  const base = { principal_id: Number(principal.id) };
  switch (principal.kind) {
    case 'group':
      return { ...base, display_name: principal.displayName, group_name: principal.displayName };
    case 'user':
      return { ...base, display_name: principal.displayName ?? principal.userName, user_name: principal.userName };
    case 'servicePrincipal':
      // The service principal's name in this API is its application id.
      return { ...base, display_name: principal.displayName, service_principal_name: principal.applicationId };
  }
}

export function assignmentHandlers(ctx: SimulatorContext): HttpHandler[] {
  const { state } = ctx;
  const spec = { family: 'workspace-assignment', workspaceFrom: 'param', authenticate: true } as const;
  const render = (assignment: WorkspaceAssignment) => {
    const principal = state.principal(assignment.principalId);
    return principal ? { principal: principalInfo(principal), permissions: [...assignment.permissions] } : undefined;
  };

  return [
    route(ctx, 'get', PREFIX, spec, ({ workspaceId }) => {
      const settled = state.assignments(workspaceId!).filter((a) => ctx.now() - a.assignedAt >= ctx.faults.listLagMs);
      return HttpResponse.json({ permission_assignments: settled.flatMap((a) => render(a) ?? []) });
    }),
    route(ctx, 'get', `${PREFIX}/permissions`, spec, () =>
      HttpResponse.json({
        permissions: [
          { permission_level: 'USER', description: 'Can access the workspace.' },
          { permission_level: 'ADMIN', description: 'Can access the workspace and has workspace admin privileges.' },
        ],
      }),
    ),
    route(ctx, 'put', `${PREFIX}/principals/:principalId`, spec, async ({ request, params, workspaceId }) => {
      const body = await readJson(request).catch(() => {
        throw new ApiError(400, 'MALFORMED_REQUEST', 'Request body is not valid JSON.');
      });
      const permissions = (body as { permissions?: unknown } | null)?.permissions;
      if (
        !Array.isArray(permissions) ||
        permissions.length === 0 ||
        !permissions.every((p): p is WorkspacePermission => PERMISSIONS.includes(p as WorkspacePermission))
      ) {
        throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `permissions must be a non-empty list of ${PERMISSIONS.join(' or ')}.`);
      }
      const principalId = params.principalId!;
      if (!state.principal(principalId)) {
        throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Principal with id ${principalId} does not exist in account ${state.accountId}.`);
      }
      return HttpResponse.json(render(state.assign(workspaceId!, principalId, permissions)));
    }),
    route(ctx, 'delete', `${PREFIX}/principals/:principalId`, spec, ({ params, workspaceId }) => {
      state.unassign(workspaceId!, params.principalId!);
      return HttpResponse.json({});
    }),
  ];
}
