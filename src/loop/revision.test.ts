import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
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
    expect(await gitCommit(repo)).toBe(head);
    await git(repo, 'pack-refs', '--all');
    expect(await gitCommit(repo)).toBe(head);

    const worktree = path.join(repo, '..', `${path.basename(repo)}-wt`);
    await git(repo, 'worktree', 'add', '-q', '--detach', worktree, head);
    expect(await gitCommit(worktree)).toBe(head);
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
    expect(await readRevision(dir)).toMatchObject({ ok: false, issues: [{ message: 'the desired-state folder does not exist' }] });
  });
});
