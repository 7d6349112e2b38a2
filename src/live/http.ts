/**
 * The one HTTP client of the Databricks API families: connection pooling,
 * auth headers, the retry policy, rate limiting, deadlines, the response
 * size cap, response validation and error mapping live here, so the
 * per-family modules only describe requests.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Agent, request as undiciRequest } from 'undici';
import type { z } from 'zod';
import { ApiError, ConfigError } from '../domain/errors.js';
import { scrub } from '../domain/redact.js';
import { noTelemetry, type ApiFamily, type ApiTelemetry } from '../domain/telemetry.js';
import type { TokenSource } from './auth.js';
import { abortScope, untilAborted } from './abort-scope.js';
import { parseErrorBody } from './error-body.js';
import { describeIssues, formatMs, invalidResponse, rethrowUnless, stoppedError, transportCode } from './http-errors.js';
import { parseJsonBody, stringifyWithInt64 } from './json-int64.js';
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
import { DEFAULT_MAX_RESPONSE_BYTES, formatBytes, readCappedBody, type BodyRead } from './response-body.js';
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
  /** Idle time until the response headers arrive. */
  headersMs: number;
  /** Idle time between two chunks of the body. */
  bodyMs: number;
  /**
   * One attempt as a whole: connect, headers and the entire body. The idle
   * timeouts alone let a server that trickles a byte now and then hold a
   * request for ever.
   */
  requestMs: number;
}

export interface DatabricksHttpOptions {
  logger: Logger;
  /** Why `url` may not receive credentials (undefined: it may); the last defence behind the loader's host check. */
  refuseCredentialsTo: (url: URL) => string | undefined;
  telemetry?: ApiTelemetry;
  limiter?: FamilyLimiter;
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<HttpTimeouts>;
  keepAliveTimeoutMs?: number;
  connectionsPerOrigin?: number;
  /** Responses (bodies of errors included) larger than this are refused unread; default 32 MiB. */
  maxResponseBytes?: number;
  userAgent?: string;
  /** Injected so tests need no fake timers; resolves early (never rejects) when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Wall clock in ms, for Retry-After dates and the retry budget. */
  now?: () => number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000, requestMs: 60_000 };

type AttemptResult<T> = { ok: true; value: T } | { ok: false; error: ApiError; outcome: AttemptOutcome };

