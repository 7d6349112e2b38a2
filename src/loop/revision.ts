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
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadDesiredState, type LoadOptions } from '../desired/load.js';
import { fileIssue } from '../desired/read-folder.js';
import { readRegularFile } from '../desired/regular-file.js';
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
    return { ok: false, id: 'none', root: dir, issues: [fileIssue(dir, 'FOLDER_MISSING', 'the desired-state folder does not exist')] };
  }
  const [loaded, commit] = await Promise.all([loadDesiredState(root, options), gitCommit(root)]);
  if (!commit.ok) return { ok: false, id: 'unknown', root, issues: [...(loaded.ok ? [] : loaded.issues), commit.issue] };
  if (!loaded.ok) return { ok: false, id: commit.commit ?? 'unknown', root, issues: loaded.issues };
  return { ok: true, id: commit.commit ?? `sha256:${loaded.contentHash.slice(0, 12)}`, root, state: loaded.state };
}

export type GitCommit = { ok: true; commit: string | undefined } | { ok: false; issue: DesiredStateIssue };

/** Git metadata files are tiny, except packed-refs in a repository with very many tags. */
const GIT_FILE_BYTES = 16 * 1024 * 1024;
const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** A ref name as git writes it: under refs/, no `..` segment that could walk out of the git dir. */
const REF_NAME = /^refs\/(?!.*(^|\/)\.\.(\/|$))[^\s]+$/;

/**
 * The commit checked out in `worktree`, undefined when it is not a git
 * checkout, or an issue when a git file is there but cannot be read safely
 * (a FIFO, a device, over its limit): the revision is then rejected rather
 * than given a made-up id. Only a commit id is ever returned, never other
 * text from a file, so a `.git` pointing elsewhere cannot carry a file's
 * content (a token) into the revision id, its metric label or the logs.
 */
export async function gitCommit(worktree: string): Promise<GitCommit> {
  try {
    return { ok: true, commit: await findCommit(worktree) };
  } catch (error) {
    if (!(error instanceof RefusedGitFile)) throw error;
    const relative = path.relative(worktree, error.file);
    const shown = relative.startsWith('..') || path.isAbsolute(relative) ? error.file : relative;
    return { ok: false, issue: fileIssue(shown, 'GIT_METADATA', `${error.message}; the revision's commit cannot be read`) };
  }
}

async function findCommit(worktree: string): Promise<string | undefined> {
  const gitDir = await findGitDir(worktree);
  if (!gitDir) return undefined;
  const head = (await readGitFile(path.join(gitDir, 'HEAD')))?.trim();
  if (!head) return undefined;
  if (COMMIT_ID.test(head)) return head; // detached, as git-sync's worktrees are
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref || !REF_NAME.test(ref)) return undefined;
  // Branch refs live in the common dir for linked worktrees.
  const commonDir = await commonDirOf(gitDir);
  for (const dir of [gitDir, commonDir]) {
    const loose = (await readGitFile(path.join(dir, ref)))?.trim();
    if (loose && COMMIT_ID.test(loose)) return loose;
  }
  const packed = await readGitFile(path.join(commonDir, 'packed-refs'));
  const commit = packed
    ?.split('\n')
    .map((line) => line.split(' '))
    .find(([, name]) => name === ref)?.[0];
  return commit && COMMIT_ID.test(commit) ? commit : undefined;
}

async function findGitDir(worktree: string): Promise<string | undefined> {
  const dotGit = path.join(worktree, '.git');
  // stat never blocks, whatever `.git` is; reading is what must be careful.
  const info = await stat(dotGit).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return dotGit;
  // A linked worktree: `.git` is a file saying `gitdir: <path>`.
  const pointer = /^gitdir: (.+)$/m.exec((await readGitFile(dotGit)) ?? '')?.[1]?.trim();
  return pointer ? path.resolve(worktree, pointer) : undefined;
}

async function commonDirOf(gitDir: string): Promise<string> {
  const common = (await readGitFile(path.join(gitDir, 'commondir')))?.trim();
  return common ? path.resolve(gitDir, common) : gitDir;
}

class RefusedGitFile extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** A git file's text, undefined when absent; anything there that is not a small regular file is refused. */
async function readGitFile(file: string): Promise<string | undefined> {
  // Links are followed: git's own layout may use them, and only a commit id is taken from what is read.
  const read = await readRegularFile(file, { maxBytes: GIT_FILE_BYTES, followSymlinks: true });
  if (read.ok) return read.content.toString('utf8');
  if (read.reason === 'missing') return undefined;
  throw new RefusedGitFile(file, read.message);
}
