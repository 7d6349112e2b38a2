/**
 * The HTTP client against servers that misbehave on purpose (a real socket
 * on loopback, not a mock): every call ends within its deadline with a clear
 * error, and an answer far over the size cap is never read whole.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiFailure, testHttp, type TestHttp } from '../../test/support/live.js';
import { startHostileServer, type Hostility, type HostileServer } from '../../test/support/hostile-server.js';
import type { TokenSource } from './auth.js';
import { FamilyLimiter } from './limiter.js';
import type { HttpMethod } from './http.js';

const anything = z.unknown();
const MIB = 1024 * 1024;

let server: HostileServer | undefined;
const clients: TestHttp[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.http.close()));
  await server?.close();
  server = undefined;
});

async function setUp(hostility: Hostility, options: Parameters<typeof testHttp>[0] = {}) {
  server = await startHostileServer(hostility);
  const client = testHttp(options);
  clients.push(client);
  const url = server.url;
  const call = async (method: HttpMethod = 'GET', auth?: TokenSource) => {
    const started = performance.now();
    const error = await apiFailure(
      client.http.request({ family: 'account-scim', method, baseUrl: url, path: '/api/2.0/accounts/a/scim/v2/Groups', schema: anything, ...(auth ? { auth } : {}) }),
    );
    return { error, seconds: (performance.now() - started) / 1000 };
  };
  return { client, server, call };
}

describe('the request deadline', () => {
  it.each([
    ['a body trickling one byte every 200 ms', 'trickle'],
    ['a body that never ends', 'endless'],
    ['headers never sent', 'silent'],
  ] as const)('ends %s with REQUEST_TIMEOUT naming the family, method, path and deadline', async (_name, hostility) => {
    const { call, client } = await setUp(hostility, { timeouts: { requestMs: 1000 }, retry: { maxAttempts: 1 } });
    const { error, seconds } = await call();
    expect(error.details).toMatchObject({ status: 0, errorCode: 'REQUEST_TIMEOUT', family: 'account-scim', method: 'GET', retryable: true });
    expect(error.message).toBe(
      'GET /api/2.0/accounts/a/scim/v2/Groups failed: REQUEST_TIMEOUT: no complete answer from account-scim within the 1 s request deadline (--request-timeout)',
    );
    expect(seconds).toBeLessThan(10);
    expect(client.telemetry.finished.map((e) => e.code)).toEqual(['REQUEST_TIMEOUT']);
  });

  it('retries a timed-out read within the retry policy, but not a create', async () => {
    const { call, server, client } = await setUp('trickle', { timeouts: { requestMs: 500 }, retry: { maxAttempts: 3 } });
    expect((await call('GET')).error.errorCode).toBe('REQUEST_TIMEOUT');
    expect(server.requests).toBe(3);
    expect(client.sleeps).toHaveLength(2);
    const create = await call('POST');
    expect(create.error.errorCode).toBe('REQUEST_TIMEOUT');
    expect(create.error.retryable).toBe(false);
    expect(server.requests).toBe(4);
  });

  it('never retries a request whose command was stopped (ABORTED), even a read', async () => {
    const { client, server } = await setUp('trickle', { timeouts: { requestMs: 30_000 }, retry: { maxAttempts: 5 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const error = await apiFailure(
      client.http.withSignal(controller.signal, () =>
        client.http.request({ family: 'workspace-scim', method: 'GET', baseUrl: server.url, path: '/api/2.0/preview/scim/v2/Me', schema: anything }),
      ),
    );
    expect(error.errorCode).toBe('ABORTED');
    expect(error.retryable).toBe(false);
    expect(server.requests).toBe(1);
    expect((performance.now() - started) / 1000).toBeLessThan(10);
  });

  it('bounds the whole request, retries and backoff included, to the retry budget plus one deadline', async () => {
    const { call, server } = await setUp('silent', {
      timeouts: { requestMs: 800 },
      retry: { maxAttempts: 100, totalBudgetMs: 1_500, baseDelayMs: 1, maxDelayMs: 1 },
      realSleep: true,
    });
    const { error, seconds } = await call();
    expect(error.errorCode).toBe('REQUEST_TIMEOUT');
    expect(server.requests).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThan(1.5 + 0.8 + 5);
  });

  it('bounds it even when the token for a retry never comes', async () => {
    const { call, server } = await setUp('silent', { timeouts: { requestMs: 500 }, retry: { totalBudgetMs: 1_000 } });
    let tokens = 0;
    const stuckAfterFirst: TokenSource = {
      token: () => (++tokens === 1 ? Promise.resolve('tok-1') : new Promise<string>(() => undefined)),
      describe: () => 'stuck after the first token',
    };
    const { error, seconds } = await call('GET', stuckAfterFirst);
    expect(error.details).toMatchObject({ errorCode: 'REQUEST_TIMEOUT', retryable: false });
    expect(error.message).toContain('no answer from account-scim within 1500 ms, the retry budget plus one request deadline');
    expect(server.requests).toBe(1);
    expect(tokens).toBe(2);
    expect(seconds).toBeLessThan(1.5 + 5);
  });

  it('does not count the wait for a turn in the limiter before the first attempt', async () => {
    // One at a time, 300 ms each: the last of six waits 1.5 s for its turn, past budget plus deadline (0.7 s).
    server = await startHostileServer('slow', { slowMs: 300 });
    const client = testHttp({ timeouts: { requestMs: 600 }, retry: { totalBudgetMs: 100 }, limiter: new FamilyLimiter({ workspace: { concurrency: 1, requestsPerSecond: Infinity } }) });
    clients.push(client);
    const read = () => client.http.request({ family: 'workspace', method: 'GET', baseUrl: server!.url, path: '/x', schema: anything });
    await expect(Promise.all(Array.from({ length: 6 }, read))).resolves.toHaveLength(6);
    expect(server.requests).toBe(6);
  });
});

describe('the response size cap', () => {
  it('stops reading a streamed body that would be 1 GiB once it passes the cap, and drops the connection', async () => {
    const { call, server, client } = await setUp('huge', { maxResponseBytes: MIB, retry: { maxAttempts: 3 } });
    const before = process.memoryUsage();
    const { error } = await call();
    expect(error.details).toMatchObject({ status: 0, errorCode: 'RESPONSE_TOO_LARGE', retryable: false });
    expect(error.message).toMatch(
      /^GET \/api\/2\.0\/accounts\/a\/scim\/v2\/Groups failed: RESPONSE_TOO_LARGE: the account-scim answer \(HTTP 200\) is over the 1 MiB response cap; reading stopped at \d+ (bytes|KiB|MiB)$/,
    );
    expect(server.requests).toBe(1); // not retried
    expect(client.telemetry.finished.map((e) => e.code)).toEqual(['RESPONSE_TOO_LARGE']);
    // The server stops once the socket is gone; until then it may fill the socket buffers, nothing more.
    await sleep(200);
    const sent = server.bytesSent;
    await sleep(200);
    expect(server.bytesSent).toBe(sent);
    expect(sent).toBeLessThan(64 * MIB);
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(128 * MIB);
  });

  it('refuses a body whose Content-Length is over the cap without reading it', async () => {
    const { call } = await setUp('huge-declared', { maxResponseBytes: MIB });
    const { error } = await call();
    expect(error.errorCode).toBe('RESPONSE_TOO_LARGE');
    expect(error.details.apiMessage).toBe('the account-scim answer (HTTP 200) is over the 1 MiB response cap; it declares 1024 MiB');
  });

  it('reads an answer under the cap as before', async () => {
    const { client } = await setUp('silent');
    server = await startHostileServer('huge', { hugeBytes: 100_000 });
    const error = await apiFailure(client.http.request({ family: 'workspace', method: 'GET', baseUrl: server.url, path: '/x', schema: anything }));
    // 100,000 bytes of `a` arrived whole: they are refused as not JSON, not as too large.
    expect(error.errorCode).toBe('INVALID_RESPONSE');
    expect(server.bytesSent).toBe(100_000);
  });
});
