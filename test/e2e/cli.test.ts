/**
 * The CLI's own surface, through main as the executable runs it: help per
 * command (written from the flag table, so checked against it), --version,
 * flags a command does not take, and bad values named by the flag or the
 * variable the operator used.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, FLAGS, parseConfig, type Command, type FlagName } from '../../src/config.js';
import { REPO_ROOT, runCli } from '../support/harness.js';

/** A valid value for each flag that takes one; a new flag must add its own here. */
const SAMPLE_VALUES: Record<FlagName, string | undefined> = {
  json: undefined,
  'detailed-exitcode': undefined,
  once: undefined,
  simulator: 'http://127.0.0.1:8765',
  principals: 'external',
  mode: 'observe',
  'observe-kinds': 'notebooks,grants',
  'allow-mass-delete': undefined,
  'confirm-deletions': '3f9c0a1b2d4e',
  'inventory-workspace': 'prod',
  'inventory-path': '/Users/{me}/inventory',
  'allowed-hosts': 'db.example.com',
  'scim-page-size': '50',
  'rate-limits': 'none',
  'request-timeout': '30s',
  'pass-timeout': '5m',
  'shutdown-grace': '5s',
  'resync-interval': '1m',
  port: '9090',
  'bind-address': '127.0.0.1',
  'simulator-port': '0',
  'leader-elect': undefined,
  'lease-name': 'onboarder-test',
  'lease-namespace': 'ops',
  'log-level': 'debug',
  'log-format': 'json',
  'no-color': undefined,
};

const FLAG_NAMES = Object.keys(FLAGS) as FlagName[];
const argOf = (flag: FlagName) => (SAMPLE_VALUES[flag] === undefined ? `--${flag}` : `--${flag}=${SAMPLE_VALUES[flag]}`);
const takes = (command: Command, flag: FlagName) => (FLAGS[flag].commands as readonly Command[]).includes(command);

