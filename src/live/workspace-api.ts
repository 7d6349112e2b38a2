/**
 * What the clients of a workspace's own REST families share (SQL
 * warehouses, cluster policies, workspace objects, object permissions): the
 * constructor options, one request helper that adds the workspace header,
 * and the "absent counts as null / as deleted" rules.
 */
import type { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import type { ApiFamily } from '../domain/telemetry.js';
import type { TokenSource } from './auth.js';
import type { DatabricksHttp, HttpMethod } from './http.js';
import type { QueryValue } from './url.js';

export interface WorkspaceClientOptions {
  http: DatabricksHttp;
  auth: TokenSource;
  /** The workspace host. */
  baseUrl: string;
  workspaceId: string;
}

export interface WorkspaceCall<T> {
  method: HttpMethod;
  path: string;
  schema: z.ZodType<T>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  int64Fields?: readonly string[];
  int64BodyFields?: readonly string[];
  /** A POST that is safe to repeat after a transport error (e.g. an import with overwrite). */
  idempotent?: boolean;
}

export function workspaceRequester(options: WorkspaceClientOptions, family: ApiFamily) {
  return <T>(call: WorkspaceCall<T>): Promise<T> =>
    options.http.request({ family, baseUrl: options.baseUrl, auth: options.auth, workspaceId: options.workspaceId, ...call });
}

/**
 * Every page of a token-paginated list (`page_token` in, `next_page_token`
 * out): only an absent token ends it. A repeated token is an error, never a
 * quiet stop: a list cut short would hide objects from the diff, which would
 * then create them again.
 */
export async function listAllPages<P extends { next_page_token?: string | null | undefined }, T>(
  fetchPage: (token: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[] | null | undefined,
  repeated: () => Error,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  for (let token: string | undefined; ; ) {
    const page = await fetchPage(token);
    all.push(...(items(page) ?? []));
    token = page.next_page_token ?? undefined;
    if (!token) return all;
    if (seen.has(token)) throw repeated();
    seen.add(token);
  }
}

export const REPEATED_PAGE_TOKEN = 'the server repeated a next_page_token; the list would never end';

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

export async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Absent already counts as deleted, so a retried delete converges. */
export async function ignoreNotFound(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export function invalidResponse(family: ApiFamily, method: HttpMethod, path: string, message: string): ApiError {
  return new ApiError({ family, method, path, status: 200, errorCode: 'INVALID_RESPONSE', apiMessage: message, retryable: false });
}