/** What one attempt sends, and the signals that stop it. */
interface AttemptInput {
  url: URL;
  headers: Record<string, string>;
  payload: string | undefined;
  idempotent: boolean;
  secrets: string[];
  attempt: number;
  /** The command's or pass's signal (withSignal). */
  cancelled: AbortSignal | undefined;
  /** Aborts when `cancelled` does or the whole request's time is up. */
  budget: AbortSignal;
}

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
  private readonly refuseCredentialsTo: (url: URL) => string | undefined;
  private readonly requestTimeoutMs: number;
  private readonly maxResponseBytes: number;
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
    this.refuseCredentialsTo = options.refuseCredentialsTo;
    this.requestTimeoutMs = timeouts.requestMs;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
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
    const cancelled = this.cancellation.getStore();
    const url = buildUrl(req.baseUrl, req.path, req.query);
    assertSafeUrl(url, `${req.family} URL`);
    if (req.auth !== undefined || authorizationValues(req.headers).length > 0) {
      // Before the token source is asked: an OAuth source would otherwise mint a token first.
      const refusal = this.refuseCredentialsTo(url);
      if (refusal !== undefined) throw new ConfigError(`refusing to send credentials: ${refusal}`);
    }
    const idempotent = req.idempotent ?? req.method !== 'POST';
    const { payload, contentType } = serialiseBody(req.body, req.int64BodyFields);
    // The budget counts from the first attempt: a wait for a turn in the limiter before it (a wave
    // of a thousand writes queues for minutes) is no fault of the request. No retry starts past the
    // budget, so the budget plus one deadline is the longest the attempts can take; the timer holds
    // them to it, whatever else stalls (a token for a retry, a turn in the queue for one).
    let started: number | undefined;
    const hardLimitMs = this.policy.totalBudgetMs + this.requestTimeoutMs;
    const budget = abortScope([cancelled], hardLimitMs, () => new Error('retry budget spent'), 'later');
    const stopped = () => stoppedError(req, cancelled, hardLimitMs);
    const firstAttemptStarts = () => {
      started ??= this.now();
      budget.startDeadline();
    };
    try {
      for (let attempt = 1; ; attempt++) {
        if (budget.signal.aborted) throw stopped();
        // Per attempt, so a token refreshed during a long backoff is picked up.
        const token = req.auth ? await untilAborted(req.auth.token(), budget.signal).catch(rethrowUnless(budget.signal, stopped)) : undefined;
        const headers = this.headers(req, token, contentType);
        const secrets = [...(req.secrets ?? []), ...(token ? [token] : []), ...authorizationValues(req.headers)];
        const result = await this.limiter
          .schedule(
            req.family,
            () => {
              firstAttemptStarts();
              return this.attempt(req, { url, headers, payload, idempotent, secrets, attempt, cancelled, budget: budget.signal });
            },
            { write: req.method !== 'GET', scope: url.origin, signal: budget.signal },
          )
          // p-queue rejects a queued task whose signal aborted.
          .catch(rethrowUnless(budget.signal, stopped));
        if (result.ok) return result.value;

        const { error } = result;
        if (isThrottled(req.family, result.outcome)) {
          const pauseMs = error.details.retryAfterSeconds === undefined ? undefined : Math.min(error.details.retryAfterSeconds, 60) * 1000;
          this.limiter.throttled(req.family, { write: req.method !== 'GET', scope: url.origin, ...(pauseMs === undefined ? {} : { pauseMs }) });
        }
        if (!error.retryable || attempt >= this.policy.maxAttempts) throw error;
        const wait = retryDelayMs(this.policy, attempt, error.details.retryAfterSeconds, this.random);
        if (this.now() - (started ?? this.now()) + wait > this.policy.totalBudgetMs) throw error;
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
        await this.sleep(wait, budget.signal);
      }
    } catch (error) {
      // Said once, here, for every way a call can fail: the operator's first question is which host and workspace.
      throw error instanceof ApiError ? error.at({ host: url.origin, ...(req.workspaceId === undefined ? {} : { workspaceId: req.workspaceId }) }) : error;
    } finally {
      budget.dispose();
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

  /** One attempt, bounded as a whole (connect, headers, body) by the request deadline. */
  private async attempt<T>(req: ApiRequest<T>, sent: AttemptInput): Promise<AttemptResult<T>> {
    const { family, method, path } = req;
    const { url, idempotent, secrets, attempt } = sent;
    const deadline = abortScope([sent.budget], this.requestTimeoutMs, () => new Error('request deadline passed'));
    const t0 = performance.now();
    const finished = (code: string) => {
      const seconds = (performance.now() - t0) / 1000;
      this.telemetry.requestFinished({ family, method, code, seconds });
      return seconds;
    };
    let status: number;
    let read: BodyRead;
    let retryAfterHeader: string | string[] | undefined;
    try {
      const res = await undiciRequest(url, {
        method,
        headers: sent.headers,
        body: sent.payload ?? null,
        dispatcher: this.agent,
        signal: deadline.signal,
      });
      status = res.statusCode;
      retryAfterHeader = res.headers['retry-after'];
      // Read to the end (or the cap), or the keep-alive socket cannot be reused.
      read = await readCappedBody(res.body, this.maxResponseBytes, res.headers['content-length']);
      // Only an abort frees a socket whose answer was left half read.
      if (!read.ok) deadline.abort(new Error('response too large'));
    } catch (cause) {
      if (sent.cancelled?.aborted || sent.budget.aborted) {
        const error = stoppedError(req, sent.cancelled, this.policy.totalBudgetMs + this.requestTimeoutMs);
        return { ok: false, error, outcome: { kind: 'transport', code: error.errorCode } };
      }
      const code = deadline.expired ? 'REQUEST_TIMEOUT' : transportCode(cause);
      const seconds = finished(code);
      this.logger.debug(
        { family, method, path, query: redactedQuery(url), code, ms: Math.round(seconds * 1000), attempt },
        'Databricks request failed',
      );
      const outcome: AttemptOutcome = { kind: 'transport', code };
      const apiMessage = deadline.expired
        ? `no complete answer from ${family} within the ${formatMs(this.requestTimeoutMs)} request deadline (--request-timeout)`
        : scrub(cause instanceof Error ? cause.message : String(cause), secrets);
      const error = new ApiError({ family, method, path, status: 0, errorCode: code, apiMessage, retryable: isRetryable(family, idempotent, outcome) });
      return { ok: false, error, outcome };
    } finally {
      deadline.dispose();
    }

    if (!read.ok) {
      const seconds = finished('RESPONSE_TOO_LARGE');
      this.logger.debug({ family, method, path, status, bytes: read.bytes, ms: Math.round(seconds * 1000), attempt }, 'Databricks response too large');
      const size = read.declared ? `it declares ${formatBytes(read.bytes)}` : `reading stopped at ${formatBytes(read.bytes)}`;
      const apiMessage = `the ${family} answer (HTTP ${status}) is over the ${formatBytes(this.maxResponseBytes)} response cap; ${size}`;
      // A status of 0: callers read 404 as "absent", and a 404 whose body was refused says nothing.
      const error = new ApiError({ family, method, path, status: 0, errorCode: 'RESPONSE_TOO_LARGE', apiMessage, retryable: false });
      return { ok: false, error, outcome: { kind: 'transport', code: 'RESPONSE_TOO_LARGE' } };
    }
    const { text } = read;
    const seconds = finished(String(status));
    this.logger.debug(
      { family, method, path, query: redactedQuery(url), status, ms: Math.round(seconds * 1000), attempt },
      'Databricks request',
    );
    const outcome: AttemptOutcome = { kind: 'response', status, body: text };
    if (isThrottled(family, outcome)) this.telemetry.throttled(family);

    if (status >= 200 && status < 300) {
      const parsed = parseJsonBody(text, req.int64Fields);
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

/** Encodes one dynamic path segment (an id or a name). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
