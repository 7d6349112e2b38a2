/**
 * `onboarder run` end to end: a real git repository published the way
 * git-sync does it (a worktree per commit, a symlink swapped atomically),
 * the controller watching the link, the simulator over real HTTP, and the
 * controller's own HTTP server scraped like Prometheus would.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTRACT_METRICS } from '../support/contract.js';
import { canMakeFifos, mkfifo } from '../support/fifo.js';
import { copyWithoutHosts, REPO_ROOT, runCli, startSimulatedAccount, until, type SimulatedAccount } from '../support/harness.js';
import { scrape, startRun, type Running } from '../support/run-controller.js';
import { INSTALL_HINTS, requireTool } from '../support/tools.js';

const exec = promisify(execFile);
const ROSTER = 'customers/acme/roster.yaml';

/** A git repository published git-sync style: `<root>/link -> <root>/.worktrees/<commit>`. */
class GitSync {
  private constructor(
    readonly root: string,
    readonly repo: string,
    readonly link: string,
  ) {}

  static async create(): Promise<GitSync> {
    const root = await mkdtemp(path.join(tmpdir(), 'onboarder-gitsync-'));
    const repo = path.join(root, 'repo');
    await cp(await copyWithoutHosts(), repo, { recursive: true });
    const git = new GitSync(root, repo, path.join(root, 'desired-state'));
    await git.git('init', '-q', '-b', 'main');
    await git.commit('initial');
    await git.publish();
    return git;
  }

  git(...args: string[]) {
    return exec('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: this.repo });
  }

  async edit(file: string, change: (text: string) => string): Promise<void> {
    const target = path.join(this.repo, file);
    await writeFile(target, change(await readFile(target, 'utf8')));
  }

  async commit(message: string): Promise<string> {
    await this.git('add', '-A');
    await this.git('commit', '-q', '-m', message);
    return (await this.git('rev-parse', 'HEAD')).stdout.trim();
  }

  /** Checks HEAD out into its own worktree and swaps the link to it in one rename, as git-sync does. */
  async publish(): Promise<string> {
    const commit = (await this.git('rev-parse', 'HEAD')).stdout.trim();
    const worktree = path.join(this.root, '.worktrees', commit);
    await mkdir(path.dirname(worktree), { recursive: true });
    await this.git('worktree', 'add', '-q', '--detach', worktree, commit);
    const next = `${this.link}.next`;
    await symlink(worktree, next);
    await rename(next, this.link);
    return commit;
  }
}

const metric = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(name));

let account: SimulatedAccount;
let running: Running | undefined;

beforeEach(async () => {
  account = await startSimulatedAccount();
});
afterEach(async () => {
  if (running) expect(await running.stop()).toBe(0);
  running = undefined;
  await account.close();
});

const isMember = (userName: string, group: string) => {
  const { state } = account.sim;
  const user = state.findUser(userName);
  const found = state.findGroup(group);
  return user !== undefined && found !== undefined && state.members(found.id).includes(user.id);
};

