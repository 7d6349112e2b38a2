/**
 * Fault knobs: throttling, scripted failures, dropped connections, latency and
 * list lag. They are plain mutable state so a test can turn them on and off
 * between two requests; the route wrapper consults them before auth and logic.
 */

export type Family =
  | 'oauth'
  | 'account-scim'
  | 'workspace-scim'
  | 'workspace-assignment'
  | 'unity-catalog'
  | 'sql-warehouses'
  | 'cluster-policies'
  | 'workspace'
  | 'permissions';

export interface RateLimitKnob {
  requestsPerSecond: number;
  /** Value of the Retry-After header; default 1. */
  retryAfterSeconds?: number;
  /** Families the limit applies to; default all. */
  families?: Family[];
}

/**
 * Random faults, for soak tests: each request independently fails with a 5xx
 * (`errorRate`) or loses its connection (`dropRate`). Half of the drops
 * happen after the request was carried out: the answer is lost, the write is
 * not, which is what a timeout looks like from the client.
 */
export interface ChaosKnob {
  errorRate: number;
  dropRate: number;
  /** Families it applies to; default all but OAuth. */
  families?: Family[];
  /** A seeded source in [0, 1) makes a run repeatable; default Math.random. */
  random?: () => number;
}

export interface FaultMatch {
  method?: string;
  pathIncludes?: string;
  family?: Family;
}

/** What a scripted failure may echo of the request it answers. */
export interface ReceivedRequest {
  headers: Headers;
  body: string;
}

export interface ScriptedFailure extends FaultMatch {
  status: number;
  errorCode?: string;
  /** The error message; a function makes a server that echoes what it received (as badly behaved ones do). */
  message?: string | ((received: ReceivedRequest) => string);
}

export interface FaultKnobs {
  rateLimit: RateLimitKnob | null;
  chaos: ChaosKnob | null;
  latencyMs: number;
  /** Objects created less than this long ago are missing from lists (GET by id still finds them). */
  listLagMs: number;
  /**
   * Account principals created less than this long ago are not yet visible to
   * Unity Catalog (`PRINCIPAL_DOES_NOT_EXIST`), as after a real SCIM create.
   */
  principalPropagationMs: number;
  /** The next `count` matching requests answer `failure.status` with an error body. */
  failNext(count: number, failure: ScriptedFailure): void;
  /** The next `count` matching requests get their connection destroyed; with `afterHandling`, once the request was carried out. */
  dropNext(count: number, match?: FaultMatch & { afterHandling?: boolean }): void;
  /** Turns every knob off and forgets scripted failures and drops. */
  reset(): void;
}

export interface RequestFacts {
  method: string;
  path: string;
  family: Family;
}

export type FaultDecision =
  | { kind: 'drop'; afterHandling?: boolean }
  | { kind: 'fail'; failure: ScriptedFailure }
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'none' };

interface Scripted<T> {
  remaining: number;
  rule: T;
}

function matches(match: FaultMatch, request: RequestFacts): boolean {
  if (match.method && match.method.toUpperCase() !== request.method) return false;
  if (match.pathIncludes && !request.path.includes(match.pathIncludes)) return false;
  if (match.family && match.family !== request.family) return false;
  return true;
}

function takeScripted<T extends FaultMatch>(queue: Scripted<T>[], request: RequestFacts): T | undefined {
  const entry = queue.find((candidate) => candidate.remaining > 0 && matches(candidate.rule, request));
  if (!entry) return undefined;
  entry.remaining -= 1;
  if (entry.remaining === 0) queue.splice(queue.indexOf(entry), 1);
  return entry.rule;
}

const CHAOS_STATUSES = [500, 502, 503, 504] as const;

export class Faults implements FaultKnobs {
  rateLimit: RateLimitKnob | null = null;
  chaos: ChaosKnob | null = null;
  latencyMs = 0;
  listLagMs = 0;
  principalPropagationMs = 0;

  private failures: Scripted<ScriptedFailure>[] = [];
  private drops: Scripted<FaultMatch & { afterHandling?: boolean }>[] = [];
  // The bucket refills from full whenever the knob object is replaced.
  private bucket: { knob: RateLimitKnob; tokens: number; refilledAt: number } | null = null;

  constructor(private readonly now: () => number) {}

  failNext(count: number, failure: ScriptedFailure): void {
    if (count > 0) this.failures.push({ remaining: count, rule: { ...failure } });
  }
  dropNext(count: number, match: FaultMatch & { afterHandling?: boolean } = {}): void {
    if (count > 0) this.drops.push({ remaining: count, rule: { ...match } });
  }
  reset(): void {
    this.rateLimit = null;
    this.chaos = null;
    this.latencyMs = 0;
    this.listLagMs = 0;
    this.principalPropagationMs = 0;
    this.failures = [];
    this.drops = [];
    this.bucket = null;
  }

  decide(request: RequestFacts): FaultDecision {
    const drop = takeScripted(this.drops, request);
    if (drop) return { kind: 'drop', afterHandling: drop.afterHandling === true };
    const failure = takeScripted(this.failures, request);
    if (failure) return { kind: 'fail', failure };
    const chaos = this.chaos;
    if (chaos && (chaos.families ? chaos.families.includes(request.family) : request.family !== 'oauth')) {
      const random = chaos.random ?? Math.random;
      const roll = random();
      if (roll < chaos.dropRate) return { kind: 'drop', afterHandling: random() < 0.5 };
      if (roll < chaos.dropRate + chaos.errorRate) {
        const status = CHAOS_STATUSES[Math.floor(random() * CHAOS_STATUSES.length)]!;
        return { kind: 'fail', failure: { status } };
      }
    }
    const knob = this.rateLimit;
    if (knob && (!knob.families || knob.families.includes(request.family)) && !this.takeToken(knob)) {
      return { kind: 'throttle', retryAfterSeconds: knob.retryAfterSeconds ?? 1 };
    }
    return { kind: 'none' };
  }

  /** Token bucket holding one second of requests (at least one). */
  private takeToken(knob: RateLimitKnob): boolean {
    const capacity = Math.max(1, knob.requestsPerSecond);
    const now = this.now();
    if (this.bucket?.knob !== knob) this.bucket = { knob, tokens: capacity, refilledAt: now };
    const bucket = this.bucket;
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.refilledAt) / 1000) * knob.requestsPerSecond);
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