describe('onboarder <command> --help', () => {
  it.each(COMMANDS)('%s --help shows its own usage, and exactly its flags with their variables', async (command) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^Usage: onboarder ${command}\\b`));
    for (const flag of FLAG_NAMES) {
      const listed = new RegExp(`^  --${flag}(?![\\w-])`, 'm');
      if (takes(command, flag)) {
        expect(run.stdout, `--${flag} in ${command} --help`).toMatch(listed);
        expect(run.stdout, `${FLAGS[flag].env} in ${command} --help`).toContain(FLAGS[flag].env);
      } else {
        expect(run.stdout, `--${flag} not in ${command} --help`).not.toMatch(listed);
      }
    }
    // `help plan` is the same text as `plan --help`, and -h too.
    expect((await runCli(['help', command])).stdout).toBe(run.stdout);
    expect((await runCli([command, '-h'])).stdout).toBe(run.stdout);
  });

  it('differs for every command', async () => {
    const texts = await Promise.all(COMMANDS.map(async (command) => (await runCli([command, '--help'])).stdout));
    expect(new Set(texts).size).toBe(COMMANDS.length);
  });

  it('shows the defaults help promises: --port 8080 for run, --request-timeout 60s for plan', async () => {
    expect((await runCli(['run', '--help'])).stdout).toMatch(/^ {2}--port=N\n(?: {6}.*\n)*? {6}variable ONBOARDER_PORT; default 8080$/m);
    expect((await runCli(['plan', '--help'])).stdout).toMatch(/^ {2}--request-timeout=DURATION\n(?: {6}.*\n)*? {6}variable ONBOARDER_REQUEST_TIMEOUT; default 60s$/m);
  });

  it('lists every command in the general help; `onboarder` alone shows it and exits 1, `help` exits 0', async () => {
    const alone = await runCli([]);
    expect(alone.code).toBe(1);
    for (const command of COMMANDS) expect(alone.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const asked = await runCli(['help']);
    expect(asked.code).toBe(0);
    expect(asked.stdout).toBe(alone.stdout);
    expect((await runCli(['--help'])).stdout).toBe(alone.stdout);
    const unknown = await runCli(['help', 'deploy']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^onboarder: unknown command "deploy" \(commands: validate, plan, apply, run, demo, schema/);
  });
});

describe('onboarder --version', () => {
  it('prints the version of package.json, with or without a command', async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const argv of [['--version'], ['plan', '--version']]) {
      const run = await runCli(argv);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`onboarder ${version}\n`);
    }
  });
});

describe('flags a command does not take', () => {
  it('validate --once is an error naming --once and validate', async () => {
    const run = await runCli(['validate', '--once']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('onboarder validate: --once is not a flag of validate (see onboarder validate --help)\n');
  });

  it('an unknown flag is refused the same way', async () => {
    const run = await runCli(['plan', '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('onboarder plan: --dry-run is not a flag of plan (see onboarder plan --help)\n');
  });

  it('every flag is taken by the commands its table entry names and refused by the others', () => {
    for (const command of COMMANDS) {
      for (const flag of FLAG_NAMES) {
        const parse = () => parseConfig([command, ...(command === 'schema' ? [] : ['dir']), argOf(flag)], {}, false);
        if (takes(command, flag)) expect(parse, `${command} ${argOf(flag)}`).not.toThrow();
        else expect(parse, `${command} ${argOf(flag)}`).toThrow(`--${flag} is not a flag of ${command}`);
      }
    }
  });

  it('ignores the variable of a flag the command does not take (a deployment sets them for run)', async () => {
    const run = await runCli(['validate', path.join(REPO_ROOT, 'desired-state')], { ONBOARDER_PORT: 'not-a-port', ONBOARDER_LEADER_ELECT: 'maybe' });
    expect(run.code).toBe(0);
  });
});

describe('bad values', () => {
  it('are named by the flag given, never by a field of the configuration', async () => {
    const run = await runCli(['run', '--port=abc']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^onboarder run: --port: expected a number, got "abc"$/m);
    const interval = await runCli(['run', '--resync-interval=soon']);
    expect(interval.stderr).toMatch(/^onboarder run: --resync-interval: expected a duration such as 500ms, 30s, 10m or 1h, got "soon"$/m);
    expect(run.stderr + interval.stderr).not.toMatch(/resyncIntervalMs|NaN|received/);
  });

  it('are named by the variable when the value came from one, with the flag it stands for', async () => {
    const run = await runCli(['run'], { ONBOARDER_PORT: 'tcp://10.96.0.42:8080' });
    expect(run.stderr).toMatch(/^onboarder run: ONBOARDER_PORT \(--port\): expected a number, got "tcp:\/\/10\.96\.0\.42:8080"$/m);
    const elect = await runCli(['run'], { ONBOARDER_LEADER_ELECT: 'yes' });
    expect(elect.stderr).toMatch(/^onboarder run: ONBOARDER_LEADER_ELECT \(--leader-elect\): expected true or false, got "yes"$/m);
  });

  it('are all reported at once', async () => {
    const run = await runCli(['plan', '--scim-page-size=0', '--mode=dry', '--request-timeout=1d']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--scim-page-size: expected a number from 1 to 10000, got "0"');
    expect(run.stderr).toContain('--mode: expected apply or observe, got "dry"');
    expect(run.stderr).toContain('--request-timeout: expected a duration such as 500ms, 30s, 10m or 1h, got "1d"');
  });

  it('a flag that needs a value says so, and a switch refuses one', async () => {
    expect((await runCli(['run', '--port'])).stderr).toMatch(/^onboarder run: --port: expected a value \(--port=N\)$/m);
    expect((await runCli(['plan', '--json=yes'])).stderr).toMatch(/^onboarder plan: --json takes no value, got "yes"$/m);
    expect((await runCli(['schema', 'desired-state'])).stderr).toMatch(/^onboarder schema: schema takes no argument, got "desired-state"$/m);
  });
});
