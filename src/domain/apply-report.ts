/**
 * What an apply did, action by action: the executor writes it, the
 * inventory, metrics, status page and CLI read it. Here in domain/ so that
 * none of them imports the executor for its shape.
 */
import type { Action } from './plan.js';

export type Outcome = 'succeeded' | 'failed' | 'skipped';

export interface ActionResult {
  action: Action;
  outcome: Outcome;
  /** Why it failed or was skipped; never holds a secret (API errors are built without them). */
  error?: string;
  /** A failure's stable code (the API's error_code, or ours), for metric labels; `UNKNOWN` for an unexpected error. */
  errorCode?: string;
  /**
   * Why a skipped action was not run: `held` (nothing new starts: shutting
   * down, leadership lost, the pass aborted) or `dependency` (an action it
   * depends on did not succeed).
   */
  skippedBecause?: 'held' | 'dependency';
  seconds: number;
}

export interface ApplyReport {
  results: ActionResult[];
  succeeded: number;
  failed: number;
  skipped: number;
}

