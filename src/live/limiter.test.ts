import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../domain/errors.js';
import { DEFAULT_FAMILY_LIMITS, FamilyLimiter } from './limiter.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FamilyLimiter', () => {
  it('caps concurrency per family', async () => {
    const limiter = new FamilyLimiter({ workspace: { concurrency: 2, requestsPerSecond: Infinity } });
    let running = 0;
    let peak = 0;
    const task = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await tick(10);
      running -= 1;
    };
    await Promise.all(Array.from({ length: 6 }, () => limiter.schedule('workspace', task)));
    expect(peak).toBe(2);
  });

  it('limits the rate, with reads and writes in separate lanes', async () => {
    const limiter = new FamilyLimiter({ 'account-scim': { concurrency: 10, requestsPerSecond: 20, writeRequestsPerSecond: 2 } });
    const started = Date.now();
    const reads = Promise.all(Array.from({ length: 10 }, () => limiter.schedule('account-scim', async () => Date.now() - started)));
    const writes = Array.from({ length: 3 }, () => limiter.schedule('account-scim', async () => Date.now() - started, { write: true }));
    expect(Math.max(...(await reads))).toBeLessThan(500); // 10 reads fit in the first second
    const writeTimes = await Promise.all(writes);
    expect(writeTimes[2]).toBeGreaterThanOrEqual(900); // the third write waits for the next window
  });

  it('keeps a queue per scope, so one workspace does not slow another', async () => {
    const limiter = new FamilyLimiter({ 'workspace-scim': { concurrency: 1, requestsPerSecond: 1 } });
    const started = Date.now();
    const times = await Promise.all(
      ['https://a', 'https://b', 'https://c'].map((scope) => limiter.schedule('workspace-scim', async () => Date.now() - started, { scope })),
    );
    expect(Math.max(...times)).toBeLessThan(500);
  });

  it('applies overrides on top of the defaults and rejects nonsense', () => {
    const limiter = new FamilyLimiter({ 'workspace-scim': { requestsPerSecond: 1 } });
    expect(limiter.limit('workspace-scim')).toEqual({ ...DEFAULT_FAMILY_LIMITS['workspace-scim'], requestsPerSecond: 1 });
    expect(limiter.limit('account-scim')).toEqual(DEFAULT_FAMILY_LIMITS['account-scim']);
    expect(() => new FamilyLimiter({ oauth: { concurrency: 0 } })).toThrow(ConfigError);
    expect(() => new FamilyLimiter({ oauth: { requestsPerSecond: -1 } })).toThrow(ConfigError);
  });
});

describe('FamilyLimiter after a 429', () => {
  const fast = { concurrency: 8, requestsPerSecond: Infinity, writeRequestsPerSecond: Infinity };

  it('halves the lane concurrency and steps it back up while no 429 follows', () => {
    vi.useFakeTimers();
    try {
      const limiter = new FamilyLimiter({ 'account-scim': fast });
      const lane = { write: true, scope: 'https://accounts' };
      limiter.throttled('account-scim', lane);
      expect(limiter.concurrency('account-scim', lane)).toBe(4);
      limiter.throttled('account-scim', lane);
      expect(limiter.concurrency('account-scim', lane)).toBe(2);
      // Other lanes and scopes are untouched.
      expect(limiter.concurrency('account-scim', { write: false, scope: 'https://accounts' })).toBe(8);
      vi.advanceTimersByTime(5_000);
      expect(limiter.concurrency('account-scim', lane)).toBe(3);
      vi.advanceTimersByTime(60_000);
      expect(limiter.concurrency('account-scim', lane)).toBe(8);
    } finally {
      vi.useRealTimers();
    }
  });

  it('holds the whole lane for Retry-After', async () => {
    const limiter = new FamilyLimiter({ 'workspace-scim': fast });
    limiter.throttled('workspace-scim', { scope: 'https://ws', pauseMs: 300 });
    const started = performance.now();
    await limiter.schedule('workspace-scim', async () => undefined, { scope: 'https://ws' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    // Another workspace is not held.
    const other = performance.now();
    await limiter.schedule('workspace-scim', async () => undefined, { scope: 'https://other' });
    expect(performance.now() - other).toBeLessThan(100);
  });
});
