/**
 * Account-level workspace permission assignments (reference §2.2): which
 * account principals may use a workspace, as USER or ADMIN. The list has no
 * pagination; principal ids are int64 JSON numbers, kept as decimal strings.
 */
import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import type { LiveAssignment } from '../domain/live.js';
import type { TokenSource } from './auth.js';
import { segment, type DatabricksHttp } from './http.js';

export interface WorkspaceAssignmentOptions {
  http: DatabricksHttp;
  auth: TokenSource;
  /** The account host. */
  baseUrl: string;
  accountId: string;
  workspaceId: string;
}

/** Quoted by the client before parsing (see `int64Fields`), so it arrives as a string. */
const principalId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);

const assignmentSchema = z.object({
  principal: z.object({ principal_id: principalId }),
  permissions: z.array(z.string()).nullish(),
  error: z.string().nullish(),
});

const listSchema = z.object({ permission_assignments: z.array(assignmentSchema).nullish() });
const upsertSchema = z.object({ error: z.string().nullish() }).nullish();

const INT64_FIELDS = ['principal_id'];

export class WorkspaceAssignments {
  private readonly basePath: string;

  constructor(private readonly options: WorkspaceAssignmentOptions) {
    this.basePath =
      `/api/2.0/accounts/${segment(options.accountId)}` +
      `/workspaces/${segment(options.workspaceId)}/permissionassignments`;
  }

  async list(): Promise<LiveAssignment[]> {
    const response = await this.request('GET', '', undefined, listSchema);
    return (response.permission_assignments ?? [])
      .map((entry) => ({
        principalId: entry.principal.principal_id,
        permissions: [...new Set(entry.permissions ?? [])].sort(),
      }))
      .sort((a, b) => compareIds(a.principalId, b.principalId));
  }

  /** Upserts the principal's permissions (`USER` or `ADMIN`). A 200 can still carry an `error`. */
  async assign(principalId: string, permissions: readonly string[]): Promise<void> {
    const path = `/principals/${segment(principalId)}`;
    const response = await this.request('PUT', path, { permissions: [...permissions] }, upsertSchema);
    if (response?.error) {
      throw new ApiError({
        family: 'workspace-assignment',
        method: 'PUT',
        path: this.basePath + path,
        status: 200,
        errorCode: 'ASSIGNMENT_FAILED',
        apiMessage: response.error,
        retryable: false,
      });
    }
  }

  /** A principal that is not assigned counts as unassigned, so a retried delete converges. */
  async unassign(principalId: string): Promise<void> {
    try {
      await this.request('DELETE', `/principals/${segment(principalId)}`, undefined, z.unknown());
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return;
      throw error;
    }
  }

  private request<T>(method: 'GET' | 'PUT' | 'DELETE', path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.options.http.request({
      family: 'workspace-assignment',
      method,
      baseUrl: this.options.baseUrl,
      path: this.basePath + path,
      ...(body === undefined ? {} : { body }),
      auth: this.options.auth,
      schema,
      int64Fields: INT64_FIELDS,
    });
  }
}

/** Numeric order for decimal strings of any length. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
