/**
 * Per-item backoff of the controller (an item is a customer, `account` for
 * account-wide objects, or the whole pass): each failure doubles the wait up
 * to a ceiling, with jitter so replicas and items do not retry in step.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 5 * 60_000 };

export interface Backoffs {
  /** One more failure of `item`: it is held back until its delay has passed. */
  fail(item: string): void;
  /** True when `item` is not held back. */
  due(item: string): boolean;
  /** Every item that is due and did not fail this time is healthy again. */
  recovered(failedNow: readonly string[]): void;
  /** When each held item is due again (epoch ms), except those `except` names. */
  dueDates(except?: string): Map<string, Date>;
  /** Forget `item`'s failures (it is no longer retried on a timer). */
  forget(item: string): void;
  /**
   * The earliest time an item that is still waiting comes due, or undefined
   * when none is waiting. An item already due is not a reason for another
   * pass: the pass that just ended selected it (or could not run it, and
   * then scheduled its own retry).
   */
  earliest(): number | undefined;
}

export function createBackoffs(policy: BackoffPolicy, now: () => number, random: () => number): Backoffs {
  const held = new Map<string, { failures: number; dueAt: number }>();
  const due = (item: string) => (held.get(item)?.dueAt ?? 0) <= now();
  return {
    fail(item) {
      const failures = (held.get(item)?.failures ?? 0) + 1;
      const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** (failures - 1)) * (0.5 + random() / 2);
      held.set(item, { failures, dueAt: now() + delay });
    },
    due,
    recovered(failedNow) {
      for (const item of [...held.keys()]) if (!failedNow.includes(item) && due(item)) held.delete(item);
    },
    dueDates(except) {
      return new Map([...held].filter(([item]) => item !== except).map(([item, b]) => [item, new Date(b.dueAt)]));
    },
    forget(item) {
      held.delete(item);
    },
    earliest() {
      const waiting = [...held.values()].map((b) => b.dueAt).filter((dueAt) => dueAt > now());
      return waiting.length === 0 ? undefined : Math.min(...waiting);
    },
  };
}
