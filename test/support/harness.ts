/**
 * Runs the real CLI in-process against the embedded simulator over real
 * HTTP, capturing stdout, stderr and every log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/main.js';
import { createSimulator, DEFAULT_OAUTH_CLIENT, DEFAULT_PAT, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLE_DIR = path.join(REPO_ROOT, 'desired-state');
export const EXAMPLE_CREDENTIALS = ['aws-acme-credential'];

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  logs: string;
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const logs = new Capture();
  const code = await main(argv, env, { stdout, stderr, isTty: false, logStream: logs });
  return { code, stdout: stdout.text, stderr: stderr.text, logs: logs.text };
}

export interface CliChild {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The CLI from source (via tsx) as a real child process, for what only a process has: signals, exit codes, open sockets. */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv): CliChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...argv], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, output: () => output, exited };
}

export interface SimulatedAccount {
  sim: Simulator;
  url: string;
  /** The standard Databricks variables pointing at the simulator. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startSimulatedAccount(
  options: SimulatorOptions & { auth?: 'pat' | 'oauth' } = {},
): Promise<SimulatedAccount> {
  const { auth = 'pat', ...simulatorOptions } = options;
  // The credential the example's external location names; a real account would have it already.
  const sim = createSimulator({ storageCredentials: EXAMPLE_CREDENTIALS, ...simulatorOptions });
  const url = await sim.listen();
  const credentials =
    auth === 'pat'
      ? { DATABRICKS_TOKEN: DEFAULT_PAT }
      : { DATABRICKS_CLIENT_ID: DEFAULT_OAUTH_CLIENT.clientId, DATABRICKS_CLIENT_SECRET: DEFAULT_OAUTH_CLIENT.clientSecret };
  const env = {
    DATABRICKS_ACCOUNT_HOST: url,
    DATABRICKS_ACCOUNT_ID: sim.accountId,
    DATABRICKS_HOST: url,
    ONBOARDER_LOG_LEVEL: 'debug',
    ONBOARDER_RATE_LIMITS: 'none',
    // Named, as production must when more than one workspace is declared (the random estates declare two).
    ONBOARDER_INVENTORY_WORKSPACE: 'prod',
    ...credentials,
  };
  return { sim, url, env, close: () => sim.close() };
}

/**
 * A copy of a desired-state folder whose Workspaces declare no host, so that
 * DATABRICKS_HOST (the simulator) applies to them.
 */
export async function copyWithoutHosts(source: string = EXAMPLE_DIR): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onboarder-desired-'));
  await cp(source, dir, { recursive: true });
  for (const entry of await readdir(dir, { recursive: true })) {
    if (!/\.ya?ml$/.test(entry)) continue;
    const file = path.join(dir, entry);
    const text = await readFile(file, 'utf8');
    if (/^kind: Workspace/m.test(text)) await writeFile(file, text.replace(/^\s*host:.*\n/gm, ''));
  }
  return dir;
}

/** Polls `probe` until it gives something truthy (returned), or fails naming `what`. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
