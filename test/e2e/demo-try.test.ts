/**
 * Trying onboarder without an account: `onboarder demo` prints, once it
 * serves, the command lines that point validate, plan, apply and run at its
 * simulator. Each printed line is run as printed (through main, as the
 * executable runs it), with no Databricks variable set, and works against
 * the demo's simulator, which the demo's own controller has converged.
 */
import { describe, expect, it } from 'vitest';
import type { Controller } from '../../src/loop/controller.js';
import { main } from '../../src/main.js';
import { Capture, EXAMPLE_DIR, runCli, until } from '../support/harness.js';

interface Served {
  url: string;
  controller: Controller;
}

/** `main` with the argv, running until `stop` aborts; resolves `started` once it serves. */
function startInProcess(argv: string[], env: NodeJS.ProcessEnv) {
  const stop = new AbortController();
  const stdout = new Capture();
  const logs = new Capture();
  let served!: (value: Served) => void;
  const started = new Promise<Served>((resolve) => (served = resolve));
  const exit = main(argv, env, { stdout, stderr: stdout, isTty: false, logStream: logs, stop: stop.signal, onStarted: (s) => served(s) });
  const ready = Promise.race([started, exit.then((code) => Promise.reject(new Error(`${argv[0]} exited early with ${code}: ${stdout.text}${logs.text}`)))]);
  return { ready, stdout, stop: () => (stop.abort('SIGTERM'), exit) };
}

/** The words of a printed command line (the demo single-quotes a folder with spaces). */
function words(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll("'\\''", "'") : m[2]!));
}

const converged = (controller: Controller) => until('a converged pass', () => controller.status().lastReconcile?.result === 'success', 30_000);

describe('onboarder demo, then the commands it prints', () => {
  it('validate, plan, apply and run work against the running demo with no Databricks variable set', async () => {
    const demo = startInProcess(['demo', EXAMPLE_DIR, '--port=0'], {});
    try {
      const { controller } = await demo.ready;
      const printed = [...demo.stdout.text.matchAll(/^ {2}node dist\/cli\.js (.+)$/gm)].map((m) => words(m[1]!));
      expect(printed.map((argv) => argv[0])).toEqual(['validate', 'plan', 'apply', 'run']);
      const simulatorUrl = /Databricks simulator listening on (\S+) /.exec(demo.stdout.text)![1]!;
      for (const argv of printed.slice(1)) expect(argv).toContain(`--simulator=${simulatorUrl}`);
      await converged(controller);

      // A real-looking credential in the environment is ignored, not sent to the simulator (the run still works).
      const env = { DATABRICKS_TOKEN: 'dapi-0123456789abcdef-real-looking', DATABRICKS_ACCOUNT_ID: 'not-the-simulators' };
      const [validate, plan, apply, run] = printed as [string[], string[], string[], string[]];
      const validated = await runCli(validate, env);
      expect(validated.code, validated.stderr).toBe(0);
      expect(validated.stdout).toMatch(/is valid: 1 workspace, 2 customers/);

      // The demo's controller converged this simulator: the printed plan sees exactly that (a fresh account would need ~70 creates).
      const planned = await runCli([...plan, '--detailed-exitcode'], env);
      expect(planned.code, planned.stderr + planned.logs).toBe(0);
      expect(planned.stdout).toContain('No changes. Live state matches the desired state.');

      const applied = await runCli(apply, env);
      expect(applied.code, applied.stderr + applied.logs).toBe(0);

      const controllerRun = startInProcess(run.map((word) => (word.startsWith('--port=') ? '--port=0' : word)), env);
      try {
        await converged((await controllerRun.ready).controller);
      } finally {
        expect(await controllerRun.stop()).toBe(0);
      }
      expect(planned.stdout + planned.stderr + planned.logs + applied.stdout + applied.stderr + applied.logs).not.toContain(env.DATABRICKS_TOKEN);
    } finally {
      expect(await demo.stop()).toBe(0);
    }
  }, 90_000);

  it('a call that fails against the simulator names --simulator as the setting that gave the host', async () => {
    // Nothing listens there any more: the connection is refused.
    const demo = startInProcess(['demo', EXAMPLE_DIR, '--port=0'], {});
    await demo.ready;
    const simulatorUrl = /Databricks simulator listening on (\S+) /.exec(demo.stdout.text)![1]!;
    expect(await demo.stop()).toBe(0);
    const run = await runCli(['plan', EXAMPLE_DIR, `--simulator=${simulatorUrl}`], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ECONNREFUSED/);
    expect(run.stderr).toMatch(/the host from --simulator$/m);
    expect(run.stderr).toMatch(/what to check: nothing listens at that host and port: .*is `onboarder demo` still running\?/);
  }, 60_000);
});
