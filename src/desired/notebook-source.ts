import path from 'node:path';

/** The notebook sources a revision references, by root-relative path: readable text, or why not. */
export interface NotebookSources {
  readonly texts: ReadonlyMap<string, string>;
  /** Sources that exist but are not UTF-8 source text: path -> reason. */
  readonly problems: ReadonlyMap<string, string>;
}

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

/**
 * A notebook source's bytes as text, or why they are not notebook source
 * text. Import sends UTF-8; decoding anything else would replace bytes and
 * send a different notebook than the file holds, so it is refused instead.
 * The byte order mark is kept, as reading the file as UTF-8 always did.
 */
export function decodeNotebookSource(content: string | Uint8Array): { text: string } | { error: string } {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(content);
    } catch {
      return { error: 'is not UTF-8 text (a binary file?); notebook sources must be UTF-8 source code' };
    }
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return { error: `is binary (a NUL character at offset ${nul}); notebook sources must be UTF-8 source code` };
  return { text };
}
