/**
 * Object permissions (reference §7). Reads flatten each principal's
 * `all_permissions` into one entry per level, marking inherited ones,
 * because only direct entries can be changed.
 */
import { z } from 'zod';
import { segment } from './http.js';
import { workspaceRequester, type WorkspaceClientOptions } from './workspace-api.js';

export type PermissionObjectType = 'warehouses' | 'cluster-policies' | 'notebooks' | 'directories';
export type AclPrincipalKind = 'group' | 'user' | 'servicePrincipal';

export interface AclEntry {
  kind: AclPrincipalKind;
  principal: string;
  level: string;
  inherited: boolean;
}

export interface AclChange {
  kind: AclPrincipalKind;
  principal: string;
  level: string;
}

const WIRE_KEY: Record<AclPrincipalKind, string> = { group: 'group_name', user: 'user_name', servicePrincipal: 'service_principal_name' };

const aclSchema = z.looseObject({
  access_control_list: z
    .array(
      z.looseObject({
        group_name: z.string().nullish(),
        user_name: z.string().nullish(),
        service_principal_name: z.string().nullish(),
        all_permissions: z.array(z.looseObject({ permission_level: z.string(), inherited: z.boolean().nullish() })).nullish(),
      }),
    )
    .nullish(),
});

export class ObjectPermissions {
  private readonly call;

  constructor(options: WorkspaceClientOptions) {
    this.call = workspaceRequester(options, 'permissions');
  }

  async get(type: PermissionObjectType, objectId: string): Promise<AclEntry[]> {
    return flatten(await this.call({ method: 'GET', path: pathOf(type, objectId), schema: aclSchema }));
  }

  /** Replaces every direct entry (inherited ones stay). */
  async set(type: PermissionObjectType, objectId: string, entries: readonly AclChange[]): Promise<AclEntry[]> {
    return flatten(await this.call({ method: 'PUT', path: pathOf(type, objectId), body: wireList(entries), schema: aclSchema }));
  }

  /** Sets the listed principals' levels, leaving the others. */
  async update(type: PermissionObjectType, objectId: string, entries: readonly AclChange[]): Promise<AclEntry[]> {
    return flatten(await this.call({ method: 'PATCH', path: pathOf(type, objectId), body: wireList(entries), schema: aclSchema }));
  }
}

function pathOf(type: PermissionObjectType, objectId: string): string {
  return `/api/2.0/permissions/${type}/${segment(objectId)}`;
}

function wireList(entries: readonly AclChange[]): { access_control_list: Record<string, string>[] } {
  return { access_control_list: entries.map((e) => ({ [WIRE_KEY[e.kind]]: e.principal, permission_level: e.level })) };
}

function flatten(acl: z.infer<typeof aclSchema>): AclEntry[] {
  const entries: AclEntry[] = [];
  for (const entry of acl.access_control_list ?? []) {
    const [kind, principal]: [AclPrincipalKind, string | null | undefined] = entry.group_name
      ? ['group', entry.group_name]
      : entry.user_name
        ? ['user', entry.user_name]
        : ['servicePrincipal', entry.service_principal_name];
    if (!principal) continue;
    for (const permission of entry.all_permissions ?? []) {
      entries.push({ kind, principal, level: permission.permission_level, inherited: permission.inherited ?? false });
    }
  }
  return entries.sort(
    (a, b) => cmp(a.kind, b.kind) || cmp(a.principal.toLowerCase(), b.principal.toLowerCase()) || cmp(a.level, b.level) || Number(a.inherited) - Number(b.inherited),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