describe('onboarder run on a git-sync folder', () => {
  it('applies a commit within 2 s of the swap, and the revision metric shows the commit', async () => {
    const git = await GitSync.create();
    running = await startRun(git.link, account.env);
    await until('the first convergence', () => running!.controller.status().lastReconcile?.result === 'success');

    await git.edit(ROSTER, (t) => t.replace('  users:\n', '  users:\n    - { userName: new.hire@acmecorp.com, personas: [analysts] }\n'));
    const commit = await git.commit('onboard new.hire');
    const swappedAt = Date.now();
    await git.publish();
    await until('the new user in the analysts group', () => isMember('new.hire@acmecorp.com', 'customer-acme-analysts'));
    const latency = Date.now() - swappedAt;
    // 2 s budget for seeing the swap, plus the API time of the pass itself.
    const apiSeconds = running.controller.status().lastReconcile!;
    expect(latency).toBeLessThan(2_000 + (apiSeconds.finishedAt.getTime() - apiSeconds.startedAt.getTime()) + 500);

    const text = await scrape(running.url);
    expect(metric(text, 'onboarder_desired_state_revision_info')).toEqual([`onboarder_desired_state_revision_info{revision="${commit}"} 1`]);
    expect(metric(text, 'onboarder_desired_state_valid')).toContain('onboarder_desired_state_valid 1');
  }, 30_000);

  it('keeps the last good revision when a commit breaks the YAML, and recovers with the next good one', async () => {
    const git = await GitSync.create();
    const first = (await git.git('rev-parse', 'HEAD')).stdout.trim();
    running = await startRun(git.link, account.env);
    await until('the first convergence', () => running!.controller.status().lastReconcile?.result === 'success');

    await git.edit(ROSTER, (t) => t.replace('displayName: Jane Doe,', 'displayName: "Jane Doe,'));
    await git.commit('broken');
    await git.publish();
    await until('valid 0', async () => metric(await scrape(running!.url), 'onboarder_desired_state_valid').includes('onboarder_desired_state_valid 0'));
    const text = await scrape(running.url);
    expect(metric(text, 'onboarder_desired_state_revision_info')).toEqual([`onboarder_desired_state_revision_info{revision="${first}"} 1`]);
    expect(running.controller.status().rejected?.errors[0]).toMatch(/customers\/acme\/roster\.yaml:\d+:\d+: YAML syntax error/);
    // /status.json carries the same issues as data, with their stable codes.
    const statusJson = JSON.parse(await (await request(`${running.url}/status.json`)).body.text()) as { rejected: { issues: { code: string; file: string }[] } };
    expect(statusJson.rejected.issues.map((i) => [i.code, i.file])).toContainEqual(['YAML_SYNTAX', 'customers/acme/roster.yaml']);
    expect(running.logs.text).toContain('revision rejected');

    await git.edit(ROSTER, (t) => t.replace('displayName: "Jane Doe,', 'displayName: Jane Doe,').replace('  users:\n', '  users:\n    - { userName: second@acmecorp.com, personas: [analysts] }\n'));
    const fixed = await git.commit('fixed');
    await git.publish();
    await until('the fixed revision applied', () => isMember('second@acmecorp.com', 'customer-acme-analysts'));
    const after = await scrape(running.url);
    expect(metric(after, 'onboarder_desired_state_valid')).toContain('onboarder_desired_state_valid 1');
    expect(metric(after, 'onboarder_desired_state_revision_info')).toEqual([`onboarder_desired_state_revision_info{revision="${fixed}"} 1`]);
  }, 30_000);
});

describe('onboarder run when a commit loses customers', () => {
  it('deletes nothing when half the customers vanish in one commit, or the whole folder, and says why', async () => {
    const git = await GitSync.create();
    running = await startRun(git.link, account.env);
    await until('the first convergence', () => running!.controller.status().lastReconcile?.result === 'success');
    const { state } = account.sim;
    const groupsBefore = state.groups.map((g) => g.displayName).sort();

    await rm(path.join(git.repo, 'customers/globex'), { recursive: true });
    const commit = await git.commit('lose globex by accident');
    await git.publish();
    await until('the block reported', () => running!.controller.status().lastReconcile?.deletionsBlocked);
    expect(running.controller.status().revision?.id).toBe(commit);
    expect(running.controller.status().lastReconcile?.deletionsBlocked).toMatch(/customer globex is no longer declared at all/);
    expect(metric(await scrape(running.url), 'onboarder_deletions_blocked')[0]).toMatch(/^onboarder_deletions_blocked [1-9]\d*$/);
    expect(state.groups.map((g) => g.displayName).sort()).toEqual(groupsBefore);
    expect(state.uc.catalog('customer_globex')).toBeDefined();

    // The whole folder gone: the revision is rejected, the one in force stays, nothing is deleted.
    await rm(git.repo, { recursive: true });
    await mkdir(git.repo);
    await git.git('init', '-q', '-b', 'main');
    await git.git('commit', '-q', '--allow-empty', '-m', 'empty');
    await git.publish();
    await until('the empty revision rejected', () => running!.controller.status().rejected?.errors[0]?.includes('an empty desired state is never applied'));
    expect(running.controller.status().revision?.id).toBe(commit);
    expect(state.groups.map((g) => g.displayName).sort()).toEqual(groupsBefore);
  }, 30_000);
});

