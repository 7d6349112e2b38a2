/**
 * A tiny undici client for the simulator's own tests: real HTTP, JSON in and
 * out, the PAT by default. Not used by production code.
 */
import { request } from 'undici';
import { DEFAULT_PAT, type Simulator } from './index.js';

export interface CallOptions {
  /** Bearer token; `null` sends no Authorization header. */
  token?: string | null;
  workspaceId?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // Tests inspect arbitrary JSON; `any` keeps assertions readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** The body as sent: JSON.parse rounds int64 values above 2^53. */
  text: string;
}

export async function call(sim: Simulator, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? DEFAULT_PAT : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.workspaceId !== undefined) headers['x-databricks-workspace-id'] = options.workspaceId;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await request(new URL(path, sim.url), { method: method as 'GET', headers, ...(body === undefined ? {} : { body }) });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text === '' ? null : (JSON.parse(text) as unknown), text };
}

export const patchOp = (...operations: Record<string, unknown>[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: operations,
});

export const accountScim = (sim: Simulator, resource: string) => `/api/2.0/accounts/${sim.accountId}/scim/v2/${resource}`;
export const assignmentsPath = (sim: Simulator, workspaceId: string) =>
  `/api/2.0/accounts/${sim.accountId}/workspaces/${workspaceId}/permissionassignments`;
export const workspaceScim = (resource: string) => `/api/2.0/preview/scim/v2/${resource}`;
export const ucPath = (resource: string) => `/api/2.1/unity-catalog/${resource}`;
