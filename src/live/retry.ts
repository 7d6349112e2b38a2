/**
 * The one retry policy of the Databricks client (reference §9.4): which
 * answers are retried, and how long to wait. Pure, so it is tested without
 * a server.
 */
import type { ApiFamily } from '../domain/telemetry.js';

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Backoff base: attempt n waits up to base * 2^(n-1), fully jittered. */
  baseDelayMs: number;
  /** Upper bound of the exponential backoff. */
  maxDelayMs: number;
  /** Upper bound for a server's Retry-After, so a bad header cannot park a reconcile. */
  maxRetryAfterMs: number;
  /** No retry starts once this much time has passed since the first attempt. */
  totalBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  totalBudgetMs: 300_000, // the SDKs' retry_timeout_seconds
};

/** What an attempt ended with, as far as the policy cares. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; body: string }
  | { kind: 'transport'; code: string };

const SCIM_FAMILIES: ReadonlySet<ApiFamily> = new Set(['account-scim', 'workspace-scim']);

/**
 * Transport errors raised before any byte of the request left: safe to retry
 * even for a POST, because the server cannot have acted on it.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** True when the server answered "slow down" (429, or SCIM's throttling 500). */
export function isThrottled(family: ApiFamily, outcome: AttemptOutcome): boolean {
  if (outcome.kind !== 'response') return false;
  return outcome.status === 429 || isScimLimit500(family, outcome);
}

function isScimLimit500(family: ApiFamily, outcome: { status: number; body: string }): boolean {
  return outcome.status === 500 && SCIM_FAMILIES.has(family) && outcome.body.includes('REQUEST_LIMIT_EXCEEDED');
}

/**
 * Whether this outcome is worth another attempt. 429 and 503 mean the request
 * was not processed, so they are retried for every method. 500, 502 and 504
 * may come after the write happened, so they are retried only for idempotent
 * requests (reads, PUTs, deletes, PATCHes of deltas): repeating those is
 * harmless, and a read that gives up on one transient 500 fails a whole
 * reconcile. A create that meets one is reported instead; the next pass's
 * create adopts what it may have made. Transport errors likewise, unless
 * the request provably never left.
 */
export function isRetryable(family: ApiFamily, idempotent: boolean, outcome: AttemptOutcome): boolean {
  if (outcome.kind === 'transport') return idempotent || NOT_SENT_CODES.has(outcome.code);
  const { status } = outcome;
  if (status === 429 || status === 503) return true;
  if (isScimLimit500(family, outcome)) return true;
  return idempotent && (status === 500 || status === 502 || status === 504);
}

/**
 * Seconds from a Retry-After header: integer seconds (what Databricks sends),
 * or an HTTP date. Undefined when absent or unparseable.
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/**
 * Delay before attempt `attempt + 1` (attempt is 1-based): full jitter over
 * the capped exponential, but never less than the server's Retry-After.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterSeconds: number | undefined,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterSeconds === undefined) return jittered;
  return Math.max(Math.min(retryAfterSeconds * 1000, policy.maxRetryAfterMs), jittered);
}
