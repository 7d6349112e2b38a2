import path from 'node:path';

/**
 * A notebook `source` as a root-relative path with forward slashes, or why it
 * cannot be one: the folder is the whole desired state, so a source outside
 * it would make a revision depend on whatever else the pod has on disk.
 */
export function notebookSourcePath(written: string): { path: string } | { error: string } {
  const slashed = written.replace(/\\/g, '/');
  if (path.posix.isAbsolute(slashed) || /^[A-Za-z]:/.test(slashed)) {
    return { error: `notebook source "${written}" must be relative to the desired-state root` };
  }
  const normalised = path.posix.normalize(slashed);
  if (normalised === '..' || normalised.startsWith('../')) {
    return { error: `notebook source "${written}" escapes the desired-state root` };
  }
  return { path: normalised };
}
