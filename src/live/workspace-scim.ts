/**
 * Workspace SCIM (reference §1): the only place entitlements live. The ids
 * of account principals visible in the workspace are their account ids.
 */
import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import type { TokenSource } from './auth.js';
import type { DatabricksHttp } from './http.js';
import { complexValueSchema, optionalString, ScimClient, type ScimPatchOperation, type ScimResource } from './scim.js';

export interface WorkspaceScimOptions {
  http: DatabricksHttp;
  auth: TokenSource;
  /** The workspace host. */
  baseUrl: string;
  workspaceId?: string;
  pageSize?: number;
}

export interface WorkspaceGroup {
  id: string;
  displayName: string;
  /** True for an account group shown in the workspace, false for a workspace-local one (`users`, `admins`). */
  accountGroup: boolean;
  entitlements: string[];
}
export interface WorkspaceUser {
  id: string;
  userName: string;
  entitlements: string[];
}
export interface WorkspaceServicePrincipal {
  id: string;
  applicationId: string;
  displayName: string;
  entitlements: string[];
}

export type PrincipalKind = 'group' | 'user' | 'servicePrincipal';

const entitlementsSchema = z
  .array(complexValueSchema)
  .nullish()
  .transform((values) => [...new Set((values ?? []).map((entry) => entry.value).filter((v) => v !== ''))].sort());

const groupSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    entitlements: entitlementsSchema,
    meta: z.object({ resourceType: optionalString }).nullish(),
  })
  .transform(
    (group): WorkspaceGroup => ({
      id: group.id,
      displayName: group.displayName,
      accountGroup: group.meta?.resourceType !== 'WorkspaceGroup',
      entitlements: group.entitlements,
    }),
  );

const userSchema = z.object({ id: z.string(), userName: z.string(), entitlements: entitlementsSchema });

const servicePrincipalSchema = z
  .object({ id: z.string(), applicationId: z.string(), displayName: optionalString, entitlements: entitlementsSchema })
  .transform(
    (sp): WorkspaceServicePrincipal => ({
      id: sp.id,
      applicationId: sp.applicationId,
      displayName: sp.displayName ?? '',
      entitlements: sp.entitlements,
    }),
  );

const meSchema = z
  .object({ id: z.string(), userName: optionalString, displayName: optionalString })
  .transform((me) => ({
    id: me.id,
    ...(me.userName ? { userName: me.userName } : {}),
    ...(me.displayName ? { displayName: me.displayName } : {}),
  }));

const RESOURCE_OF: Record<PrincipalKind, ScimResource> = {
  group: 'Groups',
  user: 'Users',
  servicePrincipal: 'ServicePrincipals',
};

export class WorkspaceScim {
  private readonly scim: ScimClient;

  constructor(options: WorkspaceScimOptions) {
    this.scim = new ScimClient({
      http: options.http,
      auth: options.auth,
      family: 'workspace-scim',
      baseUrl: options.baseUrl,
      prefix: '/api/2.0/preview/scim/v2',
      ...(options.workspaceId === undefined ? {} : { workspaceId: options.workspaceId }),
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    });
  }

  listGroups(): Promise<WorkspaceGroup[]> {
    return this.scim.list('Groups', groupSchema, { attributes: 'id,displayName,entitlements,meta' });
  }

  listUsers(): Promise<WorkspaceUser[]> {
    return this.scim.list('Users', userSchema, { attributes: 'id,userName,entitlements' });
  }

  listServicePrincipals(): Promise<WorkspaceServicePrincipal[]> {
    return this.scim.list('ServicePrincipals', servicePrincipalSchema, {
      attributes: 'id,applicationId,displayName,entitlements',
    });
  }

  /** The caller (onboarder's own principal), to avoid locking itself out. */
  me(): Promise<{ id: string; userName?: string; displayName?: string }> {
    return this.scim.request({
      method: 'GET',
      path: '/Me',
      query: { attributes: 'id,userName,displayName' },
      schema: meSchema,
    });
  }

  /**
   * Adds and removes direct entitlements in one PATCH. Explicit `add` and
   * `remove` operations (never `replace` with `value: null`, which fails, §1.4).
   * Removing from a principal that has no entitlements at all fails with
   * `invalidPath`; that means the removal is already true, so only the
   * additions are re-sent.
   */
  async patchEntitlements(
    kind: PrincipalKind,
    id: string,
    change: { add?: readonly string[]; remove?: readonly string[] },
  ): Promise<void> {
    const add = [...new Set(change.add ?? [])];
    const remove = [...new Set(change.remove ?? [])].filter((value) => !add.includes(value));
    const operations = entitlementOperations(add, remove);
    try {
      await this.scim.patch(RESOURCE_OF[kind], id, operations);
    } catch (error) {
      if (!(remove.length > 0 && isNoEntitlementsError(error))) throw error;
      await this.scim.patch(RESOURCE_OF[kind], id, entitlementOperations(add, []));
    }
  }
}

export function entitlementOperations(add: readonly string[], remove: readonly string[]): ScimPatchOperation[] {
  const operations: ScimPatchOperation[] = [];
  if (add.length > 0) operations.push({ op: 'add', path: 'entitlements', value: add.map((value) => ({ value })) });
  if (remove.length > 0) operations.push({ op: 'remove', path: 'entitlements', value: remove.map((value) => ({ value })) });
  return operations;
}

function isNoEntitlementsError(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status === 400 &&
    /invalidPath/.test(error.details.apiMessage) &&
    /No such attribute with the name\s*:\s*entitlements/i.test(error.details.apiMessage)
  );
}
