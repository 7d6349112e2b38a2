import { createServer } from 'node:net';
import { http, HttpResponse, delay } from 'msw';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureLogger, useMswServer, useRecorded, apiFailure, trustLoopbackServers } from '../../test/support/live.js';
import { ConfigError } from '../domain/errors.js';
import { originPattern, untrustedReason } from '../domain/host-trust.js';
import { patTokenSource } from './auth.js';
import { DatabricksHttp } from './http.js';
import { keepInt64AsStrings } from './json-int64.js';
import { FamilyLimiter } from './limiter.js';

const TOKEN = 'dapi-super-secret-token-0123456789';
const okSchema = z.object({ ok: z.boolean() });

const mock = useMswServer();

describe('DatabricksHttp retries', () => {
  it('waits at least Retry-After after a 429, then succeeds; telemetry counts each attempt', async () => {
    const t = mock.http({ realSleep: true });
    let calls = 0;
    useRecorded(
      mock.server,
      http.get('/api/x', () =>
        ++calls === 1
          ? HttpResponse.json({ error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { status: 429, headers: { 'Retry-After': '1' } })
          : HttpResponse.json({ ok: true }),
      ),
    );
    const started = Date.now();
    await expect(t.http.request({ family: 'account-scim', method: 'GET', baseUrl: mock.server.url, path: '/api/x', schema: okSchema })).resolves.toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(calls).toBe(2);
    expect(t.sleeps).toHaveLength(1);
    expect(t.sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(t.telemetry.throttledFamilies).toEqual(['account-scim']);
    expect(t.telemetry.finished.map((e) => [e.family, e.method, e.code])).toEqual([
      ['account-scim', 'GET', '429'],
      ['account-scim', 'GET', '200'],
    ]);
    const warnings = t.logs.records().filter((r) => r.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ family: 'account-scim', method: 'GET', path: '/api/x', status: 429, attempt: 1 });
  });

  it('retries 503 even for a POST (the request was not processed)', async () => {
    const t = mock.http();
    let calls = 0;
    useRecorded(mock.server, http.post('/api/create', () => (++calls < 3 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({ ok: true }))));
    await expect(t.http.request({ family: 'workspace', method: 'POST', baseUrl: mock.server.url, path: '/api/create', body: {}, schema: okSchema })).resolves.toEqual({ ok: true });
    expect(calls).toBe(3);
    expect(t.telemetry.finished.map((e) => e.code)).toEqual(['503', '503', '200']);
    expect(t.telemetry.throttledFamilies).toEqual([]);
  });

  it('retries a dropped connection for a GET', async () => {
    const t = mock.http();
    let calls = 0;
    useRecorded(mock.server, http.get('/api/drop', () => (++calls === 1 ? HttpResponse.error() : HttpResponse.json({ ok: true }))));
    await expect(t.http.request({ family: 'workspace', method: 'GET', baseUrl: mock.server.url, path: '/api/drop', schema: okSchema })).resolves.toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(t.telemetry.finished.map((e) => e.code)).toEqual(['UND_ERR_SOCKET', '200']);
  });

  it('does not retry a dropped connection for a non-idempotent POST', async () => {
    const t = mock.http();
    let calls = 0;
    useRecorded(mock.server, http.post('/api/drop', () => (++calls, HttpResponse.error())));
    const error = await apiFailure(t.http.request({ family: 'account-scim', method: 'POST', baseUrl: mock.server.url, path: '/api/drop', body: { a: 1 }, schema: okSchema }));
    expect(calls).toBe(1);
    expect(error.status).toBe(0);
    expect(error.errorCode).toBe('UND_ERR_SOCKET');
    expect(error.retryable).toBe(false);
    expect(t.sleeps).toEqual([]);
  });

  it('retries a dropped connection for a POST that opts in as idempotent', async () => {
    const t = mock.http();
    let calls = 0;
    useRecorded(mock.server, http.post('/api/token', () => (++calls === 1 ? HttpResponse.error() : HttpResponse.json({ ok: true }))));
    await expect(t.http.request({ family: 'oauth', method: 'POST', baseUrl: mock.server.url, path: '/api/token', body: {}, idempotent: true, schema: okSchema })).resolves.toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it('retries a refused connection even for a POST (nothing was sent)', async () => {
    const port = await freePort();
    const t = mock.http({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await apiFailure(t.http.request({ family: 'workspace', method: 'POST', baseUrl: `http://127.0.0.1:${port}`, path: '/x', body: {}, schema: okSchema }));
    expect(error.status).toBe(0);
    expect(error.errorCode).toBe('ECONNREFUSED');
    expect(t.telemetry.finished.map((e) => e.code)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
  });

  it('does not retry a 400; the error carries the API message and error_code', async () => {
    const t = mock.http();
    let calls = 0;
    useRecorded(
      mock.server,
      http.get('/api/bad', () => (++calls, HttpResponse.json({ error_code: 'INVALID_PARAMETER_VALUE', message: 'count must be positive' }, { status: 400 }))),
    );
    const error = await apiFailure(t.http.request({ family: 'workspace', method: 'GET', baseUrl: mock.server.url, path: '/api/bad', query: { count: -1 }, schema: okSchema }));
    expect(calls).toBe(1);
    expect(error.details).toMatchObject({
      family: 'workspace',
      method: 'GET',
      path: '/api/bad',
      status: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      apiMessage: 'count must be positive',
      retryable: false,
    });
    expect(error.message).toBe('GET /api/bad failed: 400 INVALID_PARAMETER_VALUE: count must be positive');
  });

  it('retries a SCIM 500 that says REQUEST_LIMIT_EXCEEDED (and counts it as throttling), not another 500 on a create', async () => {
    const t = mock.http();
    let calls = 0;
    useRecorded(
      mock.server,
      http.get('/scim/limit', () =>
        ++calls === 1
          ? HttpResponse.json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], detail: 'REQUEST_LIMIT_EXCEEDED: too many', status: '500' }, { status: 500 })
          : HttpResponse.json({ ok: true }),
      ),
      http.post('/scim/boom', () => HttpResponse.json({ error_code: 'INTERNAL_ERROR', message: 'boom' }, { status: 500 })),
    );
    await expect(t.http.request({ family: 'workspace-scim', method: 'GET', baseUrl: mock.server.url, path: '/scim/limit', schema: okSchema })).resolves.toEqual({ ok: true });
    expect(t.telemetry.throttledFamilies).toEqual(['workspace-scim']);
    const error = await apiFailure(t.http.request({ family: 'workspace-scim', method: 'POST', baseUrl: mock.server.url, path: '/scim/boom', schema: okSchema }));
    expect(error.status).toBe(500);
    expect(error.retryable).toBe(false);
    expect(calls).toBe(2);
  });

  it('retries 504 for GET only', async () => {
    const t = mock.http();
    const calls = { get: 0, post: 0 };
    useRecorded(
      mock.server,
      http.get('/api/slow', () => (++calls.get === 1 ? new HttpResponse('gateway timeout', { status: 504 }) : HttpResponse.json({ ok: true }))),
      http.post('/api/slow', () => (++calls.post, new HttpResponse('gateway timeout', { status: 504 }))),
    );
    await expect(t.http.request({ family: 'permissions', method: 'GET', baseUrl: mock.server.url, path: '/api/slow', schema: okSchema })).resolves.toEqual({ ok: true });
    const error = await apiFailure(t.http.request({ family: 'permissions', method: 'POST', baseUrl: mock.server.url, path: '/api/slow', body: {}, schema: okSchema }));
    expect(error.status).toBe(504);
    expect(calls).toEqual({ get: 2, post: 1 });
  });

  it('stops after maxAttempts and throws the last (retryable) error', async () => {
    const t = mock.http({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    let calls = 0;
    useRecorded(mock.server, http.get('/api/busy', () => (++calls, new HttpResponse(null, { status: 429 }))));
    const error = await apiFailure(t.http.request({ family: 'unity-catalog', method: 'GET', baseUrl: mock.server.url, path: '/api/busy', schema: okSchema }));
    expect(calls).toBe(3);
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(t.telemetry.throttledFamilies).toHaveLength(3);
  });

  it('gives up when the wait would exceed the retry budget', async () => {
    const t = mock.http({ retry: { totalBudgetMs: 5_000 } });
    let calls = 0;
    useRecorded(mock.server, http.get('/api/later', () => (++calls, new HttpResponse(null, { status: 503, headers: { 'Retry-After': '30' } }))));
    const error = await apiFailure(t.http.request({ family: 'workspace', method: 'GET', baseUrl: mock.server.url, path: '/api/later', schema: okSchema }));
    expect(calls).toBe(1);
    expect(error.details.retryAfterSeconds).toBe(30);
    expect(t.sleeps).toEqual([]);
  });

  it('maps a headers timeout to status 0 with the undici code', async () => {
    const t = mock.http({ timeouts: { headersMs: 50 }, retry: { maxAttempts: 1 } });
    useRecorded(mock.server, http.get('/api/hang', async () => {
      await delay(2_000); // undici checks timeouts on a ~1 s tick
      return HttpResponse.json({ ok: true });
    }));
    const error = await apiFailure(t.http.request({ family: 'workspace', method: 'GET', baseUrl: mock.server.url, path: '/api/hang', schema: okSchema }));
    expect(error.status).toBe(0);
    expect(error.errorCode).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(error.retryable).toBe(true);
  });
});

describe('DatabricksHttp responses and errors', () => {
  it('maps a SCIM error body to SCIM_<status> with scimType and detail', async () => {
    const t = mock.http();
    useRecorded(mock.server, http.post('/scim/Groups', () =>
      HttpResponse.json(
        { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], detail: 'Group with name eng already exists.', status: '409', scimType: 'uniqueness' },
        { status: 409 },
      ),
    ));
    const error = await apiFailure(t.http.request({ family: 'account-scim', method: 'POST', baseUrl: mock.server.url, path: '/scim/Groups', body: {}, schema: okSchema }));
    expect(error.details).toMatchObject({ status: 409, errorCode: 'SCIM_409', apiMessage: 'uniqueness Group with name eng already exists.', retryable: false });
  });

  it('rejects a response that does not match its schema with INVALID_RESPONSE, without the payload', async () => {
    const t = mock.http();
    useRecorded(mock.server, http.get('/api/shape', () => HttpResponse.json({ Resources: [{ id: 42, userName: 'private.person@example.com' }] })));
    const schema = z.object({ Resources: z.array(z.object({ id: z.string(), userName: z.string(), active: z.boolean() })) });
    const error = await apiFailure(t.http.request({ family: 'account-scim', method: 'GET', baseUrl: mock.server.url, path: '/api/shape', schema }));
    expect(error.errorCode).toBe('INVALID_RESPONSE');
    expect(error.status).toBe(200);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Resources[0].id');
    expect(error.message).toContain('Resources[0].active');
    expect(error.message).not.toContain('private.person');
  });

  it('rejects a 2xx body that is not JSON', async () => {
    const t = mock.http();
    useRecorded(mock.server, http.get('/api/html', () => HttpResponse.html('<html>login</html>')));
    const error = await apiFailure(t.http.request({ family: 'workspace', method: 'GET', baseUrl: mock.server.url, path: '/api/html', schema: okSchema }));
    expect(error.errorCode).toBe('INVALID_RESPONSE');
    expect(error.details.apiMessage).toBe('response body is not JSON');
  });

  it('accepts an empty 204 when the schema allows it', async () => {
    const t = mock.http();
    useRecorded(mock.server, http.delete('/api/thing', () => new HttpResponse(null, { status: 204 })));
    await expect(t.http.request({ family: 'workspace', method: 'DELETE', baseUrl: mock.server.url, path: '/api/thing', schema: z.unknown() })).resolves.toBeUndefined();
  });

  it('sends JSON, the bearer token, the workspace id header and the query', async () => {
    const t = mock.http();
    const recorded = useRecorded(mock.server, http.patch('/api/p', () => HttpResponse.json({ ok: true })));
    await t.http.request({
      family: 'workspace-scim',
      method: 'PATCH',
      baseUrl: mock.server.url,
      path: '/api/p',
      query: { a: 'x y', skip: undefined, n: 3 },
      body: { hello: 'world' },
      auth: patTokenSource(TOKEN),
      workspaceId: '1234567890123456789',
      schema: okSchema,
    });
    expect(recorded).toHaveLength(1);
    const [request] = recorded;
    expect(request?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.get('x-databricks-workspace-id')).toBe('1234567890123456789');
    expect(request?.query.toString()).toBe('a=x+y&n=3');
    expect(request?.body).toBe('{"hello":"world"}');
  });

  it('refuses plain http to a non-loopback host before sending anything', async () => {
    const t = mock.http();
    await expect(
      t.http.request({ family: 'workspace', method: 'GET', baseUrl: 'http://example.com', path: '/x', auth: patTokenSource(TOKEN), schema: okSchema }),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(t.telemetry.finished).toEqual([]);
  });
});

describe('DatabricksHttp int64 request bodies', () => {
  it('writes the named keys\' decimal strings as bare JSON numbers, leaving look-alikes in strings alone', async () => {
    const t = mock.http();
    const recorded = useRecorded(mock.server, http.patch('/api/bind', () => HttpResponse.json({ ok: true })));
    await t.http.request({
      family: 'unity-catalog',
      method: 'PATCH',
      baseUrl: mock.server.url,
      path: '/api/bind',
      body: { workspace_id: '9007199254740993', note: 'x,"workspace_id":"1"', add: [{ workspace_id: '-12' }, { workspace_id: 7 }], other: '5' },
      int64BodyFields: ['workspace_id'],
      schema: okSchema,
    });
    expect(recorded[0]?.body).toBe(
      '{"workspace_id":9007199254740993,"note":"x,\\"workspace_id\\":\\"1\\"","add":[{"workspace_id":-12},{"workspace_id":7}],"other":"5"}',
    );
  });

  it('refuses, before sending, a value that would not arrive as the exact integer', async () => {
    const t = mock.http();
    const recorded = useRecorded(mock.server, http.patch('/api/bind', () => HttpResponse.json({ ok: true })));
    const send = (body: unknown) =>
      t.http.request({ family: 'unity-catalog', method: 'PATCH', baseUrl: mock.server.url, path: '/api/bind', body, int64BodyFields: ['workspace_id'], schema: okSchema });
    await expect(send({ workspace_id: 'prod' })).rejects.toBeInstanceOf(RangeError);
    await expect(send({ workspace_id: 2 ** 53 + 2 })).rejects.toBeInstanceOf(RangeError);
    expect(recorded).toEqual([]);
  });
});

describe('DatabricksHttp secrets', () => {
  it('refuses credentials, bearer or an Authorization header of the caller, to an origin it does not trust, before asking for a token', async () => {
    const trustedOrigin = new URL(mock.server.url);
    // The same server under another loopback name is another origin: anything it records reached it.
    const foreign = `http://localhost:${trustedOrigin.port}`;
    const client = mock.http({ refuseCredentialsTo: (url) => untrustedReason(url, [originPattern(trustedOrigin)]) }).http;
    const recorded = useRecorded(mock.server, http.all('/api/ok', () => HttpResponse.json({ ok: true })));
    let tokensAsked = 0;
    const auth = { token: async () => (tokensAsked++, TOKEN), describe: () => 'pat' };
    const basic = `Basic ${Buffer.from(`client:${TOKEN}`).toString('base64')}`;
    const sent = [
      client.request({ family: 'workspace', method: 'GET', baseUrl: foreign, path: '/api/ok', auth, schema: okSchema }),
      client.request({ family: 'oauth', method: 'POST', baseUrl: foreign, path: '/api/ok', headers: { Authorization: basic }, schema: okSchema }),
    ];
    for (const request of sent) {
      const error = await request.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^refusing to send credentials: localhost:\d+ is not a trusted host/);
      expect((error as Error).message).not.toContain(TOKEN);
    }
    expect([recorded, tokensAsked]).toEqual([[], 0]);
    // Without credentials nothing needs trusting; with them, the trusted origin is served.
    await client.request({ family: 'workspace', method: 'GET', baseUrl: foreign, path: '/api/ok', schema: okSchema });
    await client.request({ family: 'workspace', method: 'GET', baseUrl: mock.server.url, path: '/api/ok', auth, schema: okSchema });
    expect(recorded.map((r) => [r.headers.get('host'), r.headers.get('authorization')])).toEqual([
      [`localhost:${trustedOrigin.port}`, null],
      [trustedOrigin.host, `Bearer ${TOKEN}`],
    ]);
  });

  it('keeps tokens out of errors, logs and telemetry, and redacts secret-looking query values', async () => {
    const logs = captureLogger();
    const events: unknown[] = [];
    const client = new DatabricksHttp({
      logger: logs.logger,
      telemetry: { requestFinished: (e) => events.push(e), throttled: (f) => events.push(f) },
      limiter: FamilyLimiter.unlimited(),
      retry: { baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 2 },
      sleep: async () => {},
      refuseCredentialsTo: trustLoopbackServers,
    });
    // A badly behaved server that echoes the Authorization header into its error message.
    useRecorded(mock.server, http.get('/api/echo', ({ request }) =>
      HttpResponse.json({ error_code: 'UNAUTHENTICATED', message: `bad header ${request.headers.get('authorization')} for token ${TOKEN}` }, { status: 429 }),
    ));
    const error = await apiFailure(
      client.request({ family: 'workspace', method: 'GET', baseUrl: mock.server.url, path: '/api/echo', query: { access_token: 'q-secret-value' }, auth: patTokenSource(TOKEN), schema: okSchema }),
    );
    expect(error.message).toContain('[REDACTED]');
    const everything = [error.message, JSON.stringify(error.details), ...logs.lines, JSON.stringify(events)].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('q-secret-value');
    expect(logs.lines.length).toBeGreaterThanOrEqual(3); // two debug lines and one warning
    expect(logs.lines.join('')).toContain('access_token=%5BREDACTED%5D');
    await client.close();
  });
});

describe('keepInt64AsStrings', () => {
  it('quotes integer values of the named keys, leaving escaped look-alikes in strings alone', () => {
    const text = '{"principal":{"principal_id": 9007199254740993,"display_name":"x \\"principal_id\\": 1"},"n":9007199254740993}';
    const parsed = JSON.parse(keepInt64AsStrings(text, ['principal_id'])) as { principal: { principal_id: unknown; display_name: string } };
    expect(parsed.principal.principal_id).toBe('9007199254740993');
    expect(parsed.principal.display_name).toBe('x "principal_id": 1');
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
