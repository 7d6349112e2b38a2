import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { canMakeFifos, mkfifo } from '../../test/support/fifo.js';
import { gitCommit, readRevision } from './revision.js';

const exec = promisify(execFile);
const git = (cwd: string, ...args: string[]) =>
  exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd }).then((r) => r.stdout.trim());

const WORKSPACE = 'apiVersion: onboarder/v1\nkind: Workspace\nmetadata: { name: prod }\nspec: { workspaceId: 1001 }\n';

async function repository(): Promise<{ repo: string; head: string }> {
  const repo = await mkdtemp(path.join(tmpdir(), 'onboarder-revision-'));
  await git(repo, 'init', '-q', '-b', 'main');
  await writeFile(path.join(repo, 'workspace.yaml'), WORKSPACE);
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'one');
  return { repo, head: await git(repo, 'rev-parse', 'HEAD') };
}

describe('the revision id', () => {
  it('is the commit of a checkout on a branch, loose or packed, and of a detached linked worktree', async () => {
    const { repo, head } = await repository();
    expect(await gitCommit(repo)).toEqual({ ok: true, commit: head });
    await git(repo, 'pack-refs', '--all');
    expect(await gitCommit(repo)).toEqual({ ok: true, commit: head });

    const worktree = path.join(repo, '..', `${path.basename(repo)}-wt`);
    await git(repo, 'worktree', 'add', '-q', '--detach', worktree, head);
    expect(await gitCommit(worktree)).toEqual({ ok: true, commit: head });
  });

  it('is a content hash outside git, and the folder a link points to is what is read', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'onboarder-revision-'));
    await writeFile(path.join(dir, 'workspace.yaml'), WORKSPACE);
    const link = `${dir}-link`;
    await symlink(dir, link);
    const revision = await readRevision(link);
    expect(revision).toMatchObject({ ok: true, root: dir });
    expect(revision.id).toMatch(/^sha256:[0-9a-f]{12}$/);
  });

  it('marks a missing folder invalid rather than empty', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'onboarder-revision-'));
    await rm(dir, { recursive: true });
    expect(await readRevision(dir)).toMatchObject({ ok: false, issues: [{ code: 'FOLDER_MISSING', message: 'the desired-state folder does not exist' }] });
  });
});

describe('hostile git metadata', () => {
  const fifos = canMakeFifos();

  it('rejects the revision, located, when .git is a FIFO (file or inside the folder) instead of blocking', async (context) => {
    if (!(await fifos)) context.skip();
    const dir = await mkdtemp(path.join(tmpdir(), 'onboarder-revision-'));
    await writeFile(path.join(dir, 'workspace.yaml'), WORKSPACE);
    await mkfifo(path.join(dir, '.git'));
    expect(await readRevision(dir)).toMatchObject({
      ok: false,
      id: 'unknown',
      issues: [{ file: '.git', line: 1, column: 1, code: 'GIT_METADATA', message: "is a FIFO (named pipe), not a regular file; the revision's commit cannot be read" }],
    });

    await rm(path.join(dir, '.git'));
    await mkdir(path.join(dir, '.git'));
    await mkfifo(path.join(dir, '.git', 'HEAD'));
    expect(await readRevision(dir)).toMatchObject({ ok: false, issues: [{ file: '.git/HEAD', code: 'GIT_METADATA', message: expect.stringMatching(/^is a FIFO/) }] });
  });

  it('takes only a commit id from git files, so a HEAD pointing at another file cannot carry its content into the id', async () => {
    const secrets = await mkdtemp(path.join(tmpdir(), 'onboarder-secret-'));
    await writeFile(path.join(secrets, 'token'), 'dapi0123456789abcdef0123456789abcdef\n');
    const dir = await mkdtemp(path.join(tmpdir(), 'onboarder-revision-'));
    await writeFile(path.join(dir, 'workspace.yaml'), WORKSPACE);
    await mkdir(path.join(dir, '.git'));
    await writeFile(path.join(dir, '.git', 'HEAD'), `ref: ${path.relative(path.join(dir, '.git'), path.join(secrets, 'token'))}\n`);
    const traversal = await readRevision(dir);
    expect(traversal).toMatchObject({ ok: true });
    expect(traversal.id).toMatch(/^sha256:[0-9a-f]{12}$/);

    // A well-formed ref whose file holds something other than a commit id is not taken either.
    await writeFile(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await mkdir(path.join(dir, '.git', 'refs', 'heads'), { recursive: true });
    await writeFile(path.join(dir, '.git', 'refs', 'heads', 'main'), 'dapi0123456789abcdef0123456789abcdef\n');
    expect(await gitCommit(dir)).toEqual({ ok: true, commit: undefined });
  });
});
