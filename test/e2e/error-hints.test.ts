/**
 * Errors that say what to check, against the simulator over real HTTP: a
 * failed call names the account or the workspace it was for, its host and
 * the setting that gave that host (DATABRICKS_ACCOUNT_HOST, DATABRICKS_HOST,
 * the Workspace's `host`), and what its 401 or 403 usually means, without
 * ever echoing a credential. A port in use names the flag that chose it.
 */
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OAUTH_CLIENT } from '../../src/simulator/index.js';
import { copyWithoutHosts, EXAMPLE_DIR, runCli, startSimulatedAccount, type SimulatedAccount } from '../support/harness.js';

let account: SimulatedAccount | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await account?.close();
  blocker?.close();
  account = undefined;
  blocker = undefined;
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORKSPACE = 'workspace prod \\(1234567890123456\\)';

describe('a 401', () => {
  it('with a wrong token: names the call, its host and setting, and says to check DATABRICKS_TOKEN; never the token', async () => {
    account = await startSimulatedAccount();
    const wrongToken = 'dapi-not-the-token-0123456789abcdef';
    const run = await runCli(['plan', await copyWithoutHosts()], { ...account.env, DATABRICKS_TOKEN: wrongToken });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^onboarder: \w+ \/\S+ failed: 401 UNAUTHENTICATED: /m);
    // Account and workspace reads start together: whichever failed first is named, with the setting of its host.
    const url = escape(account.url);
    expect(run.stderr).toMatch(
      new RegExp(`^  the call was for (the account API at ${url}, the host from DATABRICKS_ACCOUNT_HOST|${WORKSPACE} at ${url}, the host from DATABRICKS_HOST)$`, 'm'),
    );
    expect(run.stderr).toMatch(/^ {2}what to check: 401 means the credentials were not accepted: the token \(DATABRICKS_TOKEN\) is wrong, expired or revoked/m);
    expect(run.stdout + run.stderr + run.logs).not.toContain(wrongToken);
  });

  it('with a wrong OAuth secret: says the OAuth client was refused; never the secret', async () => {
    account = await startSimulatedAccount({ auth: 'oauth' });
    const wrongSecret = 'not-the-secret-0123456789';
    const run = await runCli(['plan', await copyWithoutHosts()], { ...account.env, DATABRICKS_CLIENT_SECRET: wrongSecret });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/failed: 401 invalid_client/);
    expect(run.stderr).toMatch(/^ {2}what to check: 401 from the token endpoint: the OAuth client was refused\. Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET/m);
    expect(run.stdout + run.stderr + run.logs).not.toContain(wrongSecret);
    expect(run.stdout + run.stderr + run.logs).not.toContain(DEFAULT_OAUTH_CLIENT.clientSecret);
  });
});

// The simulator does not model principals without admin rights; its scripted failures answer as Databricks does then.
describe('a 403', () => {
  it('from the account API: the principal is not an account admin', async () => {
    account = await startSimulatedAccount();
    account.sim.faults.failNext(1, { status: 403, family: 'account-scim', errorCode: 'PERMISSION_DENIED', message: 'Only account admins may do this.' });
    const run = await runCli(['plan', await copyWithoutHosts()], account.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/failed: 403 PERMISSION_DENIED: Only account admins may do this\.$/m);
    expect(run.stderr).toMatch(new RegExp(`^  the call was for the account API at ${escape(account.url)}, the host from DATABRICKS_ACCOUNT_HOST$`, 'm'));
    expect(run.stderr).toMatch(/^ {2}what to check: 403 from the account API: the principal is not an account admin/m);
  });

  it('from a workspace whose host is DATABRICKS_HOST: not a workspace admin, or not assigned', async () => {
    account = await startSimulatedAccount();
    account.sim.faults.failNext(1, { status: 403, family: 'workspace-scim', errorCode: 'PERMISSION_DENIED', message: 'not an admin' });
    const run = await runCli(['plan', await copyWithoutHosts()], account.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^  the call was for ${WORKSPACE} at ${escape(account.url)}, the host from DATABRICKS_HOST$`, 'm'));
    expect(run.stderr).toMatch(/^ {2}what to check: 403 from a workspace API: the principal is not a workspace admin there, or not assigned to the workspace/m);
  });

  it('from a workspace whose host the YAML names: points at that Workspace\'s file', async () => {
    account = await startSimulatedAccount();
    const dir = await copyWithoutHosts();
    const file = path.join(dir, 'workspaces/prod.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^spec:\n/m, `spec:\n  host: ${account.url}\n`));
    const { DATABRICKS_HOST: _unused, ...env } = account.env;
    account.sim.faults.failNext(1, { status: 403, family: 'workspace-scim', errorCode: 'PERMISSION_DENIED', message: 'not an admin' });
    const run = await runCli(['plan', dir], { ...env, ONBOARDER_ALLOWED_HOSTS: new URL(account.url).host });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^  the call was for ${WORKSPACE} at ${escape(account.url)}, the host from the \`host\` of Workspace prod \\(workspaces/prod\\.yaml\\)$`, 'm'),
    );
  });
});

describe('a port in use', () => {
  async function busyPort(): Promise<number> {
    blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    return (blocker.address() as { port: number }).port;
  }

  it('run names --port and its variable', async () => {
    account = await startSimulatedAccount();
    const port = await busyPort();
    const run = await runCli(['run', await copyWithoutHosts(), `--port=${port}`, '--bind-address=127.0.0.1'], account.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `onboarder: port ${port} is in use (EADDRINUSE): another process listens there (another onboarder, or \`onboarder demo\`?). ` +
        'Choose another with --port=N (or ONBOARDER_PORT); --port=0 picks a free one.\n',
    );
  });

  it('demo names --simulator-port when that is the one taken', async () => {
    const port = await busyPort();
    const run = await runCli(['demo', EXAMPLE_DIR, `--simulator-port=${port}`, '--port=0']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^onboarder: port ${port} is in use \\(EADDRINUSE\\): .* Choose another with --simulator-port=N \\(or ONBOARDER_SIMULATOR_PORT\\)`));
  });
});
