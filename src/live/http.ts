/**
 * The one HTTP client of the Databricks API families: connection pooling,
 * auth headers, the retry policy, rate limiting, response validation and
 * error mapping live here, so the per-family modules only describe requests.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Agent, request as undiciRequest } from 'undici';
import type { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import { noTelemetry, type ApiFamily, type ApiTelemetry } from '../domain/telemetry.js';
import type { TokenSource } from './auth.js';
import { parseErrorBody } from './error-body.js';
import { FamilyLimiter } from './limiter.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryable,
  isThrottled,
  parseRetryAfter,
  retryDelayMs,
  type AttemptOutcome,
  type RetryPolicy,
} from './retry.js';
import { assertSafeUrl, buildUrl, redactedQuery, type QueryValue } from './url.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An `application/x-www-form-urlencoded` body (OAuth token requests). */
export class FormBody {
  constructor(readonly fields: Readonly<Record<string, string>>) {}
}
export function formBody(fields: Record<string, string>): FormBody {
  return new FormBody(fields);
}

export interface ApiRequest<T> {
  family: ApiFamily;
  method: HttpMethod;
  baseUrl: string;
  /** Path below baseUrl; dynamic segments must already be encoded (see `segment`). */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON-serialised unless it is a FormBody. */
  body?: unknown;
  headers?: Record<string, string>;
  auth?: TokenSource;
  /** Sent as `X-Databricks-Workspace-Id` (unified hosts). */
  workspaceId?: string;
  /** Validates the 2xx body; an empty body is validated as `undefined`. */
  schema: z.ZodType<T>;
  /** Safe to repeat after a transport error; default: every method but POST. */
  idempotent?: boolean;
  /** JSON keys whose integer values are kept as decimal strings: int64 ids exceed 2^53. */
  int64Fields?: readonly string[];
  /** The other direction: body keys whose decimal-string values are sent as bare JSON numbers. */
  int64BodyFields?: readonly string[];
  /** Extra values to scrub from error messages (e.g. a client secret sent in the body). */
  secrets?: readonly string[];
}

export interface HttpTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

export interface DatabricksHttpOptions {
  logger: Logger;
  telemetry?: ApiTelemetry;
  limiter?: FamilyLimiter;
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<HttpTimeouts>;
  keepAliveTimeoutMs?: number;
  connectionsPerOrigin?: number;
  userAgent?: string;
  /** Injected so tests need no fake timers; resolves early (never rejects) when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Wall clock in ms, for Retry-After dates and the retry budget. */
  now?: () => number;
}

const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };

type AttemptResult<T> = { ok: true; value: T } | { ok: false; error: ApiError; outcome: AttemptOutcome };

/** One per process: it owns the connection pool. */
export class DatabricksHttp {
  private readonly agent: Agent;
  private readonly logger: Logger;
  private readonly telemetry: ApiTelemetry;
  private readonly limiter: FamilyLimiter;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly userAgent: string;
  /** The signal of the command or pass a request belongs to (see withSignal). */
  private readonly cancellation = new AsyncLocalStorage<AbortSignal>();

