import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { accountScim, call, workspaceScim } from './test-helpers.js';

const WS = '1234567890123456';
let sim: Simulator;
let clock: number;

beforeEach(async () => {
  clock = 1_000_000;
  sim = createSimulator({
    workspaces: [{ workspaceId: WS }, { workspaceId: '222' }],
    accessTokenTtlSeconds: 60,
    now: () => clock,
  });
  await sim.listen();
});
afterEach(() => sim.close());

async function token(path: string, options: { auth?: string; form?: string; workspaceId?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  headers.authorization = options.auth ?? `Basic ${Buffer.from('onboarder-sp:simulator-secret').toString('base64')}`;
  if (options.workspaceId) headers['x-databricks-workspace-id'] = options.workspaceId;
  const response = await request(new URL(path, sim.url), {
    method: 'POST',
    headers,
    body: options.form ?? 'grant_type=client_credentials&scope=all-apis',
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}
const accountTokenPath = () => `/oidc/accounts/${sim.accountId}/v1/token`;

describe('PAT', () => {
  it('is accepted on account and workspace APIs', async () => {
    expect((await call(sim, 'GET', accountScim(sim, 'Groups'))).status).toBe(200);
    expect((await call(sim, 'GET', workspaceScim('Me'), { workspaceId: WS })).status).toBe(200);
  });

  it('missing or unknown bearer answers 401 UNAUTHENTICATED without echoing the token', async () => {
    const missing = await call(sim, 'GET', accountScim(sim, 'Groups'), { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error_code).toBe('UNAUTHENTICATED');
    const wrong = await call(sim, 'GET', accountScim(sim, 'Groups'), { token: 'dapi-not-a-real-one' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('dapi-not-a-real-one');
  });
});

describe('OAuth M2M', () => {
  it('issues an account token valid on account APIs only', async () => {
    const issued = await token(accountTokenPath());
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'Bearer', expires_in: 60, scope: 'all-apis' });
    const accessToken = issued.body.access_token as string;
    expect(accessToken.length).toBeGreaterThan(20);
    expect((await call(sim, 'GET', accountScim(sim, 'Users'), { token: accessToken })).status).toBe(200);
    const onWorkspace = await call(sim, 'GET', workspaceScim('Users'), { token: accessToken, workspaceId: WS });
    expect(onWorkspace.status).toBe(403);
    expect(onWorkspace.body.error_code).toBe('PERMISSION_DENIED');
  });

  it('issues a workspace token valid only for the workspace named on the token request', async () => {
    const issued = await token('/oidc/v1/token', { workspaceId: WS });
    expect(issued.status).toBe(200);
    const accessToken = issued.body.access_token as string;
    expect((await call(sim, 'GET', workspaceScim('Me'), { token: accessToken, workspaceId: WS })).status).toBe(200);
    expect((await call(sim, 'GET', workspaceScim('Me'), { token: accessToken, workspaceId: '222' })).status).toBe(403);
    expect((await call(sim, 'GET', accountScim(sim, 'Users'), { token: accessToken })).status).toBe(403);
  });

  it('workspace token request without the workspace header is a 400, unknown workspace a 404', async () => {
    expect((await token('/oidc/v1/token')).status).toBe(400);
    expect((await token('/oidc/v1/token', { workspaceId: '999' })).status).toBe(404);
  });

  it('accepts client credentials as form fields', async () => {
    const issued = await token(accountTokenPath(), {
      auth: '',
      form: 'grant_type=client_credentials&scope=all-apis&client_id=onboarder-sp&client_secret=simulator-secret',
    });
    expect(issued.status).toBe(200);
  });

  it('a wrong secret answers 401 invalid_client without echoing the secret', async () => {
    const issued = await token(accountTokenPath(), { auth: `Basic ${Buffer.from('onboarder-sp:guessed-secret').toString('base64')}` });
    expect(issued.status).toBe(401);
    expect(issued.body.error).toBe('invalid_client');
    expect(JSON.stringify(issued.body)).not.toContain('guessed-secret');
  });

  it('refuses other grant types', async () => {
    const issued = await token(accountTokenPath(), { form: 'grant_type=password&scope=all-apis' });
    expect(issued.status).toBe(400);
    expect(issued.body.error).toBe('unsupported_grant_type');
  });

  it('tokens expire after their lifetime and on demand', async () => {
    const first = (await token(accountTokenPath())).body.access_token as string;
    clock += 59_000;
    expect((await call(sim, 'GET', accountScim(sim, 'Users'), { token: first })).status).toBe(200);
    clock += 1_000;
    const expired = await call(sim, 'GET', accountScim(sim, 'Users'), { token: first });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);

    const second = (await token(accountTokenPath())).body.access_token as string;
    expect((await call(sim, 'GET', accountScim(sim, 'Users'), { token: second })).status).toBe(200);
    sim.expireAccessTokens();
    expect((await call(sim, 'GET', accountScim(sim, 'Users'), { token: second })).status).toBe(401);
  });
});

describe('routing', () => {
  it('workspace SCIM without the workspace header is a 400, an unknown workspace a 404', async () => {
    const missing = await call(sim, 'GET', workspaceScim('Users'));
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('X-Databricks-Workspace-Id');
    const unknown = await call(sim, 'GET', workspaceScim('Users'), { workspaceId: '999' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('a wrong account id is a 404', async () => {
    const response = await call(sim, 'GET', '/api/2.0/accounts/11111111-1111-1111-1111-111111111111/scim/v2/Groups');
    expect(response.status).toBe(404);
  });

  it('unmodelled routes under a known prefix answer 404 and are recorded', async () => {
    const response = await call(sim, 'POST', workspaceScim('Groups'), { workspaceId: WS, body: { displayName: 'local' } });
    expect(response.status).toBe(404);
    expect(response.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    expect(sim.requests.at(-1)).toMatchObject({ family: 'workspace-scim', status: 404, method: 'POST' });
  });

  it('url throws before listen', () => {
    expect(() => createSimulator().url).toThrow(/listen/);
  });
});
