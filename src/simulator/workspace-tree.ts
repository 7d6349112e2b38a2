/**
 * One workspace's file tree of notebooks and directories (reference §8),
 * rooted at `/` (object id 0).
 *
 * Path choice: `/Workspace` is an alias prefix of the root, as in the
 * workspace UI and newer workspaces, so `/Workspace/Customers/x` and
 * `/Customers/x` name the same object. Paths are stored and answered with
 * the `/Workspace` prefix stripped; a trailing `/` is ignored. Paths must be
 * absolute without empty, `.` or `..` segments.
 *
 * Notebook content is kept as the utf8 source the client imported (or
 * `setNotebookSource` wrote); the export header is added by the routes.
 */
import { SimulatorStateError } from './state-error.js';

export type NotebookLanguage = 'PYTHON' | 'SQL' | 'SCALA' | 'R';
export type WorkspaceObjectType = 'NOTEBOOK' | 'DIRECTORY' | 'FILE';

export interface WorkspaceObject {
  /** Decimal string of the int64 `object_id` (`"0"` for the root); the ACL APIs key on it. */
  readonly objectId: string;
  readonly objectType: WorkspaceObjectType;
  readonly path: string;
  language?: NotebookLanguage;
  /** Notebooks: the utf8 source as stored; files: their bytes as utf8. */
  content?: string;
  createdAt: number;
  modifiedAt: number;
}

export const ROOT_ID = '0';

function invalid(message: string): SimulatorStateError {
  return new SimulatorStateError('INVALID', message, 'INVALID_PARAMETER_VALUE');
}
function alreadyExists(message: string): SimulatorStateError {
  return new SimulatorStateError('INVALID', message, 'RESOURCE_ALREADY_EXISTS');
}
function missing(path: string): SimulatorStateError {
  return new SimulatorStateError('NOT_FOUND', `Path (${path}) doesn't exist.`);
}

/** The canonical path: absolute, `/Workspace` stripped, no trailing slash. */
export function normaliseWorkspacePath(path: string): string {
  if (!path.startsWith('/')) throw invalid(`Path (${path}) must be absolute.`);
  let canonical = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (canonical === '/Workspace' || canonical === '') canonical = '/';
  else if (canonical.startsWith('/Workspace/')) canonical = canonical.slice('/Workspace'.length);
  if (canonical !== '/' && canonical.slice(1).split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw invalid(`Path (${path}) is not a valid workspace path.`);
  }
  return canonical;
}