  constructor(options: DatabricksHttpOptions) {
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.agent = new Agent({
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      connections: options.connectionsPerOrigin ?? 16,
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
    this.logger = options.logger;
    this.telemetry = options.telemetry ?? noTelemetry;
    this.limiter = options.limiter ?? new FamilyLimiter();
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.userAgent = options.userAgent ?? 'onboarder/0.1';
  }

  /**
   * Runs `fn` so that every request it makes, however deep in the clients,
   * stops when `signal` aborts: no new attempt, no retry, the one in flight
   * cancelled. A scope instead of a parameter on some forty client methods:
   * the signal belongs to the command or the pass, not to any one call.
   */
  withSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    return this.cancellation.run(signal, fn);
  }

  async request<T>(req: ApiRequest<T>): Promise<T> {
    const signal = this.cancellation.getStore();
    const url = buildUrl(req.baseUrl, req.path, req.query);
    assertSafeUrl(url, `${req.family} URL`);
    const idempotent = req.idempotent ?? req.method !== 'POST';
    const { payload, contentType } = serialiseBody(req.body, req.int64BodyFields);
    const started = this.now();

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortedError(req, signal);
      // Per attempt, so a token refreshed during a long backoff is picked up.
      const token = req.auth ? await req.auth.token() : undefined;
      const headers = this.headers(req, token, contentType);
      const secrets = [...(req.secrets ?? []), ...(token ? [token] : []), ...authorizationValues(req.headers)];
      const result = await this.limiter.schedule(
        req.family,
        () => this.attempt(req, url, headers, payload, idempotent, secrets, attempt, signal),
        { write: req.method !== 'GET', scope: url.origin, ...(signal ? { signal } : {}) },
      ).catch((error: unknown) => {
        // p-queue rejects a queued task whose signal aborted.
        if (signal?.aborted) throw abortedError(req, signal);
        throw error;
      });
      if (result.ok) return result.value;

      const { error } = result;
      if (isThrottled(req.family, result.outcome)) {
        const pauseMs = error.details.retryAfterSeconds === undefined ? undefined : Math.min(error.details.retryAfterSeconds, 60) * 1000;
        this.limiter.throttled(req.family, { write: req.method !== 'GET', scope: url.origin, ...(pauseMs === undefined ? {} : { pauseMs }) });
      }
      if (!error.retryable || attempt >= this.policy.maxAttempts) throw error;
      const wait = retryDelayMs(this.policy, attempt, error.details.retryAfterSeconds, this.random);
      if (this.now() - started + wait > this.policy.totalBudgetMs) throw error;
      this.logger.warn(
        {
          family: req.family,
          method: req.method,
          path: req.path,
          status: error.status,
          errorCode: error.errorCode,
          attempt,
          delayMs: wait,
        },
        'retrying Databricks request',
      );
      await this.sleep(wait, signal);
    }
  }

  /** Waits for the requests in flight, then closes the pool. */
  close(): Promise<void> {
    return this.agent.close();
  }

  /** Closes every socket at once, whatever is in flight: a shutdown past its grace period. */
  destroy(): Promise<void> {
    return this.agent.destroy();
  }

  private headers(req: ApiRequest<unknown>, token: string | undefined, contentType: string | undefined) {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (contentType) headers['content-type'] = contentType;
    if (req.workspaceId !== undefined) headers['x-databricks-workspace-id'] = req.workspaceId;
    for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    return headers;
  }

