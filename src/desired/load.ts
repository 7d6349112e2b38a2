/**
 * The desired-state loader: a folder in, a validated and expanded
 * DesiredState (or every issue found) out. File access happens here only;
 * everything after reading is pure, and `loadDesiredStateFromFiles` runs the
 * same pipeline on in-memory files (tests, tools).
 */
import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DesiredState } from '../domain/desired.js';
import { DesiredStateError, type DesiredStateIssue } from '../domain/errors.js';
import type { HostPattern } from '../domain/host-trust.js';
import { validateDocuments, type AnyValidDocument } from './documents.js';
import { expandDesiredState } from './expand.js';
import { compareStrings, parseYamlFiles } from './parse.js';
import { createRevisionReader, DEFAULT_READ_LIMITS, fileIssue, findYamlFiles, type ReadLimits } from './read-folder.js';
import { indexDocuments } from './resolve.js';
import { decodeNotebookSource, notebookSourcePath, type NotebookSources } from './notebook-source.js';
import { checkRules } from './rules.js';

export type LoadResult =
  | {
      ok: true;
      state: DesiredState;
      /** Every file the state was built from (YAML and notebook sources), relative, sorted. */
      files: string[];
      /** sha256 (hex) over the files' relative paths and contents: the revision id without a git commit. */
      contentHash: string;
    }
  | { ok: false; issues: DesiredStateIssue[] };

const YAML_FILE = /\.ya?ml$/i;

export interface LoadOptions {
  /**
   * The operator's trusted hosts (config): a Workspace host outside them is
   * an issue at its `host` field, so no connection is ever made to it.
   * Absent: hosts are not checked (tools that never connect).
   */
  trustedHosts?: readonly HostPattern[];
  /** Size limits of the files read; DEFAULT_READ_LIMITS unless a test needs small ones. */
  limits?: ReadLimits;
}

export async function loadDesiredState(root: string, options: LoadOptions = {}): Promise<LoadResult> {
  const limits = options.limits ?? DEFAULT_READ_LIMITS;
  const rootIssue = await checkRoot(root);
  if (rootIssue) return { ok: false, issues: [rootIssue] };
  let listing: Awaited<ReturnType<typeof findYamlFiles>>;
  try {
    listing = await findYamlFiles(root);
  } catch (error) {
    return { ok: false, issues: [fileIssue(root, 'FILE_UNREADABLE', `cannot list the desired-state folder: ${(error as Error).message}`)] };
  }
  const reader = createRevisionReader(root, limits);
  const yamlFiles = new Map<string, string>();
  const readIssues = [...listing.issues];
  let overBudget = false;
  for (const file of listing.files) {
    const read = await reader.read(file, limits.yamlFileBytes);
    if (read.ok) yamlFiles.set(file, read.content.toString('utf8'));
    else if (read.issue) readIssues.push(read.reason === 'missing' ? fileIssue(file, 'FILE_UNREADABLE', 'disappeared while the folder was read') : read.issue);
    overBudget ||= read.ok === false && read.reason === 'over-budget';
  }
  // Over the revision's limit nothing is parsed: it is rejected anyway, and parsing is what costs memory.
  if (overBudget) return { ok: false, issues: sortIssues(readIssues) };
  const documents = validate(yamlFiles);
  const notebooks = await readNotebookSources(root, referencedSources(documents.documents), reader, limits);
  return finish(root, yamlFiles, documents, notebooks.contents, [...readIssues, ...notebooks.issues], options);
}

/** The same pipeline over in-memory files (relative path -> content): YAML by extension, the rest notebook sources. */
export function loadDesiredStateFromFiles(files: Readonly<Record<string, string>>, root = '.', options: LoadOptions = {}): LoadResult {
  const yamlFiles = new Map<string, string>();
  for (const [file, content] of Object.entries(files)) {
    // Same rule as the folder walk: dot-entries are never desired state.
    if (YAML_FILE.test(file) && !file.split('/').some((segment) => segment.startsWith('.'))) yamlFiles.set(file, content);
  }
  const documents = validate(yamlFiles);
  const notebookSources = emptySources();
  for (const source of referencedSources(documents.documents)) {
    const content = files[source];
    if (content !== undefined) addSource(notebookSources, source, content);
  }
  return finish(root, yamlFiles, documents, notebookSources, [], options);
}

interface Validated {
  documents: AnyValidDocument[];
  rejected: ReadonlySet<string>;
  issues: DesiredStateIssue[];
  documentCount: number;
}

function validate(yamlFiles: ReadonlyMap<string, string>): Validated {
  const parsed = parseYamlFiles(yamlFiles);
  const validated = validateDocuments(parsed.documents);
  return {
    documents: validated.documents,
    rejected: validated.rejected,
    issues: [...parsed.issues, ...validated.issues],
    documentCount: parsed.documents.length + parsed.issues.length,
  };
}

