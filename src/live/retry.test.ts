import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, retryDelayMs } from './retry.js';

describe('retry policy', () => {
  const response = (status: number, body = '') => ({ kind: 'response' as const, status, body });
  const transport = (code: string) => ({ kind: 'transport' as const, code });

  it.each([
    ['429 POST', 'workspace', 'POST', false, response(429), true],
    ['503 POST', 'workspace', 'POST', false, response(503), true],
    ['500 GET', 'workspace', 'GET', true, response(500), true],
    ['500 POST', 'workspace', 'POST', false, response(500), false],
    ['502 PUT', 'permissions', 'PUT', true, response(502), true],
    ['502 POST', 'sql-warehouses', 'POST', false, response(502), false],
    ['SCIM 500 limit', 'account-scim', 'PATCH', true, response(500, 'REQUEST_LIMIT_EXCEEDED'), true],
    ['non-SCIM 500 limit, POST', 'unity-catalog', 'POST', false, response(500, 'REQUEST_LIMIT_EXCEEDED'), false],
    ['504 GET', 'permissions', 'GET', true, response(504), true],
    ['504 PUT', 'permissions', 'PUT', true, response(504), true],
    ['504 POST', 'permissions', 'POST', false, response(504), false],
    ['400', 'workspace', 'GET', true, response(400), false],
    ['socket, idempotent', 'workspace', 'PUT', true, transport('UND_ERR_SOCKET'), true],
    ['socket, POST', 'workspace', 'POST', false, transport('UND_ERR_SOCKET'), false],
    ['refused, POST', 'workspace', 'POST', false, transport('ECONNREFUSED'), true],
  ] as const)('%s', (_name, family, _method, idempotent, outcome, expected) => {
    expect(isRetryable(family, idempotent, outcome)).toBe(expected);
  });

  it('jitters within the capped exponential and never waits less than Retry-After (capped)', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };
    expect(retryDelayMs(policy, 1, undefined, () => 0.999)).toBe(99);
    expect(retryDelayMs(policy, 3, undefined, () => 0.5)).toBe(200);
    expect(retryDelayMs(policy, 10, undefined, () => 0.999)).toBe(999);
    expect(retryDelayMs(policy, 1, undefined, () => 0)).toBe(0);
    expect(retryDelayMs(policy, 1, 2, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(policy, 1, 600, () => 0.5)).toBe(5_000);
  });

  it('parses Retry-After seconds and dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3);
    expect(parseRetryAfter(['7'], now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