  private async attempt<T>(
    req: ApiRequest<T>,
    url: URL,
    headers: Record<string, string>,
    payload: string | undefined,
    idempotent: boolean,
    secrets: string[],
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<AttemptResult<T>> {
    const { family, method, path } = req;
    const t0 = performance.now();
    let status: number;
    let text: string;
    let retryAfterHeader: string | string[] | undefined;
    try {
      const res = await undiciRequest(url, { method, headers, body: payload ?? null, dispatcher: this.agent, signal: signal ?? null });
      status = res.statusCode;
      retryAfterHeader = res.headers['retry-after'];
      // Always drain the body, or the keep-alive socket cannot be reused.
      text = await res.body.text();
    } catch (cause) {
      if (signal?.aborted) return { ok: false, error: abortedError(req, signal), outcome: { kind: 'transport', code: 'ABORTED' } };
      const code = transportCode(cause);
      const seconds = (performance.now() - t0) / 1000;
      this.telemetry.requestFinished({ family, method, code, seconds });
      this.logger.debug(
        { family, method, path, query: redactedQuery(url), code, ms: Math.round(seconds * 1000), attempt },
        'Databricks request failed',
      );
      const outcome: AttemptOutcome = { kind: 'transport', code };
      const apiMessage = scrub(cause instanceof Error ? cause.message : String(cause), secrets);
      const error = new ApiError({
        family,
        method,
        path,
        status: 0,
        errorCode: code,
        apiMessage,
        retryable: isRetryable(family, idempotent, outcome),
      });
      return { ok: false, error, outcome };
    }

    const seconds = (performance.now() - t0) / 1000;
    this.telemetry.requestFinished({ family, method, code: String(status), seconds });
    this.logger.debug(
      { family, method, path, query: redactedQuery(url), status, ms: Math.round(seconds * 1000), attempt },
      'Databricks request',
    );
    const outcome: AttemptOutcome = { kind: 'response', status, body: text };
    if (isThrottled(family, outcome)) this.telemetry.throttled(family);

    if (status >= 200 && status < 300) {
      const parsed = parseBody(text, req.int64Fields);
      if (parsed.ok) {
        const checked = req.schema.safeParse(parsed.value);
        if (checked.success) return { ok: true, value: checked.data };
        return { ok: false, outcome, error: invalidResponse(req, status, describeIssues(checked.error.issues)) };
      }
      return { ok: false, outcome, error: invalidResponse(req, status, 'response body is not JSON') };
    }

    const { errorCode, message } = parseErrorBody(status, text);
    const retryAfterSeconds = parseRetryAfter(retryAfterHeader, this.now());
    const error = new ApiError({
      family,
      method,
      path,
      status,
      errorCode,
      apiMessage: scrub(message, secrets),
      retryable: isRetryable(family, idempotent, outcome),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
    return { ok: false, error, outcome };
  }
}

function serialiseBody(body: unknown, int64Fields: readonly string[] | undefined): { payload?: string; contentType?: string } {
  if (body === undefined) return {};
  if (body instanceof FormBody) {
    return {
      payload: new URLSearchParams(body.fields as Record<string, string>).toString(),
      contentType: 'application/x-www-form-urlencoded',
    };
  }
  return { payload: stringifyWithInt64(body, int64Fields ?? []), contentType: 'application/json' };
}

/**
 * JSON.stringify cannot write an integer beyond 2^53, so such values travel
 * as decimal strings and are unquoted afterwards. The match is anchored after
 * `{` or `,`: inside a compact JSON string every `"` is escaped, so only real
 * keys qualify. A number under such a key has already lost its digits, and a
 * string that is not an integer would be sent quoted; both are refused.
 */
export function stringifyWithInt64(body: unknown, fields: readonly string[]): string {
  if (fields.length === 0) return JSON.stringify(body);
  let out = JSON.stringify(body, (key: string, value: unknown) => {
    if (!fields.includes(key)) return value;
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`${key}: ${value} is not a safe integer; pass int64 values as decimal strings`);
    }
    if (typeof value === 'string' && !/^-?\d+$/.test(value)) throw new RangeError(`${key}: ${JSON.stringify(value)} is not an integer`);
    return value;
  });
  for (const field of fields) {
    const key = JSON.stringify(field);
    const pattern = new RegExp(`(?<=[{,])${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:"(-?\\d+)"`, 'g');
    out = out.replace(pattern, (_match, digits: string) => `${key}:${digits}`);
  }
  return out;
}

function parseBody(text: string, int64Fields: readonly string[] | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(keepInt64AsStrings(text, int64Fields)) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * JSON.parse rounds integers above 2^53, so quote them first. The look-behind
 * skips keys that appear escaped inside a string value.
 */
export function keepInt64AsStrings(text: string, fields: readonly string[] | undefined): string {
  let out = text;
  for (const field of fields ?? []) {
    const key = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<!\\\\)"${key}"(\\s*):(\\s*)(-?\\d+)(?=\\s*[,}\\]])`, 'g'), `"${field}"$1:$2"$3"`);
  }
  return out;
}

/** The command or pass this request belonged to was stopped: not a service failure, never retried. */
function abortedError(req: ApiRequest<unknown>, signal: AbortSignal): ApiError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'the command or pass was stopped';
  return new ApiError({ family: req.family, method: req.method, path: req.path, status: 0, errorCode: 'ABORTED', apiMessage: why, retryable: false });
}

function invalidResponse(req: ApiRequest<unknown>, status: number, apiMessage: string): ApiError {
  return new ApiError({
    family: req.family,
    method: req.method,
    path: req.path,
    status,
    errorCode: 'INVALID_RESPONSE',
    apiMessage,
    retryable: false,
  });
}

/** The first few schema mismatches, by path and message only: response values may be personal data. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], max = 3): string {
  const parts = issues.slice(0, max).map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
  const more = issues.length > max ? ` (+${issues.length - max} more)` : '';
  return `unexpected response shape: ${parts.join('; ')}${more}`;
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/** undici and node:net put the useful code on `code`; a dual-stack connect fails with an AggregateError. */
function transportCode(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  if (cause instanceof AggregateError) {
    const inner = cause.errors.find((e: unknown) => typeof (e as { code?: unknown } | null)?.code === 'string');
    if (inner) return (inner as { code: string }).code;
  }
  return cause instanceof Error && cause.name !== 'Error' ? cause.name : 'TRANSPORT_ERROR';
}

function authorizationValues(headers: Record<string, string> | undefined): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'authorization') {
      values.push(value);
      const credential = value.split(' ')[1];
      if (credential) values.push(credential);
    }
  }
  return values;
}

/** Removes credentials from text that came from a server or a socket error. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  // Credentials are long; the length keeps phrases like "Basic authentication" readable.
  return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/g, '$1 [REDACTED]');
}

/** Encodes one dynamic path segment (an id or a name). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