describe('onboarder run when a roster is truncated', () => {
  it("keeps the members of the groups it would empty, and shows why on the status page, /status.json and the metric", async () => {
    const dir = await copyWithoutHosts();
    running = await startRun(dir, account.env);
    await until('the first convergence', () => running!.controller.status().lastReconcile?.result === 'success');

    await writeFile(path.join(dir, ROSTER), ''); // a truncate-then-write editor, caught between the two
    const held = await until('the hold reported', () => running!.controller.status().lastReconcile?.membershipRemovalsBlocked);
    expect(held).toMatchObject({ removals: 9, groups: ['acme-platform-admins', 'customer-acme-analysts', 'customer-acme-auditors', 'customer-acme-engineers', 'customer-acme-scientists'] });
    expect(isMember('jane.doe@acmecorp.com', 'customer-acme-analysts')).toBe(true);
    expect(isMember('john.smith@acmecorp.com', 'customer-acme-engineers')).toBe(true);
    expect(metric(await scrape(running.url), 'onboarder_membership_removals_blocked')).toEqual(['onboarder_membership_removals_blocked 9']);
    const status = JSON.parse(await (await request(`${running.url}/status.json`)).body.text()) as {
      lastReconcile: { membershipRemovalsBlocked: { reason: string }; confirmToken: string };
    };
    expect(status.lastReconcile.membershipRemovalsBlocked.reason).toMatch(/customer-acme-analysts would lose 3 of 3 members.*--allow-mass-delete/);
    const page = await (await request(`${running.url}/`)).body.text();
    expect(page).toContain('9 membership removals blocked');
    expect(page).toContain('customer-acme-engineers would lose 3 of 3 members');
    expect(running.logs.text).toContain('membership removals blocked, those members stay');
    // The way to confirm once: the token `plan` computes for the same hold, never taken by the controller itself.
    const { confirmToken } = JSON.parse((await runCli(['plan', dir, '--json'], account.env)).stdout) as { confirmToken: string };
    expect(status.lastReconcile.confirmToken).toBe(confirmToken);
    expect(page).toContain(`onboarder apply --confirm-deletions=${confirmToken}`);
    expect(running.logs.text).toContain(`"confirmToken":"${confirmToken}"`);
  }, 30_000);
});

describe('onboarder run on a plain folder', () => {
  it('repairs drift made by hand on the next resync, with no commit', async () => {
    const dir = await copyWithoutHosts();
    running = await startRun(dir, account.env, '--resync-interval=1s');
    await until('the first convergence', () => isMember('jane.doe@acmecorp.com', 'customer-acme-analysts'));
    const { state } = account.sim;
    state.removeMember(state.findGroup('customer-acme-analysts')!.id, state.findUser('jane.doe@acmecorp.com')!.id);
    expect(isMember('jane.doe@acmecorp.com', 'customer-acme-analysts')).toBe(false);
    await until('the resync repairing it', () => isMember('jane.doe@acmecorp.com', 'customer-acme-analysts'), 5_000);
  }, 30_000);

  it('serves health endpoints and every contract metric', async () => {
    const dir = await copyWithoutHosts();
    running = await startRun(dir, account.env);
    await until('ready', async () => (await request(`${running!.url}/readyz`)).statusCode === 200);
    expect((await request(`${running.url}/healthz`)).statusCode).toBe(200);
    const text = await scrape(running.url);
    for (const name of CONTRACT_METRICS) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  }, 30_000);

  it.skipIf(!requireTool('promtool', INSTALL_HINTS.promtool))('serves /metrics that promtool accepts', async () => {
    const dir = await copyWithoutHosts();
    running = await startRun(dir, account.env);
    await until('ready', async () => (await request(`${running!.url}/readyz`)).statusCode === 200);
    const text = await scrape(running.url);
    const checked = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
      );
      child.stdin!.end(text);
    });
    expect(checked.output.trim()).toBe('');
    expect(checked.code).toBe(0);
  }, 30_000);

  it('exits 0 on stop during a reconcile, and the next start converges', async () => {
    const dir = await copyWithoutHosts();
    account.sim.faults.latencyMs = 100;
    running = await startRun(dir, account.env);
    await until('some writes under way', () => account.sim.requests.some((r) => r.method !== 'GET'));
    const code = await running.stop();
    running = undefined;
    expect(code).toBe(0);
    account.sim.faults.latencyMs = 0;
    expect((await runCli(['apply', dir], account.env)).code).toBe(0);
    expect((await runCli(['plan', dir, '--detailed-exitcode'], account.env)).code).toBe(0);
  }, 60_000);
});

