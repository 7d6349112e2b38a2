/**
 * Signals obeyed and passes bounded (issue 11): `apply` stops on SIGINT
 * without starting more actions and says what ran; `run` survives a
 * Databricks that never finishes a response (the pass deadline aborts the
 * pass, the loop goes on) and shuts down within its grace; `plan` stops on
 * SIGTERM even while a request hangs. Real child processes where only a
 * process can tell (signals, exit codes, sockets that keep it alive).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/simulator/index.js';
import { expectConverges, expectNoDuplicates } from '../support/convergence.js';
import { useExampleAccount } from '../support/example-account.js';
import { startHangingProxy, type HangingProxy } from '../support/hanging-proxy.js';
import { spawnCli, until, type CliChild } from '../support/harness.js';
import { scrape, startRun, type Running } from '../support/run-controller.js';

const example = useExampleAccount();
let children: CliChild[] = [];
let proxy: HangingProxy | undefined;
let running: Running | undefined;
afterEach(async () => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children = [];
  await running?.stop();
  running = undefined;
  await proxy?.close();
  proxy = undefined;
});

const isWrite = (r: RecordedRequest) => r.method !== 'GET' && r.status >= 200 && r.status < 300;

function spawn(argv: string[], env: NodeJS.ProcessEnv): CliChild {
  const started = spawnCli(argv, env);
  children.push(started);
  return started;
}

describe('apply interrupted by SIGINT', () => {
  it('starts no more actions, lets the running ones finish, prints what ran, exits 130; the next apply converges without duplicates', async () => {
    const { account, dir } = example;
    account.sim.faults.latencyMs = 100;
    const writes = () => account.sim.requests.filter(isWrite).length;
    const apply = spawn(['apply', dir], { ...account.env, ONBOARDER_LOG_LEVEL: 'warn' });
    await until('the apply under way', () => {
      if (apply.child.exitCode !== null) throw new Error(`apply ended before the signal:\n${apply.output()}`);
      return writes() >= 5;
    }, 30_000);
    apply.child.kill('SIGINT');

    expect(await apply.exited).toEqual({ code: 130, signal: null });
    const output = apply.output();
    const summary = /Apply complete: (\d+) succeeded, (\d+) failed, (\d+) skipped\./.exec(output);
    expect(summary, output).not.toBeNull();
    const [succeeded, failed, skipped] = summary!.slice(1).map(Number) as [number, number, number];
    // The calls in flight had the grace period (20 s) to finish, and did: nothing failed, nothing was cut off.
    expect(failed).toBe(0);
    expect(succeeded).toBeGreaterThan(0);
    expect(skipped).toBeGreaterThan(0);
    expect(output).toMatch(/skipped \+ \S+ .*: stopped by SIGINT\n/);
    expect(output).not.toMatch(/done .*stopped by SIGINT/);
    expect(output).toContain('onboarder: stopped by SIGINT: no action started after it; the ones running finished');
    // Nothing is still on its way once the process is gone.
    const writesAtExit = writes();
    await delay(500);
    expect(writes()).toBe(writesAtExit);

    account.sim.faults.latencyMs = 0;
    await expectConverges(account, dir);
    expectNoDuplicates(account.sim.state);
  }, 90_000);
});

describe('a Databricks that never finishes a response', () => {
  it('run keeps serving, reports the pass that hit its deadline, runs the next one, and stops within the grace + 5 s', async () => {
    const { account, dir } = example;
    proxy = await startHangingProxy(account.url, 'trickle');
    const env = { ...account.env, DATABRICKS_ACCOUNT_HOST: proxy.url, DATABRICKS_HOST: proxy.url, ONBOARDER_ALLOWED_HOSTS: proxy.host };
    running = await startRun(dir, env, '--pass-timeout=3s', '--shutdown-grace=1s', '--resync-interval=1h');
    const { controller, url } = running;

    // The first pass hangs on a body that never ends, until its deadline aborts it.
    await until('the failed pass', () => controller.status().lastReconcile?.result === 'error', 20_000);
    expect(proxy.hung).toBeGreaterThan(0);
    const status = (await (await request(`${url}/status.json`)).body.json()) as { lastReconcile: { error: string } };
    expect(status.lastReconcile.error).toBe('the pass did not finish within its deadline (--pass-timeout 3s) and was aborted');
    expect(await scrape(url)).toMatch(/^onboarder_reconcile_total\{result="error"\} [1-9]/m);
    // Liveness does not depend on Databricks: the pass ended when it was aborted, the loop is not wedged.
    expect((await request(`${url}/healthz`)).statusCode).toBe(200);

    // The service answers again; an edit is applied by a later pass.
    proxy.mode = false;
    const roster = path.join(dir, 'customers/acme/roster.yaml');
    await writeFile(roster, (await readFile(roster, 'utf8')).replace('  users:\n', '  users:\n    - { userName: new.hire@acmecorp.com, personas: [analysts] }\n'));
    await until('the edit applied', () => account.sim.state.findUser('new.hire@acmecorp.com'), 30_000);

    // Hung again mid-pass, then SIGTERM: the grace (1 s) runs out, the pass is aborted, the sockets are destroyed.
    proxy.mode = 'silent';
    const hungBefore = proxy.hung;
    controller.reconcileNow('test: a pass that hangs');
    await until('a hung request', () => proxy!.hung > hungBefore);
    const stopping = Date.now();
    const stopped = running;
    running = undefined;
    expect(await stopped.stop()).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(1_000 + 5_000);
  }, 90_000);

  it('plan and run processes stop on SIGTERM within the grace + a margin while their requests hang', async () => {
    const { account, dir } = example;
    proxy = await startHangingProxy(account.url, 'silent');
    const env = {
      ...account.env,
      DATABRICKS_ACCOUNT_HOST: proxy.url,
      DATABRICKS_HOST: proxy.url,
      ONBOARDER_ALLOWED_HOSTS: proxy.host,
      ONBOARDER_SHUTDOWN_GRACE: '1s',
      ONBOARDER_LOG_LEVEL: 'warn',
    };
    const plan = spawn(['plan', dir], env);
    const run = spawn(['run', dir, '--port=0'], env);
    // Each process has at least one request hanging (the proxy counts them; a process sends its reads in parallel).
    await until('both processes hanging', () => proxy!.hung >= 2, 30_000);
    await delay(500);
    const signalledAt = Date.now();
    plan.child.kill('SIGTERM');
    run.child.kill('SIGTERM');

    const exitOf = async ({ exited }: CliChild) => ({ ...(await exited), seconds: (Date.now() - signalledAt) / 1000 });
    const [planExit, runExit] = await Promise.all([exitOf(plan), exitOf(run)]);
    expect(planExit, plan.output()).toMatchObject({ code: 143, signal: null });
    expect(plan.output()).toContain('onboarder: stopped by SIGTERM before any action ran');
    expect(runExit, run.output()).toMatchObject({ code: 0, signal: null });
    // A bound, not a speed: the grace (1 s) plus 5 s for aborting, closing and exiting.
    expect(planExit.seconds).toBeLessThan(1 + 5);
    expect(runExit.seconds).toBeLessThan(1 + 5);
  }, 60_000);
});
