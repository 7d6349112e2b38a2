/**
 * Throttling, dropped connections and API errors, injected by the
 * simulator; and the promise that no credential ever reaches a log line,
 * an error or the output.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OAUTH_CLIENT, DEFAULT_PAT, type ReceivedRequest } from '../../src/simulator/index.js';
import { copyWithoutHosts, runCli, startSimulatedAccount, type SimulatedAccount } from '../support/harness.js';

let account: SimulatedAccount | undefined;
afterEach(async () => {
  await account?.close();
  account = undefined;
});

async function setUp(auth: 'pat' | 'oauth' = 'pat') {
  account = await startSimulatedAccount({ auth });
  const dir = await copyWithoutHosts();
  return { account, sim: account.sim, apply: () => runCli(['apply', dir], account!.env), plan: () => runCli(['plan', dir, '--detailed-exitcode'], account!.env) };
}

describe('retries', () => {
  it('429s from a rate-limited account are retried (honouring Retry-After) to convergence', async () => {
    const { sim, apply, plan } = await setUp();
    sim.faults.rateLimit = { requestsPerSecond: 20, retryAfterSeconds: 1 };
    const run = await apply();
    expect(run.stdout).toContain('0 failed, 0 skipped');
    expect(run.code).toBe(0);
    expect(sim.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    sim.faults.rateLimit = null;
    expect((await plan()).code).toBe(0);
  });

  it('dropped connections are retried for reads and idempotent writes', async () => {
    const { sim, apply, plan } = await setUp();
    sim.faults.dropNext(3, { method: 'GET' });
    sim.faults.dropNext(2, { method: 'PATCH' });
    sim.faults.dropNext(1, { method: 'PUT' });
    const run = await apply();
    expect(run.code).toBe(0);
    expect(sim.requests.filter((r) => r.status === 0).length).toBe(6);
    expect((await plan()).code).toBe(0);
  });

  it('a 503 on a create is retried; the group is created once', async () => {
    const { sim, apply } = await setUp();
    sim.faults.failNext(2, { status: 503, method: 'POST', pathIncludes: '/scim/v2/Groups' });
    expect((await apply()).code).toBe(0);
    expect(sim.state.groups.filter((g) => g.displayName === 'acme-platform-admins')).toHaveLength(1);
  });

  it('a 400 is not retried and is reported with the API message; the next apply converges', async () => {
    const { sim, apply, plan } = await setUp();
    sim.faults.failNext(1, {
      status: 400,
      method: 'POST',
      pathIncludes: '/scim/v2/Groups',
      errorCode: 'INVALID_PARAMETER_VALUE',
      message: 'Group display name is not allowed here',
    });
    const run = await apply();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAILED +\+ group \S+: POST \S+ failed: 400 \S+: .*Group display name is not allowed here/);
    expect(run.stdout).toMatch(/1 failed, [1-9]\d* skipped/);
    const groupCreates = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/scim/v2/Groups'));
    expect(groupCreates).toHaveLength(7); // 7 persona groups, the failed one tried exactly once
    expect(groupCreates.filter((r) => r.status === 400)).toHaveLength(1);
    expect((await apply()).code).toBe(0);
    expect((await plan()).code).toBe(0);
  });
});

describe('secrets', () => {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  /** Each credential as sent and in the forms a server or a library may hand it back in. */
  const forms = (secret: string) => [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    base64(secret),
    base64(secret).replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
  ];
  const basic = base64(`${DEFAULT_OAUTH_CLIENT.clientId}:${DEFAULT_OAUTH_CLIENT.clientSecret}`);
  const SECRET_FORMS = [...forms(DEFAULT_PAT), ...forms(DEFAULT_OAUTH_CLIENT.clientSecret), ...forms(`Basic ${basic}`), basic, 'sim-oauth.'];
  // Case-insensitive, so a lower- or upper-cased copy counts as a leak too.
  const leaks = (text: string) => SECRET_FORMS.filter((form) => text.toLowerCase().includes(form.toLowerCase()));

  /** A badly behaved server: its error message repeats the credential it got, in every form. */
  const echoCredentials = ({ headers, body }: ReceivedRequest): string => {
    const authorization = headers.get('authorization') ?? '';
    const [scheme, credential = ''] = authorization.split(' ');
    const decoded = scheme === 'Basic' ? Buffer.from(credential, 'base64').toString() : credential;
    const secret = scheme === 'Basic' ? decoded.slice(decoded.indexOf(':') + 1) : credential;
    return [
      `echo: header ${authorization}`,
      `lower ${authorization.toLowerCase()}`,
      `url ${encodeURIComponent(authorization)}`,
      `form ${new URLSearchParams({ authorization, secret }).toString()}`,
      `body ${body}`,
      `decoded ${decoded}`,
      `base64 ${base64(secret)}`,
    ].join('; ');
  };

  it.each(['pat', 'oauth'] as const)('no %s credential appears in any form, even when the server echoes it back in each', async (auth) => {
    const { sim, apply, plan } = await setUp(auth);
    if (auth === 'oauth') sim.faults.failNext(1, { status: 400, family: 'oauth', message: echoCredentials });
    sim.faults.failNext(1, { status: 400, method: 'GET', pathIncludes: '/scim/v2/', message: echoCredentials });
    const runs = [await plan(), await plan(), await apply(), await plan()];
    const everything = runs.map((r) => r.stdout + r.stderr + r.logs).join('\n');
    const echoes = runs.filter((r) => r.stderr.includes('echo: header'));
    // The echoes really reached the output, redacted: the token request's (oauth) and a SCIM read's.
    expect(echoes).toHaveLength(auth === 'oauth' ? 2 : 1);
    for (const run of echoes) {
      expect(run.stderr).toMatch(/echo: header [^;]*\[REDACTED\]; lower [^;]*\[REDACTED\]; url [^;]*\[REDACTED\]; form [^;]*\[REDACTED\].*; base64 \[REDACTED\]$/m);
    }
    expect(runs.at(-1)!.code).toBe(0);
    expect(leaks(everything)).toEqual([]);
  });

  it.each(['pat', 'oauth'] as const)('no %s credential appears in debug logs, output or errors, even on failures', async (auth) => {
    const { sim, apply, plan } = await setUp(auth);
    sim.faults.failNext(1, { status: 400, method: 'PATCH', message: 'rejected' });
    sim.faults.dropNext(1, { method: 'POST', pathIncludes: '/scim/v2/Users' });
    sim.faults.failNext(2, { status: 503 });
    const runs = [await apply(), await apply(), await plan()];
    sim.expireAccessTokens();
    runs.push(await plan());
    const everything = runs.map((r) => r.stdout + r.stderr + r.logs).join('\n');
    expect(runs[0]!.logs.split('\n').length).toBeGreaterThan(50); // debug logging really was on
    expect(everything).toMatch(/"level":20/);
    expect(leaks(everything)).toEqual([]);
  });

  it('wrong credentials fail with a clear message that does not echo them', async () => {
    const { account } = await setUp('oauth');
    const dir = await copyWithoutHosts();
    const run = await runCli(['plan', dir], { ...account.env, DATABRICKS_CLIENT_SECRET: 'not-the-secret-0123456789' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/401/);
    expect(run.stderr + run.logs).not.toContain('not-the-secret-0123456789');
  });
});
