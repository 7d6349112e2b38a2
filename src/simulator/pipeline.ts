/**
 * The one wrapper every simulator route goes through, in the order a real
 * gateway would apply things: latency, injected faults, workspace routing,
 * authentication, account/workspace existence, then the route's own logic.
 * Every answered request is recorded, dropped ones with status 0.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccessTokens } from './auth.js';
import type { Faults, Family, ScriptedFailure } from './faults.js';
import { ScimError, scimErrorResponse } from './scim.js';
import type { SimulatorState } from './state.js';
import { SimulatorStateError } from './state-error.js';

export const WORKSPACE_HEADER = 'x-databricks-workspace-id';

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  family: string;
  /** 0 = connection dropped. */
  status: number;
  workspaceId?: string;
  /** The body of a write (not of a GET), as sent; OAuth bodies, which carry secrets, are never kept. */
  body?: string;
  at: number;
}

export interface SimulatorContext {
  readonly state: SimulatorState;
  readonly faults: Faults;
  readonly tokens: AccessTokens;
  readonly maxPageSize: number;
  readonly requests: RecordedRequest[];
  now(): number;
}

/** A Databricks REST error (`{"error_code","message"}`), thrown by route code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export function apiErrorResponse(status: number, errorCode: string, message: string, headers?: Record<string, string>): Response {
  return HttpResponse.json({ error_code: errorCode, message }, headers ? { status, headers } : { status });
}

export interface RouteSpec {
  family: Family;
  /** Where the target workspace is named: the routing header or the `workspaceId` path parameter. */
  workspaceFrom?: 'header' | 'param';
  /** OAuth token endpoints authenticate clients themselves; every other route needs a bearer token. */
  authenticate: boolean;
}

export interface RouteInput {
  request: Request;
  url: URL;
  params: Readonly<Record<string, string>>;
  /** The target workspace, known to exist when the route authenticates. */
  workspaceId: string | undefined;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'all';
type RouteHandler = (input: RouteInput) => Response | Promise<Response>;

export function route(ctx: SimulatorContext, method: Method, path: string, spec: RouteSpec, handler: RouteHandler): HttpHandler {
  return http[method](path, async ({ request, params }) => {
    const at = ctx.now();
    const url = new URL(request.url);
    const stringParams = Object.fromEntries(
      Object.entries(params).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])),
    );
    const workspaceId =
      spec.workspaceFrom === 'header'
        ? (request.headers.get(WORKSPACE_HEADER) ?? undefined)
        : spec.workspaceFrom === 'param'
          ? stringParams.workspaceId
          : undefined;
    const body = request.method === 'GET' || spec.family === 'oauth' ? undefined : await request.clone().text();
    const record = (status: number) => {
      const entry: RecordedRequest = { method: request.method, path: url.pathname, query: url.search.replace(/^\?/, ''), family: spec.family, status, at };
      if (workspaceId !== undefined) entry.workspaceId = workspaceId;
      if (body) entry.body = body;
      ctx.requests.push(entry);
    };

    if (ctx.faults.latencyMs > 0) await sleep(ctx.faults.latencyMs);
    const decision = ctx.faults.decide({ method: request.method, path: url.pathname, family: spec.family });
    let response: Response;
    if (decision.kind === 'drop') {
      // A drop after handling loses the answer, not the write.
      if (decision.afterHandling) await answer(ctx, spec, { request, url, params: stringParams, workspaceId }, handler);
      record(0);
      return HttpResponse.error();
    } else if (decision.kind === 'fail') {
      response = await scriptedFailure(decision.failure, request);
    } else if (decision.kind === 'throttle') {
      response = apiErrorResponse(429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests. Please wait a moment and try again.', {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    } else {
      response = await answer(ctx, spec, { request, url, params: stringParams, workspaceId }, handler);
    }
    record(response.status);
    return response;
  });
}

async function answer(ctx: SimulatorContext, spec: RouteSpec, input: RouteInput, handler: RouteHandler): Promise<Response> {
  try {
    if (spec.authenticate) {
      if (spec.workspaceFrom === 'header' && !input.workspaceId) {
        throw new ApiError(400, 'INVALID_PARAMETER_VALUE', 'Workspace-scoped APIs need the X-Databricks-Workspace-Id header.');
      }
      // Header-routed APIs (workspace SCIM, Unity Catalog) are workspace APIs; path-routed ones are account APIs.
      const target = spec.workspaceFrom === 'header' ? { workspaceId: input.workspaceId! } : { account: true as const };
      const denied = ctx.tokens.check(input.request.headers.get('authorization'), target);
      if (denied) return apiErrorResponse(denied.status, denied.errorCode, denied.message);
      const accountId = input.params.accountId;
      if (accountId !== undefined && accountId !== ctx.state.accountId) {
        throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Account ${accountId} does not exist.`);
      }
      if (input.workspaceId !== undefined && !ctx.state.workspace(input.workspaceId)) {
        throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Workspace ${input.workspaceId} does not exist.`);
      }
    }
    return await handler(input);
  } catch (error) {
    return errorResponse(error, spec.family);
  }
}

function errorResponse(error: unknown, family: Family): Response {
  const scim = family === 'account-scim' || family === 'workspace-scim';
  if (error instanceof ScimError) return scimErrorResponse(error);
  if (error instanceof ApiError) return apiErrorResponse(error.status, error.errorCode, error.message);
  if (error instanceof SimulatorStateError) {
    const status = { NOT_FOUND: 404, CONFLICT: 409, INVALID: 400 }[error.code];
    if (scim) return scimErrorResponse(new ScimError(status, error.message, error.code === 'INVALID' ? 'invalidValue' : undefined));
    const code =
      error.errorCode ?? { NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST', CONFLICT: 'RESOURCE_ALREADY_EXISTS', INVALID: 'INVALID_PARAMETER_VALUE' }[error.code];
    return apiErrorResponse(status, code, error.message);
  }
  return apiErrorResponse(500, 'INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
}

const DEFAULT_FAILURE_CODES: Record<number, string> = {
  429: 'REQUEST_LIMIT_EXCEEDED',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

async function scriptedFailure(failure: ScriptedFailure, request: Request): Promise<Response> {
  const errorCode = failure.errorCode ?? DEFAULT_FAILURE_CODES[failure.status] ?? 'UNKNOWN';
  const message =
    typeof failure.message === 'function'
      ? failure.message({ headers: request.headers, body: await request.clone().text() })
      : (failure.message ?? `Injected failure (HTTP ${failure.status}).`);
  return apiErrorResponse(failure.status, errorCode, message, failure.status === 429 ? { 'Retry-After': '0' } : undefined);
}
