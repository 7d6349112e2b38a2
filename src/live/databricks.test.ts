import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { captureLogger, recordingTelemetry, scimListHandler, useMswServer, useRecorded } from '../../test/support/live.js';
import { ConfigError } from '../domain/errors.js';
import { createDatabricks, type DatabricksOptions } from './databricks.js';
import { unlimitedFamilyLimits } from './limiter.js';
import { normalizeBaseUrl } from './url.js';
import { isLoopbackHost, originPattern } from '../domain/host-trust.js';

const ACCOUNT_ID = 'acc-1';
const SECRET = 'dose-factory-secret-999';

const mock = useMswServer();

function options(overrides: Partial<DatabricksOptions> = {}): DatabricksOptions {
  return {
    accountHost: mock.server.url,
    accountId: ACCOUNT_ID,
    credentials: { type: 'pat', token: 'dapi-f' },
    trustedHosts: [originPattern(new URL(mock.server.url))],
    logger: captureLogger().logger,
    telemetry: recordingTelemetry(),
    limits: unlimitedFamilyLimits(),
    ...overrides,
  };
}

describe('plain-http refusal', () => {
  it('refuses a plain-http account host that is not loopback', () => {
    expect(() => createDatabricks(options({ accountHost: 'http://accounts.example.com' }))).toThrow(ConfigError);
  });

  it('refuses a plain-http workspace host that is not loopback', async () => {
    const databricks = createDatabricks(options());
    expect(() => databricks.workspace({ name: 'prod', workspaceId: '1', host: 'http://adb-1.example.com' })).toThrow(/use https/);
    await databricks.close();
  });

  it('accepts https, loopback http, and a bare host name as https', () => {
    expect(normalizeBaseUrl('adb-1.azuredatabricks.net/')).toBe('https://adb-1.azuredatabricks.net');
    expect(normalizeBaseUrl('http://127.0.0.2:8080')).toBe('http://127.0.0.2:8080');
    expect(normalizeBaseUrl('http://localhost:1')).toBe('http://localhost:1');
    expect(normalizeBaseUrl('http://[::1]:1')).toBe('http://[::1]:1');
    expect(() => normalizeBaseUrl('http://10.0.0.1')).toThrow(ConfigError);
    expect(() => normalizeBaseUrl('https://user:pw@host.example')).toThrow(ConfigError);
    expect(isLoopbackHost('127.255.0.1')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.evil.com')).toBe(false);
  });
});

describe('createDatabricks', () => {
  it('authenticates account APIs with the account token and workspace APIs with that host’s token', async () => {
    let accountTokens = 0;
    let workspaceTokens = 0;
    const recorded = useRecorded(
      mock.server,
      http.post(`/oidc/accounts/${ACCOUNT_ID}/v1/token`, () => HttpResponse.json({ access_token: `acct-${++accountTokens}`, expires_in: 3600 })),
      http.post('/oidc/v1/token', () => HttpResponse.json({ access_token: `ws-${++workspaceTokens}`, expires_in: 3600 })),
      scimListHandler(`/api/2.0/accounts/${ACCOUNT_ID}/scim/v2/Groups`, []),
      scimListHandler('/api/2.0/preview/scim/v2/Groups', []),
      http.get(`/api/2.0/accounts/${ACCOUNT_ID}/workspaces/7/permissionassignments`, () => HttpResponse.json({})),
    );
    const logs = captureLogger();
    const databricks = createDatabricks(
      options({ credentials: { type: 'oauth-m2m', clientId: 'sp-1', clientSecret: SECRET }, logger: logs.logger }),
    );
    await databricks.account.listGroups();
    await databricks.workspace({ name: 'prod', workspaceId: '7', host: mock.server.url }).listGroups();
    await databricks.assignments('7').list();
    const auth = (path: string) => recorded.find((r) => r.path === path)?.headers.get('authorization');
    expect(auth(`/api/2.0/accounts/${ACCOUNT_ID}/scim/v2/Groups`)).toBe('Bearer acct-1');
    expect(auth('/api/2.0/preview/scim/v2/Groups')).toBe('Bearer ws-1');
    expect(auth(`/api/2.0/accounts/${ACCOUNT_ID}/workspaces/7/permissionassignments`)).toBe('Bearer acct-1');
    expect([accountTokens, workspaceTokens]).toEqual([1, 1]);
    expect(databricks.describeAuth()).toBe('oauth-m2m client sp-1');
    expect(logs.lines.join('\n')).not.toContain(SECRET);
    await databricks.close();
  });

  it('uses the default workspace host when a workspace names none, and fails clearly without one', async () => {
    const withDefault = createDatabricks(options({ defaultWorkspaceHost: mock.server.url }));
    const recorded = useRecorded(mock.server, scimListHandler('/api/2.0/preview/scim/v2/Users', []));
    await withDefault.workspace({ name: 'prod', workspaceId: '7' }).listUsers();
    expect(recorded[0]?.headers.get('x-databricks-workspace-id')).toBe('7');
    await withDefault.close();

    const without = createDatabricks(options());
    expect(() => without.workspace({ name: 'prod', workspaceId: '7' })).toThrow(ConfigError);
    await without.close();
  });

  it.each([
    { auth: 'a PAT', credentials: { type: 'pat', token: 'dapi-never-sent-0123' } },
    { auth: 'OAuth client credentials', credentials: { type: 'oauth-m2m', clientId: 'sp-1', clientSecret: SECRET } },
  ] as const)('refuses to send $auth to a host it does not trust, naming the host and nothing else', async ({ credentials }) => {
    // The same server under another loopback name: a different origin, so anything it records reached it.
    const foreign = `http://localhost:${new URL(mock.server.url).port}`;
    const recorded = useRecorded(
      mock.server,
      http.post('/oidc/v1/token', () => HttpResponse.json({ access_token: 'ws-1', expires_in: 3600 })),
      scimListHandler('/api/2.0/preview/scim/v2/Groups', []),
    );
    const logs = captureLogger();
    const databricks = createDatabricks(options({ credentials, logger: logs.logger }));
    const error = await databricks
      .workspace({ name: 'prod', workspaceId: '7', host: foreign })
      .listGroups()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^refusing to send credentials: localhost:\\d+ is not a trusted host`));
    expect(recorded).toEqual([]);
    const secret = credentials.type === 'pat' ? credentials.token : credentials.clientSecret;
    expect([(error as Error).message, ...logs.lines].join('\n')).not.toContain(secret);

    // The trusted origin of the same server is served.
    await databricks.workspace({ name: 'prod', workspaceId: '7', host: mock.server.url }).listGroups();
    expect(recorded.length).toBeGreaterThan(0);
    await databricks.close();
  });
});
