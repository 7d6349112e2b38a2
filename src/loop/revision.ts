/**
 * A revision of the desired state: the folder as one commit published it.
 * git-sync publishes a commit by swapping a symlink to a new worktree, so
 * the link is resolved once and every file is read below the resolved
 * path: a swap in the middle of a read can never mix two commits.
 *
 * The revision id is the worktree's commit when it is a git checkout (read
 * from `.git` directly: the container has no git binary), else a hash of
 * the content.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadDesiredState, type LoadOptions } from '../desired/load.js';
import type { DesiredState } from '../domain/desired.js';
import type { DesiredStateIssue } from '../domain/errors.js';

export type Revision =
  | { ok: true; id: string; root: string; state: DesiredState }
  | { ok: false; id: string; root: string; issues: DesiredStateIssue[] };

export async function readRevision(dir: string, options: LoadOptions = {}): Promise<Revision> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    // Missing (git-sync has not published yet): invalid, never "delete everything".
    return { ok: false, id: 'none', root: dir, issues: [{ file: dir, line: 1, column: 1, path: '', message: 'the desired-state folder does not exist' }] };
  }
  const [loaded, commit] = await Promise.all([loadDesiredState(root, options), gitCommit(root)]);
  if (!loaded.ok) return { ok: false, id: commit ?? 'unknown', root, issues: loaded.issues };
  return { ok: true, id: commit ?? `sha256:${loaded.contentHash.slice(0, 12)}`, root, state: loaded.state };
}

/** The commit checked out in `worktree`, or undefined when it is not a git checkout. */
export async function gitCommit(worktree: string): Promise<string | undefined> {
  const gitDir = await findGitDir(worktree);
  if (!gitDir) return undefined;
  const head = (await readText(path.join(gitDir, 'HEAD')))?.trim();
  if (!head) return undefined;
  if (/^[0-9a-f]{40,64}$/.test(head)) return head; // detached, as git-sync's worktrees are
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  // Branch refs live in the common dir for linked worktrees.
  const commonDir = await commonDirOf(gitDir);
  for (const dir of [gitDir, commonDir]) {
    const loose = (await readText(path.join(dir, ref)))?.trim();
    if (loose) return loose;
  }
  const packed = await readText(path.join(commonDir, 'packed-refs'));
  return packed
    ?.split('\n')
    .map((line) => line.split(' '))
    .find(([, name]) => name === ref)?.[0];
}

async function findGitDir(worktree: string): Promise<string | undefined> {
  const dotGit = path.join(worktree, '.git');
  const info = await stat(dotGit).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return dotGit;
  // A linked worktree: `.git` is a file saying `gitdir: <path>`.
  const pointer = /^gitdir: (.+)$/m.exec((await readText(dotGit)) ?? '')?.[1]?.trim();
  return pointer ? path.resolve(worktree, pointer) : undefined;
}

async function commonDirOf(gitDir: string): Promise<string> {
  const common = (await readText(path.join(gitDir, 'commondir')))?.trim();
  return common ? path.resolve(gitDir, common) : gitDir;
}

async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}
