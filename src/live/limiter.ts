/**
 * Client-side rate limits per API family, so a reconcile stays under the
 * published Databricks limits instead of discovering them through 429s.
 *
 * Each family has a read lane (GET) and a write lane (everything else),
 * because the documented limits differ by an order of magnitude between them
 * (account SCIM: GET 20/s, PATCH 2/s). Queues are also kept per scope (the
 * request's origin), because the limits are per account or per workspace:
 * one busy workspace must not slow down the others.
 */
import PQueue from 'p-queue';
import { ConfigError } from '../domain/errors.js';
import type { ApiFamily } from '../domain/telemetry.js';

export interface FamilyLimit {
  /** Requests in flight at once. */
  concurrency: number;
  /** Sustained rate; `Infinity` disables the rate limit (tests). */
  requestsPerSecond: number;
  /** Rate of the write lane; defaults to `requestsPerSecond`. */
  writeRequestsPerSecond?: number;
}

/**
 * Defaults, from reference §9.1 (second-hand numbers, so kept a little below them):
 * - account-scim: GET 20/s; PATCH 2/s and POST/PUT/DELETE 5/s, so writes get the PATCH rate.
 * - workspace-scim: GET 255/min per workspace ≈ 4.25/s; no write figure, use the same.
 * - permissions: GET 100/s, PATCH/PUT 30/s per workspace.
 * - workspace (objects): export 60/s, import 30/s, delete 2/s; writes get a low rate.
 * - everything without a published limit: the Go SDK's 15 req/s.
 * - oauth: tokens are cached, so a handful per second is plenty.
 */
export const DEFAULT_FAMILY_LIMITS: Readonly<Record<ApiFamily, FamilyLimit>> = {
  oauth: { concurrency: 2, requestsPerSecond: 5 },
  'account-scim': { concurrency: 8, requestsPerSecond: 20, writeRequestsPerSecond: 2 },
  'workspace-scim': { concurrency: 4, requestsPerSecond: 4 },
  'workspace-assignment': { concurrency: 4, requestsPerSecond: 10 },
  'unity-catalog': { concurrency: 8, requestsPerSecond: 15 },
  'sql-warehouses': { concurrency: 4, requestsPerSecond: 15 },
  'cluster-policies': { concurrency: 4, requestsPerSecond: 15 },
  permissions: { concurrency: 8, requestsPerSecond: 50, writeRequestsPerSecond: 20 },
  workspace: { concurrency: 4, requestsPerSecond: 15, writeRequestsPerSecond: 2 },
};

export type FamilyLimitsConfig = Partial<Record<ApiFamily, Partial<FamilyLimit>>>;

/** No limits at all (tests and the embedded simulator). */
export function unlimitedFamilyLimits(): FamilyLimitsConfig {
  const unlimited = { concurrency: Infinity, requestsPerSecond: Infinity, writeRequestsPerSecond: Infinity };
  const config: FamilyLimitsConfig = {};
  for (const family of Object.keys(DEFAULT_FAMILY_LIMITS) as ApiFamily[]) config[family] = unlimited;
  return config;
}

export interface ScheduleOptions {
  /** Reads and writes are limited separately. */
  write?: boolean;
  /** The scope the limit applies to, e.g. the request's origin. */
  scope?: string;
  /** A task still queued when this aborts is dropped (its promise rejects). */
  signal?: AbortSignal;
}

/** After throttling, concurrency steps back up by one per this many ms without another 429. */
const RECOVERY_STEP_MS = 5_000;

export class FamilyLimiter {
  private readonly limits: Record<ApiFamily, FamilyLimit>;
  private readonly queues = new Map<string, PQueue>();
  private readonly recovering = new Map<string, { base: number; timer: NodeJS.Timeout }>();

