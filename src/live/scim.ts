/**
 * What account and workspace SCIM share (reference §1.2–1.4, §1.8): the
 * list envelope and its paging, filters, the PATCH body, and a small
 * resource client both families build on.
 */
import { z } from 'zod';
import type { ApiFamily } from '../domain/telemetry.js';
import type { TokenSource } from './auth.js';
import { segment, type DatabricksHttp } from './http.js';
import type { QueryValue } from './url.js';

export const SCHEMA_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCHEMA_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCHEMA_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCHEMA_SERVICE_PRINCIPAL = 'urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal';

export type ScimResource = 'Groups' | 'Users' | 'ServicePrincipals';

/** A SCIM multi-valued attribute entry; only `value` matters to us. */
export const complexValueSchema = z.object({ value: z.string() });

/** Optional strings may arrive as null. */
export const optionalString = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

export function listResponseSchema<T extends z.ZodType>(item: T) {
  // Resources is absent on an empty page; totalResults is not trusted (§1.2).
  return z.object({ Resources: z.array(item).nullish() });
}

export interface ScimPatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: { value: string }[];
}

export interface ScimPatchBody {
  schemas: [typeof SCHEMA_PATCH_OP];
  Operations: ScimPatchOperation[];
}

export function patchBody(operations: ScimPatchOperation[]): ScimPatchBody {
  return { schemas: [SCHEMA_PATCH_OP], Operations: operations };
}

/** One `add` for all new members, one filtered `remove` per leaving member (§1.4). */
export function memberOperations(change: { add?: readonly string[]; remove?: readonly string[] }): ScimPatchOperation[] {
  const operations: ScimPatchOperation[] = [];
  const add = unique(change.add ?? []);
  if (add.length > 0) operations.push({ op: 'add', path: 'members', value: add.map((value) => ({ value })) });
  for (const id of unique(change.remove ?? [])) {
    operations.push({ op: 'remove', path: `members[value eq ${quoteFilterValue(id)}]` });
  }
  return operations;
}

/** A SCIM string literal: double quotes, with `\` and `"` escaped. */
export function quoteFilterValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function eqFilter(attribute: string, value: string): string {
  return `${attribute} eq ${quoteFilterValue(value)}`;
}

export interface ScimClientOptions {
  http: DatabricksHttp;
  auth: TokenSource;
  family: ApiFamily;
  baseUrl: string;
  /** e.g. `/api/2.0/preview/scim/v2`. */
  prefix: string;
  workspaceId?: string;
  /** SCIM `count`; default 100. */
  pageSize?: number;
}

export const DEFAULT_SCIM_PAGE_SIZE = 100;

/** Requests against one SCIM endpoint; knows nothing about resource shapes. */
export class ScimClient {
  readonly pageSize: number;

  constructor(private readonly options: ScimClientOptions) {
    this.pageSize = options.pageSize ?? DEFAULT_SCIM_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new RangeError('SCIM page size must be >= 1');
  }

  /**
   * Every item of a list: startIndex is 1-based and advances by the number
   * of items received (servers may return fewer than asked); an empty page
   * ends the list. Items are de-duplicated by id, since offset paging can
   * repeat one when the list changes underneath.
   */
  async list<T extends { id: string }>(
    resource: ScimResource,
    item: z.ZodType<T>,
    query: Record<string, QueryValue> = {},
  ): Promise<T[]> {
    const schema = listResponseSchema(item);
    const byId = new Map<string, T>();
    for (let startIndex = 1; ; ) {
      const page = await this.request({
        method: 'GET',
        path: `/${resource}`,
        query: { ...query, startIndex, count: this.pageSize },
        schema,
      });
      const resources = page.Resources ?? [];
      if (resources.length === 0) break;
      const before = byId.size;
      for (const entry of resources) if (!byId.has(entry.id)) byId.set(entry.id, entry);
      // A page with nothing new means the server ignores startIndex: stop instead of looping forever.
      if (byId.size === before) break;
      startIndex += resources.length;
    }
    return [...byId.values()];
  }

  get<T>(resource: ScimResource, id: string, item: z.ZodType<T>, query: Record<string, QueryValue> = {}): Promise<T> {
    return this.request({ method: 'GET', path: `/${resource}/${segment(id)}`, query, schema: item });
  }

  create<T>(resource: ScimResource, body: Record<string, unknown>, item: z.ZodType<T>): Promise<T> {
    return this.request({ method: 'POST', path: `/${resource}`, body, schema: item });
  }

  /** PUT/PATCH/DELETE bodies are not documented (§1.1), so they are not read. */
  async patch(resource: ScimResource, id: string, operations: ScimPatchOperation[]): Promise<void> {
    if (operations.length === 0) return;
    await this.request({ method: 'PATCH', path: `/${resource}/${segment(id)}`, body: patchBody(operations), schema: z.unknown() });
  }

  async delete(resource: ScimResource, id: string): Promise<void> {
    await this.request({ method: 'DELETE', path: `/${resource}/${segment(id)}`, schema: z.unknown() });
  }

  /** Escape hatch for endpoints such as `/Me`. */
  request<T>(req: {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    path: string;
    query?: Record<string, QueryValue>;
    body?: unknown;
    schema: z.ZodType<T>;
  }): Promise<T> {
    const { http, auth, family, baseUrl, prefix, workspaceId } = this.options;
    return http.request({
      family,
      method: req.method,
      baseUrl,
      path: `${prefix}${req.path}`,
      ...(req.query === undefined ? {} : { query: req.query }),
      ...(req.body === undefined ? {} : { body: req.body }),
      auth,
      ...(workspaceId === undefined ? {} : { workspaceId }),
      schema: req.schema,
    });
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
