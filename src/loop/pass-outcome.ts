/**
 * What one pass came to, as a small tagged value, decided from its result or
 * from what it threw. The controller turns it into backoff, status, metrics
 * and its log line in one switch (controller.ts `settle`), the way
 * controller-runtime's reconcile handler maps a result, an error and a
 * terminal error: nothing thrown is taken for "live state could not be read"
 * by default.
 */
import { ApiError, ConfigError, DesiredStateError, type DesiredStateIssue } from '../domain/errors.js';
import type { Action } from '../domain/plan.js';
import type { PassResult } from './reconciler.js';

export type PassOutcome =
  /** The pass ran to its end. `failedItems` (customers, or `account`) had actions fail: they back off, the rest is healthy. */
  | { type: 'done'; result: PassResult; failedItems: string[] }
  /**
   * The pass did not finish (live state unreadable, the inventory not
   * written, cut short by its deadline or a shutdown): all of it again,
   * with backoff. `result` is there when the actions ran before it stopped.
   */
  | { type: 'retry'; reason: string; result?: PassResult; failedItems?: string[] }
  /**
   * The same pass would fail the same way until something outside it
   * changes (the configuration, the credentials' rights): no backoff
   * retries; the next revision or resync tries again.
   */
  | { type: 'terminal'; reason: string }
  /** The plan names what the account lacks (located issues): nothing applied; it waits for a new revision, like an invalid one. */
  | { type: 'rejected'; issues: DesiredStateIssue[] };

/** A pass that returned: done, or cut short after its actions ran. */
export function outcomeOfResult(result: PassResult, itemOf: (action: Action) => string): PassOutcome {
  const failed = (result.report?.results ?? []).filter((r) => r.outcome === 'failed').map((r) => itemOf(r.action));
  const failedItems = [...new Set(failed)].sort();
  if (result.stopped !== undefined) return { type: 'retry', reason: result.stopped, result, failedItems };
  return { type: 'done', result, failedItems };
}

/** A pass that threw. `stoppedBecause`: why its signal aborted, if it did (then the cancelled request's error is not the news). */
export function outcomeOfError(error: unknown, stoppedBecause: string | undefined): PassOutcome {
  if (error instanceof DesiredStateError) return { type: 'rejected', issues: error.issues };
  if (stoppedBecause !== undefined) return { type: 'retry', reason: stoppedBecause };
  const reason = error instanceof Error ? error.message : String(error);
  return isTerminal(error) ? { type: 'terminal', reason } : { type: 'retry', reason };
}

/**
 * A misconfiguration (e.g. no inventory workspace named among several), or
 * credentials the service refuses (401) or that lack a right (403): retrying
 * every few seconds only fills the log and the service's audit trail.
 */
function isTerminal(error: unknown): boolean {
  return error instanceof ConfigError || (error instanceof ApiError && (error.status === 401 || error.status === 403));
}
