/**
 * Object permissions over HTTP (reference §7) for `warehouses` (also spelled
 * `sql/warehouses`), `cluster-policies`, `notebooks` and `directories`
 * (keyed by the workspace `object_id`; 0 is the root): workspace APIs routed
 * by the workspace header, family `permissions`. Rules live in acl-state.ts
 * and workspace-assets-state.ts; other object types answer ENDPOINT_NOT_FOUND.
 *
 * Responses list each principal once, direct level first, then inherited
 * levels (one per level, with every object it comes from): `admins`
 * CAN_MANAGE on everything, and for notebooks and directories the direct
 * entries of every ancestor directory.
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { z } from 'zod';
import {
  aclObjectPath,
  ACL_OBJECT_TYPES,
  LEVEL_DESCRIPTIONS,
  PERMISSION_LEVELS,
  RESPONSE_OBJECT_TYPE,
  type AclEntry,
  type AclObjectType,
  type PrincipalKind,
} from './acl-state.js';
import { ApiError, route, type RouteInput, type SimulatorContext } from './pipeline.js';
import { invalid, readBody } from './rest-body.js';
import type { WorkspaceAssets } from './workspace-assets-state.js';

export const PERMISSIONS_PREFIX = '*/api/2.0/permissions';

const PRINCIPAL_KEYS = [
  ['group_name', 'group'],
  ['user_name', 'user'],
  ['service_principal_name', 'servicePrincipal'],
] as const;
const WIRE_KEY: Record<PrincipalKind, string> = { group: 'group_name', user: 'user_name', servicePrincipal: 'service_principal_name' };

const aclBody = z.looseObject({
  access_control_list: z.array(
    z.looseObject({
      group_name: z.string().optional(),
      user_name: z.string().optional(),
      service_principal_name: z.string().optional(),
      permission_level: z.string(),
    }),
  ),
});

function requestedEntries(body: z.infer<typeof aclBody>): AclEntry[] {
  return body.access_control_list.map((entry) => {
    const named = PRINCIPAL_KEYS.filter(([wire]) => entry[wire] !== undefined);
    if (named.length !== 1) {
      throw invalid(`Each access_control_list entry needs exactly one of group_name, user_name or service_principal_name; got ${named.length}.`);
    }
    const [wire, kind] = named[0]!;
    return { principal: entry[wire]!, kind, level: entry.permission_level };
  });
}

interface Permission {
  permission_level: string;
  inherited: boolean;
  inherited_from_object?: string[];
}

export function aclResponse(assets: WorkspaceAssets, workspaceId: string, type: AclObjectType, objectId: string): Record<string, unknown> {
  const byPrincipal = new Map<string, { kind: PrincipalKind; principal: string; permissions: Permission[] }>();
  const slot = (entry: AclEntry) => {
    const key = `${entry.kind}:${entry.principal.toLowerCase()}`;
    let found = byPrincipal.get(key);
    if (!found) byPrincipal.set(key, (found = { kind: entry.kind, principal: entry.principal, permissions: [] }));
    return found.permissions;
  };
  for (const entry of assets.acls.direct(workspaceId, type, objectId)) slot(entry).push({ permission_level: entry.level, inherited: false });
  for (const entry of assets.inherited(workspaceId, type, objectId)) {
    const permissions = slot(entry);
    const same = permissions.find((p) => p.inherited && p.permission_level === entry.level);
    if (same) same.inherited_from_object!.push(entry.from);
    else permissions.push({ permission_level: entry.level, inherited: true, inherited_from_object: [entry.from] });
  }
  const access_control_list = [...byPrincipal.values()].map(({ kind, principal, permissions }) => {
    const rendered: Record<string, unknown> = { [WIRE_KEY[kind]]: principal };
    const displayName = assets.displayName(kind, principal);
    if (displayName !== undefined) rendered.display_name = displayName;
    rendered.all_permissions = permissions;
    return rendered;
  });
  return { object_id: aclObjectPath(type, objectId), object_type: RESPONSE_OBJECT_TYPE[type], access_control_list };
}

export function permissionHandlers(ctx: SimulatorContext): HttpHandler[] {
  const assets = ctx.state.assets;
  const spec = { family: 'permissions', workspaceFrom: 'header', authenticate: true } as const;
  const target = ({ params, url }: RouteInput, fixedType?: AclObjectType): { type: AclObjectType; objectId: string } => {
    const type = fixedType ?? params.type!;
    if (!(ACL_OBJECT_TYPES as readonly string[]).includes(type)) {
      throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `The simulator does not model permissions on '${type}' (${url.pathname}).`);
    }
    return { type: type as AclObjectType, objectId: params.id! };
  };

  const routesFor = (path: string, fixedType?: AclObjectType): HttpHandler[] => [
    route(ctx, 'get', `${path}/permissionLevels`, spec, (input) => {
      const { type, objectId } = target(input, fixedType);
      assets.requireObject(input.workspaceId!, type, objectId);
      const levels = PERMISSION_LEVELS[type].map((level) => ({ permission_level: level, description: LEVEL_DESCRIPTIONS[level] ?? level }));
      return HttpResponse.json({ permission_levels: levels });
    }),
    route(ctx, 'get', path, spec, (input) => {
      const { type, objectId } = target(input, fixedType);
      assets.requireObject(input.workspaceId!, type, objectId);
      return HttpResponse.json(aclResponse(assets, input.workspaceId!, type, objectId));
    }),
    ...(['put', 'patch'] as const).map((method) =>
      route(ctx, method, path, spec, async (input) => {
        const { type, objectId } = target(input, fixedType);
        assets.requireObject(input.workspaceId!, type, objectId);
        const requested = requestedEntries(await readBody(input.request, aclBody));
        assets.updatePermissions(input.workspaceId!, type, objectId, method === 'put' ? 'set' : 'update', requested);
        return HttpResponse.json(aclResponse(assets, input.workspaceId!, type, objectId));
      }),
    ),
  ];

  // The legacy alias first: `sql/warehouses/{id}` would otherwise not match `:type/:id` at all.
  return [...routesFor(`${PERMISSIONS_PREFIX}/sql/warehouses/:id`, 'warehouses'), ...routesFor(`${PERMISSIONS_PREFIX}/:type/:id`)];
}
