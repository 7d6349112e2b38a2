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
  /** A POST that is safe to repeat after a transport error (e.g. an import with overwrite). */
  idempotent?: boolean;
}

export function workspaceRequester(options: WorkspaceClientOptions, family: ApiFamily) {
  return <T>(call: WorkspaceCall<T>): Promise<T> =>
    options.http.request({ family, baseUrl: options.baseUrl, auth: options.auth, workspaceId: options.workspaceId, ...call });
}

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
