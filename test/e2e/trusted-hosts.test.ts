/**
 * Credentials go only to trusted hosts (behaviour.md, "Order and safety"):
 * a Workspace whose `host` names a listener on another loopback port is a
 * located error before any connection, with a PAT and with OAuth client
 * credentials alike, in validate, plan, apply and run; the operator's
 * ONBOARDER_ALLOWED_HOSTS, and only that, makes the listener usable.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Controller } from '../../src/loop/controller.js';
import { parseConfig } from '../../src/config.js';
import { runController } from '../../src/run.js';
import { DEFAULT_OAUTH_CLIENT, DEFAULT_PAT } from '../../src/simulator/index.js';
import { copyWithoutHosts, EXAMPLE_DIR, runCli, startSimulatedAccount, type SimulatedAccount } from '../support/harness.js';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';

const WORKSPACE_FILE = 'workspaces/prod.yaml';

/** Names `host` in the example's Workspace, on the line after `spec:` (line 9, column 9 of the file). */
async function declareWorkspaceHost(dir: string, host: string): Promise<void> {
  const file = path.join(dir, WORKSPACE_FILE);
  const text = await readFile(file, 'utf8');
  const edited = text.replace(/^spec:\n/m, `spec:\n  host: ${host}\n`);
  expect(edited).not.toBe(text);
  await writeFile(file, edited);
}

let account: SimulatedAccount | undefined;
let proxy: RecordingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await account?.close();
  proxy = undefined;
  account = undefined;
});

/** The simulator, a recording listener in front of it on another loopback port, and the example naming that listener. */
async function setUp(auth: 'pat' | 'oauth') {
  account = await startSimulatedAccount({ auth });
  proxy = await startRecordingProxy(account.url);
  const dir = await copyWithoutHosts();
  await declareWorkspaceHost(dir, proxy.url);
  const located = new RegExp(`${WORKSPACE_FILE}:9:9: spec\\.host: 127\\.0\\.0\\.1:${proxy.port} is not a trusted host: .*--allowed-hosts \\(ONBOARDER_ALLOWED_HOSTS\\)`);
  return { account, proxy, dir, located, allowed: { ...account.env, ONBOARDER_ALLOWED_HOSTS: `127.0.0.1:${proxy.port}` } };
}

const SECRETS = [DEFAULT_PAT, DEFAULT_OAUTH_CLIENT.clientSecret];

describe.each(['pat', 'oauth'] as const)('a Workspace host on another loopback port, with %s credentials', (auth) => {
  it('fails plan and apply before any connection, located at the host field; once allowed, the host is used', async () => {
    const { account, proxy, dir, located, allowed } = await setUp(auth);

    for (const command of ['plan', 'apply']) {
      const refused = await runCli([command, dir], account.env);
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toMatch(located);
      for (const secret of SECRETS) expect(refused.stdout + refused.stderr + refused.logs).not.toContain(secret);
    }
    // Nothing reached the listener, and nothing reached Databricks either: the check comes before any connection.
    expect(proxy.requests).toEqual([]);
    expect(account.sim.requests).toEqual([]);

    const planned = await runCli(['plan', dir], allowed);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toMatch(/Plan: \d+ to create/);
    const authorizations = new Set(proxy.requests.map((r) => r.authorization?.split(' ')[0]));
    if (auth === 'pat') {
      expect(proxy.requests.length).toBeGreaterThan(0);
      expect(proxy.requests.every((r) => r.authorization === `Bearer ${DEFAULT_PAT}`)).toBe(true);
    } else {
      // The workspace token is asked for at the workspace's own host, with the client credentials in Basic auth.
      const basic = `Basic ${Buffer.from(`${DEFAULT_OAUTH_CLIENT.clientId}:${DEFAULT_OAUTH_CLIENT.clientSecret}`).toString('base64')}`;
      expect(proxy.requests.filter((r) => r.path === '/oidc/v1/token').map((r) => r.authorization)).toContain(basic);
      expect(authorizations).toEqual(new Set(['Basic', 'Bearer']));
    }
  });
});

describe('validate', () => {
  it('refuses the host as plan does, and accepts it once the operator allows it', async () => {
    const { dir, located, allowed } = await setUp('pat');
    const refused = await runCli(['validate', dir], {});
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(located);
    expect((await runCli(['validate', dir], { ONBOARDER_ALLOWED_HOSTS: allowed.ONBOARDER_ALLOWED_HOSTS })).code).toBe(0);
  });
});

describe('onboarder demo', () => {
  it('trusts its own simulator in code, with no variable set, and nothing the folder names', async () => {
    const converged = await runCli(['demo', EXAMPLE_DIR, '--once'], {});
    expect(converged.code, converged.stderr).toBe(0);
    expect(converged.stdout).toContain('No changes. Live state matches the desired state.');

    proxy = await startRecordingProxy('http://127.0.0.1:9');
    const dir = await copyWithoutHosts();
    await declareWorkspaceHost(dir, proxy.url);
    const refused = await runCli(['demo', dir, '--once'], {});
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`${WORKSPACE_FILE}:9:9: spec\\.host: 127\\.0\\.0\\.1:${proxy.port} is not a trusted host`));
  });
});

describe('onboarder run', () => {
  it('rejects a revision that names an untrusted host and keeps the last good one, on the address it was told to bind', async () => {
    account = await startSimulatedAccount();
    proxy = await startRecordingProxy(account.url);
    const dir = await copyWithoutHosts();
    const config = parseConfig(['run', dir, '--port=0', '--bind-address=127.0.0.1'], account.env, false).config!;
    const stop = new AbortController();
    let started!: (value: { url: string; controller: Controller }) => void;
    const ready = new Promise<{ url: string; controller: Controller }>((resolve) => (started = resolve));
    const exit = runController(config, pino({ level: 'silent' }), { stop: stop.signal, onStarted: (s) => started(s) });
    try {
      const { url, controller } = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`run exited with ${code}`)))]);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await request(`${url}/healthz`)).statusCode).toBe(200);
      // Bound to that one address: another loopback address (which 0.0.0.0 would serve on Linux) is refused.
      const elsewhere = await request(url.replace('127.0.0.1', '127.0.0.2') + '/healthz').catch((e: unknown) => e);
      expect((elsewhere as { code?: string }).code).toBe('ECONNREFUSED');
      const good = await eventually(() => controller.status().lastReconcile?.result === 'success' && controller.status().revision);

      await declareWorkspaceHost(dir, proxy.url);
      const rejected = await eventually(() => controller.status().rejected);
      expect(rejected.errors).toEqual([expect.stringMatching(new RegExp(`^${WORKSPACE_FILE}:9:9: spec\\.host: 127\\.0\\.0\\.1:${proxy.port} is not a trusted host`))]);
      expect(controller.status().revision?.id).toBe(good.id);
      await controller.idle();
      expect(proxy.requests).toEqual([]);
    } finally {
      stop.abort();
      expect(await exit).toBe(0);
    }
  });
});

/** Polls until `probe` gives a value; a bound on waiting for the watcher, not a measure of speed. */
async function eventually<T>(probe: () => T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