function finish(
  root: string,
  yamlFiles: ReadonlyMap<string, string>,
  validated: Validated,
  notebookSources: NotebookSources,
  readIssues: readonly DesiredStateIssue[],
  options: LoadOptions,
): LoadResult {
  if (validated.documentCount === 0 && readIssues.length === 0) {
    // Never "an empty desired state": applied, it would delete everything the controller owns.
    return { ok: false, issues: [fileIssue(root, 'NO_DOCUMENTS', 'no YAML documents found; an empty desired state is never applied')] };
  }
  const { index, issues: duplicateIssues } = indexDocuments(validated.documents, validated.rejected);
  const issues = [...readIssues, ...validated.issues, ...duplicateIssues, ...checkRules({ index, notebookSources, ...options })];
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };
  const state = expandDesiredState({ index, notebookSources: notebookSources.texts });
  const hashed = new Map([...yamlFiles, ...notebookSources.texts]);
  return { ok: true, state, files: [...hashed.keys()].sort(compareStrings), contentHash: contentHash(hashed) };
}

/** sha256 over (path, content) pairs in path order; lengths frame each part so no two trees hash alike. */
export function contentHash(files: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const file of [...files.keys()].sort(compareStrings)) {
    const name = Buffer.from(file, 'utf8');
    const content = Buffer.from(files.get(file) ?? '', 'utf8');
    hash.update(`${name.length}:`).update(name).update(`${content.length}:`).update(content);
  }
  return hash.digest('hex');
}

function referencedSources(documents: readonly AnyValidDocument[]): string[] {
  const sources = new Set<string>();
  for (const document of documents) {
    if (document.kind !== 'Customer') continue;
    for (const notebook of document.spec.notebooks ?? []) {
      const source = notebookSourcePath(notebook.source);
      if ('path' in source) sources.add(source.path);
    }
  }
  return [...sources].sort(compareStrings);
}

function emptySources(): NotebookSources & { texts: Map<string, string>; problems: Map<string, string> } {
  return { texts: new Map(), problems: new Map() };
}

function addSource(sources: ReturnType<typeof emptySources>, source: string, content: string | Uint8Array): void {
  const decoded = decodeNotebookSource(content);
  if ('text' in decoded) sources.texts.set(source, decoded.text);
  else sources.problems.set(source, decoded.error);
}

/**
 * Reads the sources that exist as files inside the root; a missing one is
 * reported by the rules, one that cannot be read (not a regular file, over
 * its limit) here, at the source file.
 */
async function readNotebookSources(
  root: string,
  sources: readonly string[],
  reader: ReturnType<typeof createRevisionReader>,
  limits: ReadLimits,
): Promise<{ contents: NotebookSources; issues: DesiredStateIssue[] }> {
  const contents = emptySources();
  const issues: DesiredStateIssue[] = [];
  if (sources.length === 0) return { contents, issues };
  const realRoot = await realpath(root);
  for (const source of sources) {
    const real = await realpath(path.join(root, source)).catch(() => undefined);
    if (real === undefined) continue;
    // A symlink inside the folder must not smuggle in a file from outside it.
    const relative = path.relative(realRoot, real);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const read = await reader.read(source, limits.notebookFileBytes, real);
    if (read.ok) addSource(contents, source, read.content);
    // Refused (not a regular file, over its limit): reported where the Customer names it, not as "not found".
    else if (read.reason === 'refused' && read.issue) contents.problems.set(source, read.issue.message);
    else if (read.reason === 'over-budget' && read.issue) issues.push(read.issue);
  }
  return { contents, issues };
}

async function checkRoot(root: string): Promise<DesiredStateIssue | undefined> {
  try {
    if (!(await stat(root)).isDirectory()) return fileIssue(root, 'FOLDER_MISSING', 'the desired-state path is not a directory');
    return undefined;
  } catch {
    return fileIssue(root, 'FOLDER_MISSING', 'the desired-state folder does not exist');
  }
}

export function sortIssues(issues: readonly DesiredStateIssue[]): DesiredStateIssue[] {
  return [...issues].sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareStrings(a.path, b.path) ||
      compareStrings(a.message, b.message),
  );
}

/** Loads the folder or throws a DesiredStateError with every issue found, a Workspace host outside `trustedHosts` among them. */
export async function loadOrThrow(dir: string, trustedHosts: readonly HostPattern[]): Promise<DesiredState> {
  const result = await loadDesiredState(dir, { trustedHosts });
  if (!result.ok) throw new DesiredStateError(result.issues);
  return result.state;
}
