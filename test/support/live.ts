/**
 * Helpers for tests of src/live: recorders for telemetry, logs and requests,
 * and a DatabricksHttp wired for speed (no rate limit, tiny backoff).
 */
import { http as mswHttp, HttpResponse, type RequestHandler } from 'msw';
import { pino, type Logger } from 'pino';
import type { ApiFamily, ApiTelemetry } from '../../src/domain/telemetry.js';
import { DatabricksHttp, type DatabricksHttpOptions } from '../../src/live/http.js';
import { FamilyLimiter } from '../../src/live/limiter.js';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { isLoopbackHost } from '../../src/domain/host-trust.js';
import { startMswHttpServer, type MswHttpServer } from '../../src/simulator/http-server.js';

export interface RecordedTelemetry extends ApiTelemetry {
  readonly finished: { family: ApiFamily; method: string; code: string; seconds: number }[];
  readonly throttledFamilies: ApiFamily[];
}

export function recordingTelemetry(): RecordedTelemetry {
  const finished: RecordedTelemetry['finished'] = [];
  const throttledFamilies: ApiFamily[] = [];
  return {
    finished,
    throttledFamilies,
    requestFinished: (event) => finished.push(event),
    throttled: (family) => throttledFamilies.push(family),
  };
}

/** A debug-level pino logger writing JSON lines to memory. */
export function captureLogger(): { logger: Logger; lines: string[]; records(): Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/**
 * The client modules' tests talk to msw servers and simulators on loopback
 * ports picked at random, so their clients trust loopback; what is trusted in
 * production is tested in src/live/http.test.ts and test/e2e/trusted-hosts.test.ts.
 */
export function trustLoopbackServers(url: URL): string | undefined {
  return isLoopbackHost(url.hostname) ? undefined : `${url.host} is not a loopback test server`;
}

export interface TestHttp {
  http: DatabricksHttp;
  telemetry: RecordedTelemetry;
  logs: ReturnType<typeof captureLogger>;
  /** Every backoff the client asked for, in ms. */
  sleeps: number[];
}

/** Backoff is recorded and skipped unless `realSleep` is set. */
export function testHttp(
  options: Partial<Omit<DatabricksHttpOptions, 'logger' | 'telemetry'>> & { realSleep?: boolean } = {},
): TestHttp {
  const telemetry = recordingTelemetry();
  const logs = captureLogger();
  const sleeps: number[] = [];
  const { realSleep, ...rest } = options;
  const http = new DatabricksHttp({
    limiter: FamilyLimiter.unlimited(),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    refuseCredentialsTo: trustLoopbackServers,
    ...rest,
    sleep: async (ms) => {
      sleeps.push(ms);
      if (realSleep) await new Promise((resolve) => setTimeout(resolve, ms));
    },
    logger: logs.logger,
    telemetry,
  });
  return { http, telemetry, logs, sleeps };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: string;
}

/**
 * Installs `handlers` plus a recorder that sees every request first and then
 * lets it fall through to them.
 */
export function useRecorded(server: MswHttpServer, ...handlers: RequestHandler[]): RecordedRequest[] {
  const recorded: RecordedRequest[] = [];
  server.use(...handlers);
  server.use(
    mswHttp.all('*', async ({ request }) => {
      const url = new URL(request.url);
      recorded.push({
        method: request.method,
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body: await request.clone().text(),
      });
      return undefined;
    }),
  );
  return recorded;
}

/**
 * A SCIM list endpoint over `items`, honouring startIndex/count and capping
 * pages at `maxPage` (servers may return fewer than asked). totalResults is
 * deliberately wrong: the client must not trust it.
 */
export function scimListHandler(
  path: string,
  items: readonly unknown[] | ((request: Request) => readonly unknown[]),
  maxPage = Infinity,
): RequestHandler {
  return mswHttp.get(path, ({ request }) => {
    const all = typeof items === 'function' ? items(request) : items;
    const url = new URL(request.url);
    const startIndex = Number(url.searchParams.get('startIndex') ?? '1');
    const count = Math.min(Number(url.searchParams.get('count') ?? '10000'), maxPage);
    const page = all.slice(startIndex - 1, startIndex - 1 + count);
    return HttpResponse.json({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: all.length + 7,
      startIndex,
      itemsPerPage: page.length,
      ...(page.length > 0 ? { Resources: page } : {}),
    });
  });
}

export interface MswFixture {
  /** The server of the current file (started in beforeAll). */
  readonly server: MswHttpServer;
  /** A test client whose pool is closed after the test. */
  http(options?: Parameters<typeof testHttp>[0]): TestHttp;
}

/**
 * One msw-over-HTTP server per test file, handlers reset and clients closed
 * after every test: the setup each client module's tests share.
 */
export function useMswServer(): MswFixture {
  let server: MswHttpServer | undefined;
  const clients: TestHttp[] = [];
  beforeAll(async () => {
    server = await startMswHttpServer([]);
  });
  afterEach(async () => {
    server?.resetHandlers();
    await Promise.all(clients.splice(0).map((client) => client.http.close()));
  });
  afterAll(() => server?.close());
  return {
    get server() {
      if (!server) throw new Error('useMswServer: the server starts in beforeAll');
      return server;
    },
    http(options) {
      const client = testHttp(options);
      clients.push(client);
      return client;
    },
  };
}

/** The ApiError a promise rejects with; fails the test if it resolves or rejects with something else. */
export async function apiFailure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}