  constructor(config: FamilyLimitsConfig = {}) {
    const limits = { ...DEFAULT_FAMILY_LIMITS };
    for (const [family, override] of Object.entries(config) as [ApiFamily, Partial<FamilyLimit>][]) {
      const merged = { ...limits[family], ...override };
      const rates = [merged.requestsPerSecond, merged.writeRequestsPerSecond ?? merged.requestsPerSecond];
      if (!(merged.concurrency >= 1) || rates.some((rate) => !(rate > 0))) {
        throw new ConfigError(`rate limit for ${family}: concurrency must be >= 1 and rates > 0`);
      }
      limits[family] = merged;
    }
    this.limits = limits;
  }

  /** A limiter that never waits, for tests that are not about rate limits. */
  static unlimited(): FamilyLimiter {
    return new FamilyLimiter(unlimitedFamilyLimits());
  }

  limit(family: ApiFamily): Readonly<FamilyLimit> {
    return this.limits[family];
  }

  schedule<T>(family: ApiFamily, fn: () => Promise<T>, options: ScheduleOptions = {}): Promise<T> {
    const queue = this.queue(family, options.write ?? false, options.scope ?? '');
    return queue.add(fn, options.signal ? { signal: options.signal } : {});
  }

  /**
   * The service said 429: halve the lane's concurrency (it steps back up by
   * one every few seconds without another 429) and, when it said how long,
   * hold the whole lane for that long. Every request of the lane waits, not
   * only the one being retried, so the rate really drops.
   */
  throttled(family: ApiFamily, options: ScheduleOptions & { pauseMs?: number } = {}): void {
    const key = queueKey(family, options.write ?? false, options.scope ?? '');
    const queue = this.queue(family, options.write ?? false, options.scope ?? '');
    if (Number.isFinite(queue.concurrency)) {
      const state = this.recovering.get(key);
      const base = state?.base ?? queue.concurrency;
      clearInterval(state?.timer);
      queue.concurrency = Math.max(1, Math.floor(queue.concurrency / 2));
      const timer = setInterval(() => {
        queue.concurrency = Math.min(base, queue.concurrency + 1);
        if (queue.concurrency >= base) {
          clearInterval(timer);
          this.recovering.delete(key);
        }
      }, RECOVERY_STEP_MS);
      timer.unref();
      this.recovering.set(key, { base, timer });
    }
    if (options.pauseMs !== undefined && options.pauseMs > 0) {
      queue.pause();
      setTimeout(() => queue.start(), options.pauseMs).unref();
    }
  }

  /** The lane's concurrency right now (lower than configured while recovering from throttling). */
  concurrency(family: ApiFamily, options: ScheduleOptions = {}): number {
    return this.queue(family, options.write ?? false, options.scope ?? '').concurrency;
  }

  /** Resolves when every queue is idle. */
  async onIdle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.onIdle()));
  }

  private queue(family: ApiFamily, write: boolean, scope: string): PQueue {
    const key = queueKey(family, write, scope);
    let queue = this.queues.get(key);
    if (!queue) {
      const limit = this.limits[family];
      const rate = write ? (limit.writeRequestsPerSecond ?? limit.requestsPerSecond) : limit.requestsPerSecond;
      queue = new PQueue({ concurrency: limit.concurrency, ...rateWindow(rate) });
      this.queues.set(key, queue);
    }
    return queue;
  }
}

function queueKey(family: ApiFamily, write: boolean, scope: string): string {
  return `${family}|${write ? 'w' : 'r'}|${scope}`;
}

/**
 * p-queue expresses a rate as `intervalCap` runs per `interval` ms. Rates
 * below 1/s become one run per longer interval; fractional rates above 1/s
 * round down (255/min -> 4/s) so we stay under the limit. The sliding window
 * (`strict`) prevents a double burst at a window boundary.
 */
function rateWindow(requestsPerSecond: number): { intervalCap?: number; interval?: number; strict?: boolean } {
  if (!Number.isFinite(requestsPerSecond)) return {};
  if (requestsPerSecond >= 1) return { intervalCap: Math.floor(requestsPerSecond), interval: 1000, strict: true };
  return { intervalCap: 1, interval: Math.ceil(1000 / requestsPerSecond), strict: true };
}
