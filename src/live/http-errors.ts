/**
 * The errors the HTTP client makes of what went wrong with a request, other
 * than the API's own answers: stopped, timed out, malformed, or failed in
 * transport. Each carries a stable code, and the family, method and path.
 */
import type { z } from 'zod';
import { abortReasonText, ApiError } from '../domain/errors.js';
import type { ApiFamily } from '../domain/telemetry.js';

/** What identifies a request in an error. */
export interface RequestLine {
  family: ApiFamily;
  method: string;
  path: string;
}

/** The command or pass this request belonged to was stopped: not a service failure, never retried. */
export function abortedError(req: RequestLine, signal: AbortSignal): ApiError {
  return new ApiError({ family: req.family, method: req.method, path: req.path, status: 0, errorCode: 'ABORTED', apiMessage: abortReasonText(signal), retryable: false });
}

/**
 * Why a request stopped between or during attempts: its command or pass was
 * stopped (ABORTED), or its retries ran out of time (REQUEST_TIMEOUT, no
 * further retry: the budget is what bounds them).
 */
export function stoppedError(req: RequestLine, cancelled: AbortSignal | undefined, hardLimitMs: number): ApiError {
  if (cancelled?.aborted) return abortedError(req, cancelled);
  return new ApiError({
    family: req.family,
    method: req.method,
    path: req.path,
    status: 0,
    errorCode: 'REQUEST_TIMEOUT',
    apiMessage: `no answer from ${req.family} within ${formatMs(hardLimitMs)}, the retry budget plus one request deadline`,
    retryable: false,
  });
}

/** For `.catch`: a rejection caused by `signal` becomes `stopped()`, anything else passes through. */
export function rethrowUnless(signal: AbortSignal, stopped: () => ApiError): (error: unknown) => never {
  return (error) => {
    if (signal.aborted) throw stopped();
    throw error;
  };
}

/** `60000` -> `60 s`, `250` -> `250 ms`. */
export function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export function invalidResponse(req: RequestLine, status: number, apiMessage: string): ApiError {
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

export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/** undici and node:net put the useful code on `code`; a dual-stack connect fails with an AggregateError. */
export function transportCode(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  if (cause instanceof AggregateError) {
    const inner = cause.errors.find((e: unknown) => typeof (e as { code?: unknown } | null)?.code === 'string');
    if (inner) return (inner as { code: string }).code;
  }
  return cause instanceof Error && cause.name !== 'Error' ? cause.name : 'TRANSPORT_ERROR';
}

