/**
 * The desired-state folder on disk: which YAML files it holds, and their
 * text within the read limits. What could hang a read, exhaust memory or be
 * skipped without a word (a FIFO, a huge file, a symbolic link) becomes a
 * located issue instead, and the revision is rejected.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DesiredStateIssue } from '../domain/errors.js';
import type { IssueCode } from '../domain/issue-codes.js';
import { compareStrings } from './parse.js';
import { describeFileType, formatBytes, readRegularFile, type FileRead } from './regular-file.js';

export interface ReadLimits {
  /** Per YAML file: a roster of ten thousand people is well under 4 MiB; the parser needs many times a file's size. */
  yamlFileBytes: number;
  /**
   * Per notebook source, a bound on memory only: the workspace import takes
   * at most 10 MiB of base64 (about 7.5 MiB of source), which the customer
   * rules check with a precise message; this limit is above it so that check
   * is the one a large notebook meets.
   */
  notebookFileBytes: number;
  /** Every file of one revision together, YAML and notebook sources. */
  revisionBytes: number;
}

const MiB = 1024 * 1024;
export const DEFAULT_READ_LIMITS: ReadLimits = { yamlFileBytes: 4 * MiB, notebookFileBytes: 16 * MiB, revisionBytes: 64 * MiB };

const YAML_FILE = /\.ya?ml$/i;

export interface YamlListing {
  /** Relative paths (forward slashes, sorted) of the regular `*.yaml`/`*.yml` files. */
  files: string[];
  /** Entries that look like desired state but are not read: symbolic links, FIFOs, sockets, devices. */
  issues: DesiredStateIssue[];
}

/**
 * Every `*.yaml`/`*.yml` under `root`, skipping dot-entries. The root itself
 * may be a symbolic link (git-sync publishes it so); links inside it are
 * reported, never followed: one that stays inside the folder only repeats a
 * file that is read anyway, one that leaves it would make the revision depend
 * on the rest of the disk, and telling the two apart races with the link
 * changing. A link to a folder is reported for the same reason (its YAML files
 * would otherwise be ignored without a word).
 */
export async function findYamlFiles(root: string): Promise<YamlListing> {
  const files: string[] = [];
  const issues: DesiredStateIssue[] = [];
  async function walk(relativeDir: string): Promise<void> {
    const entries = await readdir(path.join(root, relativeDir), { withFileTypes: true });
    for (const entry of entries) {
      // .git, editor swap files and hidden folders are never desired state.
      if (entry.name.startsWith('.')) continue;
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) await walk(relative);
      else if (entry.isSymbolicLink()) {
        const target = await stat(path.join(root, relative)).catch(() => undefined);
        if (YAML_FILE.test(entry.name)) {
          issues.push(fileIssue(relative, 'SYMLINK', 'is a symbolic link: YAML files must be regular files in the folder (copy the file instead of linking it)'));
        } else if (target?.isDirectory()) {
          issues.push(fileIssue(relative, 'SYMLINK', 'is a symbolic link to a folder, which is not followed: the YAML files under it would be ignored'));
        }
      } else if (YAML_FILE.test(entry.name)) {
        if (entry.isFile()) files.push(relative);
        else issues.push(fileIssue(relative, 'NOT_A_REGULAR_FILE', `is ${describeFileType(entry)}, not a regular file`));
      }
    }
  }
  await walk('');
  return { files: files.sort(compareStrings), issues };
}

export type FolderRead =
  | { ok: true; content: Buffer }
  /** `missing`: gone since the listing, or never there; `refused`: its own issue; `over-budget`: the revision's limit is spent. */
  | { ok: false; reason: 'missing' | 'refused' | 'over-budget'; issue: DesiredStateIssue | undefined };

/**
 * Reads files of one revision, each within its own limit and all of them
 * within the revision's: once that is spent, the file that crossed it is
 * reported and nothing more is read.
 */
export function createRevisionReader(root: string, limits: ReadLimits) {
  let totalBytes = 0;
  let spent = false;
  return {
    /** `relative` is the name issues carry; `location` where it is read (a resolved path for notebook sources). */
    async read(relative: string, maxBytes: number, location = path.join(root, relative)): Promise<FolderRead> {
      if (spent) return { ok: false, reason: 'over-budget', issue: undefined };
      const result = await readRegularFile(location, { maxBytes, followSymlinks: false });
      if (!result.ok) {
        return { ok: false, reason: result.reason === 'missing' ? 'missing' : 'refused', issue: fileIssue(relative, REFUSED_READ_CODES[result.reason], result.message) };
      }
      totalBytes += result.bytes;
      if (totalBytes > limits.revisionBytes) {
        spent = true;
        const message = `the revision's files add up to more than ${formatBytes(limits.revisionBytes)} (the limit per revision) with this one; nothing more is read`;
        return { ok: false, reason: 'over-budget', issue: fileIssue(relative, 'REVISION_TOO_LARGE', message) };
      }
      return { ok: true, content: result.content };
    },
  };
}

/** The rule a file broke when reading it failed. */
const REFUSED_READ_CODES: Record<Extract<FileRead, { ok: false }>['reason'], IssueCode> = {
  missing: 'FILE_UNREADABLE',
  unreadable: 'FILE_UNREADABLE',
  symlink: 'SYMLINK',
  'not-regular': 'NOT_A_REGULAR_FILE',
  'too-large': 'FILE_TOO_LARGE',
};

export function fileIssue(file: string, code: IssueCode, message: string): DesiredStateIssue {
  return { file, line: 1, column: 1, path: '', code, message };
}
