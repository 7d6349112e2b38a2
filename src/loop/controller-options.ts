/**
 * What the controller (controller.ts) is given and what it offers: its
 * options, the leadership it follows, and its handle.
 */
import type { Logger } from 'pino';
import type { LoadOptions } from '../desired/load.js';
import type { DiffOptions } from '../plan/diff.js';
import type { Metrics } from '../report/metrics.js';
import type { ControllerStatus } from '../report/status.js';
import type { BackoffPolicy } from './backoff.js';
import type { InventoryPort, LivePort } from './reconciler.js';

export interface Leadership {
  isLeader(): boolean;
  onChange(listener: (leader: boolean) => void): void;
  /** Who holds the Lease as last read; undefined when nobody does (or not read yet). */
  holder?(): string | undefined;
}

export interface ControllerOptions {
  dir: string;
  live: LivePort;
  inventory?: InventoryPort;
  logger: Logger;
  metrics: Metrics;
  diffOptions: DiffOptions;
  resyncIntervalMs: number;
  /** How revisions are loaded (the trusted hosts their Workspaces may name). */
  load?: LoadOptions;
  /** Up to this fraction of the interval is added at random, so replicas do not resync in step. Default 0.1. */
  resyncJitter?: number;
  debounceMs?: number;
  /** Absent: this instance always leads (no election). */
  leadership?: Leadership;
  /** This replica's identity (the Lease holderIdentity it uses), shown on its status page. */
  replica?: string;
  backoff?: BackoffPolicy;
  random?: () => number;
  now?: () => number;
  /** The deadline of one pass: past it the pass is aborted through its signal and reported as failed. Default 15 min. */
  passTimeoutMs?: number;
  /**
   * The watchdog: a pass still running this long after its deadline (its
   * abort did not end it) is abandoned, and /healthz fails until a pass
   * ends again. Default 30 s.
   */
  watchdogMarginMs?: number;
}

export interface Controller {
  start(): Promise<void>;
  /**
   * Stops taking work; in-flight API calls may finish (new actions are not
   * started) within `graceMs`, then the pass is aborted. Returns within
   * `graceMs` plus a few seconds, even if the pass does not end.
   */
  stop(graceMs: number): Promise<void>;
  status(): ControllerStatus;
  /** Queues a pass (e.g. for a test or a manual trigger). */
  reconcileNow(reason: string): void;
  /** Resolves when no pass is running or queued. */
  idle(): Promise<void>;
}