describe('onboarder run on hostile files', () => {
  const fifos = canMakeFifos();
  const answers = async (url: string, endpoint: string) => (await request(`${url}${endpoint}`)).statusCode;

  it('rejects a revision with a FIFO at .git or renamed over a YAML file, stays responsive, and stops promptly', async (context) => {
    if (!(await fifos)) context.skip();
    const dir = await copyWithoutHosts();
    running = await startRun(dir, account.env);
    await until('the first convergence', () => running!.controller.status().lastReconcile?.result === 'success');
    const inForce = running.controller.status().revision?.id;
    const onboard = (user: string) => (text: string) => text.replace('  users:\n', `  users:\n    - { userName: ${user}, personas: [analysts] }\n`);
    const roster = path.join(dir, ROSTER);

    // A FIFO at .git: reading it blocked the revision read for good, so no later revision was ever seen.
    await mkfifo(path.join(dir, '.git'));
    await writeFile(roster, onboard('fifo.git@acmecorp.com')(await readFile(roster, 'utf8')));
    await until('the .git FIFO reported', () => running!.controller.status().rejected?.errors.includes(".git:1:1: is a FIFO (named pipe), not a regular file; the revision's commit cannot be read"));
    expect(await answers(running.url, '/healthz')).toBe(200);
    expect(await answers(running.url, '/readyz')).toBe(200);
    expect(running.controller.status().revision?.id).toBe(inForce);
    expect(isMember('fifo.git@acmecorp.com', 'customer-acme-analysts')).toBe(false);

    // A FIFO renamed over the roster.
    await rm(path.join(dir, '.git'));
    await mkfifo(path.join(dir, 'customers/acme/incoming'));
    await rename(path.join(dir, 'customers/acme/incoming'), roster);
    await until('the roster FIFO reported', () => running!.controller.status().rejected?.errors.includes(`${ROSTER}:1:1: is a FIFO (named pipe), not a regular file`));
    expect(await answers(running.url, '/healthz')).toBe(200);
    expect(await answers(running.url, '/readyz')).toBe(200);
    expect(running.controller.status().revision?.id).toBe(inForce);
    expect(metric(await scrape(running.url), 'onboarder_desired_state_valid')).toContain('onboarder_desired_state_valid 0');

    const stopping = Date.now();
    const code = await running.stop();
    running = undefined;
    expect(code).toBe(0);
    // A bound, not a speed: before, stop waited out the whole grace period for a read that never ended.
    expect(Date.now() - stopping).toBeLessThan(10_000);
  }, 60_000);

  it('a `run` process whose folder has a FIFO at .git answers /healthz and exits 0 on SIGTERM', async (context) => {
    if (!(await fifos)) context.skip();
    const dir = await copyWithoutHosts();
    await mkfifo(path.join(dir, '.git'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', dir, '--port=0'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...account.env, ONBOARDER_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await until('the controller serving', () => /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"controller running"/.exec(output)?.[1], 30_000);
      await until('the revision rejected', () => output.includes('revision rejected') && output.includes('.git:1:1: is a FIFO'), 30_000);
      expect(await answers(url, '/healthz')).toBe(200);
      expect(await answers(url, '/readyz')).toBe(503); // no valid revision was ever loaded
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000))]);
      expect(code, output).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(15_000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
