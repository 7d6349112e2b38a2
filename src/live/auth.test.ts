import { inspect } from 'node:util';
import { http, HttpResponse, delay } from 'msw';
import { describe, expect, it } from 'vitest';
import { useMswServer, useRecorded, type TestHttp } from '../../test/support/live.js';
import { ApiError } from '../domain/errors.js';
import {
  accountTokenUrl,
  createTokenSources,
  oauthM2mTokenSource,
  patTokenSource,
  protectCredentials,
  workspaceTokenUrl,
} from './auth.js';

const CLIENT_ID = 'onboarder-sp';
const CLIENT_SECRET = 'dose-very-secret-value-42';
const ACCOUNT_ID = '00000000-0000-0000-0000-000000000001';

let t: TestHttp;
const mock = useMswServer();

/** A token endpoint that numbers its tokens: tok-1, tok-2, … */
function tokenEndpoint(path: string, options: { expiresIn?: number; delayMs?: number } = {}) {
  let issued = 0;
  return http.post(path, async () => {
    if (options.delayMs) await delay(options.delayMs);
    issued += 1;
    return HttpResponse.json({ access_token: `tok-${issued}`, token_type: 'Bearer', expires_in: options.expiresIn ?? 3600, scope: 'all-apis' });
  });
}

describe('oauthM2mTokenSource', () => {
  it('posts client credentials with Basic auth once and caches the token', async () => {
    t = mock.http();
    const recorded = useRecorded(mock.server, tokenEndpoint('/oidc/v1/token'));
    const source = oauthM2mTokenSource({ http: t.http, tokenUrl: `${mock.server.url}/oidc/v1/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(await source.token()).toBe('tok-1');
    expect(await source.token()).toBe('tok-1');
    expect(recorded).toHaveLength(1);
    const [request] = recorded;
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('authorization')).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(request?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(request?.body).toBe('grant_type=client_credentials&scope=all-apis');
    expect(t.telemetry.finished.map((e) => e.family)).toEqual(['oauth']);
    expect(source.describe()).toBe(`oauth-m2m client ${CLIENT_ID}`);
  });

  it('refreshes before expiry: not before the margin, but once less than 5 minutes are left', async () => {
    t = mock.http();
    let now = 1_000_000;
    const recorded = useRecorded(mock.server, tokenEndpoint('/oidc/v1/token', { expiresIn: 3600 }));
    const source = oauthM2mTokenSource({ http: t.http, tokenUrl: `${mock.server.url}/oidc/v1/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, clock: () => now });
    expect(await source.token()).toBe('tok-1');
    now += 54 * 60_000; // 6 minutes left
    expect(await source.token()).toBe('tok-1');
    now += 2 * 60_000; // 4 minutes left
    expect(await source.token()).toBe('tok-2');
    expect(recorded).toHaveLength(2);
  });

  it('uses 10 % of the lifetime as the margin for short-lived tokens', async () => {
    t = mock.http();
    let now = 0;
    const recorded = useRecorded(mock.server, tokenEndpoint('/oidc/v1/token', { expiresIn: 60 }));
    const source = oauthM2mTokenSource({ http: t.http, tokenUrl: `${mock.server.url}/oidc/v1/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, clock: () => now });
    await source.token();
    now = 53_000;
    expect(await source.token()).toBe('tok-1');
    now = 55_000;
    expect(await source.token()).toBe('tok-2');
    expect(recorded).toHaveLength(2);
  });

  it('lets concurrent callers share one token request', async () => {
    t = mock.http();
    const recorded = useRecorded(mock.server, tokenEndpoint('/oidc/v1/token', { delayMs: 50 }));
    const source = oauthM2mTokenSource({ http: t.http, tokenUrl: `${mock.server.url}/oidc/v1/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const tokens = await Promise.all(Array.from({ length: 8 }, () => source.token()));
    expect(new Set(tokens)).toEqual(new Set(['tok-1']));
    expect(recorded).toHaveLength(1);
  });

  it('maps an OAuth error without revealing the secret, even when the server echoes it', async () => {
    t = mock.http();
    useRecorded(mock.server, http.post('/oidc/v1/token', ({ request }) =>
      HttpResponse.json(
        { error: 'invalid_client', error_description: `bad credentials ${request.headers.get('authorization')} (${CLIENT_SECRET})` },
        { status: 401 },
      ),
    ));
    const source = oauthM2mTokenSource({ http: t.http, tokenUrl: `${mock.server.url}/oidc/v1/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const error = await source.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).details).toMatchObject({ family: 'oauth', status: 401, errorCode: 'invalid_client' });
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    const everything = [(error as Error).message, JSON.stringify((error as ApiError).details), ...t.logs.lines].join('\n');
    expect(everything).not.toContain(CLIENT_SECRET);
    expect(everything).not.toContain(basic);
  });

  it('keeps serving a still-valid token when a refresh fails', async () => {
    t = mock.http({ retry: { maxAttempts: 1 } });
    let now = 0;
    let calls = 0;
    useRecorded(mock.server, http.post('/oidc/v1/token', () =>
      ++calls === 1 ? HttpResponse.json({ access_token: 'tok-1', expires_in: 3600 }) : new HttpResponse(null, { status: 500 }),
    ));
    const source = oauthM2mTokenSource({ http: t.http, tokenUrl: `${mock.server.url}/oidc/v1/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, clock: () => now });
    await source.token();
    now = 3_400_000; // inside the refresh margin, not expired
    expect(await source.token()).toBe('tok-1');
    now = 3_600_000; // expired
    await expect(source.token()).rejects.toBeInstanceOf(ApiError);
  });

  it('hides its internals from JSON and inspect', () => {
    t = mock.http();
    const source = oauthM2mTokenSource({ http: t.http, tokenUrl: `${mock.server.url}/oidc/v1/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(JSON.stringify(source)).not.toContain(CLIENT_SECRET);
    expect(inspect(source)).not.toContain(CLIENT_SECRET);
    const pat = patTokenSource('dapi-abc-123');
    expect(JSON.stringify({ pat })).not.toContain('dapi-abc-123');
    expect(inspect(pat)).toBe('TokenSource(pat)');
  });
});

describe('credentials and token sources', () => {
  it('protected credentials do not reveal secrets through JSON or inspect', () => {
    t = mock.http();
    const oauth = protectCredentials({ type: 'oauth-m2m', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const pat = protectCredentials({ type: 'pat', token: 'dapi-abc-123' });
    expect(oauth.clientSecret).toBe(CLIENT_SECRET);
    expect(JSON.stringify({ oauth, pat })).not.toMatch(/dose-very|dapi-abc/);
    expect(inspect({ oauth, pat }, { depth: 5 })).not.toMatch(/dose-very|dapi-abc/);
    expect(JSON.stringify(oauth)).toContain(CLIENT_ID);
  });

  it('builds the token URLs', () => {
    t = mock.http();
    expect(accountTokenUrl('https://accounts.cloud.databricks.com/', ACCOUNT_ID)).toBe(
      `https://accounts.cloud.databricks.com/oidc/accounts/${ACCOUNT_ID}/v1/token`,
    );
    expect(workspaceTokenUrl('https://adb-1.azuredatabricks.net')).toBe('https://adb-1.azuredatabricks.net/oidc/v1/token');
  });

  it('gives one OAuth source for the account and one per workspace host', async () => {
    t = mock.http();
    const recorded = useRecorded(
      mock.server,
      tokenEndpoint(`/oidc/accounts/${ACCOUNT_ID}/v1/token`),
      tokenEndpoint('/oidc/v1/token'),
    );
    const sources = createTokenSources({
      http: t.http,
      credentials: { type: 'oauth-m2m', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      accountHost: mock.server.url,
      accountId: ACCOUNT_ID,
    });
    await sources.account.token();
    await sources.workspace(mock.server.url, '42').token();
    expect(sources.workspace(`${mock.server.url}/`)).toBe(sources.workspace(mock.server.url));
    expect(recorded.map((r) => r.path)).toEqual([`/oidc/accounts/${ACCOUNT_ID}/v1/token`, '/oidc/v1/token']);
    expect(recorded[1]?.headers.get('x-databricks-workspace-id')).toBe('42');
  });

  it('uses a PAT everywhere', async () => {
    t = mock.http();
    const sources = createTokenSources({ http: t.http, credentials: { type: 'pat', token: 'dapi-x' }, accountHost: mock.server.url, accountId: ACCOUNT_ID });
    expect(await sources.account.token()).toBe('dapi-x');
    expect(await sources.workspace('https://a.example').token()).toBe('dapi-x');
    expect(sources.workspace('https://b.example')).toBe(sources.account);
  });
});