export function parentPath(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

export class WorkspaceTree {
  private readonly byPath = new Map<string, WorkspaceObject>();

  constructor(
    private readonly now: () => number,
    private readonly allocateId: () => string,
  ) {
    const at = now();
    this.byPath.set('/', { objectId: ROOT_ID, objectType: 'DIRECTORY', path: '/', createdAt: at, modifiedAt: at });
  }

  get(path: string): WorkspaceObject | undefined {
    return this.byPath.get(normaliseWorkspacePath(path));
  }
  require(path: string): WorkspaceObject {
    const object = this.get(path);
    if (!object) throw missing(normaliseWorkspacePath(path));
    return object;
  }
  byId(objectId: string): WorkspaceObject | undefined {
    return [...this.byPath.values()].find((object) => object.objectId === objectId);
  }

  /** Direct children, sorted by path; a notebook lists as itself. */
  list(path: string): WorkspaceObject[] {
    const object = this.require(path);
    if (object.objectType !== 'DIRECTORY') return [object];
    return [...this.byPath.values()].filter((child) => child.path !== '/' && parentPath(child.path) === object.path).sort(byPath);
  }

  /** The directories above an object, nearest first, ending with the root. */
  ancestors(object: WorkspaceObject): WorkspaceObject[] {
    const result: WorkspaceObject[] = [];
    let path = object.path;
    while (path !== '/') {
      path = parentPath(path);
      const directory = this.byPath.get(path);
      if (directory) result.push(directory);
    }
    return result;
  }

  /** Creates missing parents; existing directories are fine, a notebook on the way is not. */
  mkdirs(path: string): WorkspaceObject {
    const canonical = normaliseWorkspacePath(path);
    let current = this.byPath.get('/')!;
    for (const part of canonical === '/' ? [] : canonical.slice(1).split('/')) {
      const next = current.path === '/' ? `/${part}` : `${current.path}/${part}`;
      const existing = this.byPath.get(next);
      if (existing && existing.objectType !== 'DIRECTORY') throw alreadyExists(`Path (${next}) already exists and is not a directory.`);
      current = existing ?? this.add({ objectType: 'DIRECTORY', path: next });
    }
    return current;
  }

  importNotebook(path: string, input: { language: NotebookLanguage; content: string; overwrite: boolean }): WorkspaceObject {
    const canonical = this.importable(path, input.overwrite);
    const existing = this.byPath.get(canonical);
    if (existing) {
      if (existing.objectType !== 'NOTEBOOK') throw alreadyExists(`Path (${canonical}) already exists and is not a notebook.`);
      existing.language = input.language;
      existing.content = input.content;
      return this.touch(existing);
    }
    return this.add({ objectType: 'NOTEBOOK', path: canonical, language: input.language, content: input.content });
  }

  /** The canonical path an import may write: its parent folder exists, and nothing is there unless `overwrite`. */
  private importable(path: string, overwrite: boolean): string {
    const canonical = normaliseWorkspacePath(path);
    if (canonical === '/') throw alreadyExists('Path (/) already exists.');
    const parent = this.byPath.get(parentPath(canonical));
    if (!parent) throw new SimulatorStateError('NOT_FOUND', `The parent folder (${parentPath(canonical)}) does not exist.`);
    if (parent.objectType !== 'DIRECTORY') throw invalid(`The parent (${parent.path}) is not a folder.`);
    const existing = this.byPath.get(canonical);
    if (existing?.objectType === 'DIRECTORY') throw alreadyExists(`Path (${canonical}) already exists and is a directory.`);
    if (existing && !overwrite) throw alreadyExists(`Path (${canonical}) already exists.`);
    return canonical;
  }

  /** A workspace file (import with AUTO and a non-notebook extension); same parent and overwrite rules as a notebook. */
  importFile(path: string, input: { content: string; overwrite: boolean }): WorkspaceObject {
    const canonical = this.importable(path, input.overwrite);
    const existing = this.byPath.get(canonical);
    if (existing) {
      if (existing.objectType !== 'FILE') throw alreadyExists(`Path (${canonical}) already exists and is not a file.`);
      existing.content = input.content;
      return this.touch(existing);
    }
    return this.add({ objectType: 'FILE', path: canonical, content: input.content });
  }

  /** Edits a notebook by hand (drift); bumps `modifiedAt`. */
  setSource(path: string, content: string): WorkspaceObject {
    const notebook = this.require(path);
    if (notebook.objectType !== 'NOTEBOOK') throw invalid(`Path (${notebook.path}) is not a notebook.`);
    notebook.content = content;
    return this.touch(notebook);
  }

  /** Answers the removed objects (so their ACLs can go too). */
  delete(path: string, recursive: boolean): WorkspaceObject[] {
    const object = this.require(path);
    if (object.path === '/') throw invalid('The root folder cannot be deleted.');
    const inside = [...this.byPath.values()].filter((other) => other.path.startsWith(`${object.path}/`));
    if (inside.length > 0 && !recursive) {
      throw new SimulatorStateError('INVALID', `Folder (${object.path}) is not empty.`, 'DIRECTORY_NOT_EMPTY');
    }
    for (const removed of [object, ...inside]) this.byPath.delete(removed.path);
    return [object, ...inside];
  }

  private add(fields: Omit<WorkspaceObject, 'objectId' | 'createdAt' | 'modifiedAt'>): WorkspaceObject {
    const at = this.now();
    const object: WorkspaceObject = { objectId: this.allocateId(), ...fields, createdAt: at, modifiedAt: at };
    this.byPath.set(object.path, object);
    return object;
  }
  /** `modifiedAt` always moves forward, even when the clock stands still. */
  private touch(object: WorkspaceObject): WorkspaceObject {
    object.modifiedAt = Math.max(this.now(), object.modifiedAt + 1);
    return object;
  }
}

function byPath(a: WorkspaceObject, b: WorkspaceObject): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
