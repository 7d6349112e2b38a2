/**
 * Workspace objects: notebooks and the folders holding them (reference §8).
 * Sources travel base64-encoded; object ids are int64 and kept as strings.
 */
import { z } from 'zod';
import type { NotebookLanguage } from '../domain/notebook.js';
import { ignoreNotFound, isNotFound, orNull, workspaceRequester, type WorkspaceClientOptions } from './workspace-api.js';

export type { NotebookLanguage } from '../domain/notebook.js';

export interface WorkspaceObjectInfo {
  path: string;
  objectType: string;
  objectId: string;
  language?: NotebookLanguage;
}

const PATH = '/api/2.0/workspace';
const INT64_FIELDS = ['object_id'];

const int64Id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const statusSchema = z
  .looseObject({
    path: z.string(),
    object_type: z.string(),
    object_id: int64Id,
    language: z.enum(['PYTHON', 'SQL', 'SCALA', 'R']).nullish(),
  })
  .transform((o): WorkspaceObjectInfo => ({
    path: o.path,
    objectType: o.object_type,
    objectId: o.object_id,
    ...(o.language ? { language: o.language } : {}),
  }));
const exportSchema = z.looseObject({ content: z.string().nullish() });
const listSchema = z.looseObject({ objects: z.array(statusSchema).nullish() });
const anyBody = z.unknown();

export class WorkspaceObjects {
  private readonly call;

  constructor(options: WorkspaceClientOptions) {
    this.call = workspaceRequester(options, 'workspace');
  }

  getStatus(path: string): Promise<WorkspaceObjectInfo | null> {
    return orNull(this.call({ method: 'GET', path: `${PATH}/get-status`, query: { path }, schema: statusSchema, int64Fields: INT64_FIELDS }));
  }

  async exportSource(path: string): Promise<string | null> {
    const exported = await orNull(this.call({ method: 'GET', path: `${PATH}/export`, query: { path, format: 'SOURCE' }, schema: exportSchema }));
    return exported && Buffer.from(exported.content ?? '', 'base64').toString('utf8');
  }

  /** Overwrites in place; a missing parent folder is created (see importCreatingParent). */
  importSource(input: { path: string; language: NotebookLanguage; content: string }): Promise<void> {
    const content = Buffer.from(input.content, 'utf8').toString('base64');
    return this.importCreatingParent({ path: input.path, format: 'SOURCE', language: input.language, content, overwrite: true }, true);
  }

  /** A folder's direct children; null when the folder does not exist. */
  async list(path: string): Promise<WorkspaceObjectInfo[] | null> {
    const listed = await orNull(this.call({ method: 'GET', path: `${PATH}/list`, query: { path }, schema: listSchema, int64Fields: INT64_FIELDS }));
    return listed && (listed.objects ?? []);
  }

  /** A workspace file's bytes (utf8); null when there is nothing at the path. */
  async exportFile(path: string): Promise<string | null> {
    const exported = await orNull(this.call({ method: 'GET', path: `${PATH}/export`, query: { path, format: 'AUTO' }, schema: exportSchema }));
    return exported && Buffer.from(exported.content ?? '', 'base64').toString('utf8');
  }

  /**
   * Writes a workspace file in one request (so it is never half-written);
   * `AUTO` keeps a non-notebook extension such as `.json` a file. Without
   * `overwrite`, an existing file answers RESOURCE_ALREADY_EXISTS, which
   * makes the call a create-if-absent. A missing parent folder is created.
   */
  importFile(input: { path: string; content: string; overwrite: boolean }): Promise<void> {
    const content = Buffer.from(input.content, 'utf8').toString('base64');
    // A create-if-absent is not safe to repeat blindly: a lost answer may hide a write that happened.
    return this.importCreatingParent({ path: input.path, format: 'AUTO', content, overwrite: input.overwrite }, input.overwrite);
  }

  /** An import whose parent folder is missing (404) gets the folder created and is sent once more. */
  private async importCreatingParent(body: { path: string; overwrite: boolean } & Record<string, unknown>, idempotent: boolean): Promise<void> {
    const send = () => this.call({ method: 'POST', path: `${PATH}/import`, body, schema: anyBody, idempotent });
    try {
      await send();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.mkdirs(parentOf(body.path));
      await send();
    }
  }

  async mkdirs(path: string): Promise<void> {
    await this.call({ method: 'POST', path: `${PATH}/mkdirs`, body: { path }, schema: anyBody, idempotent: true });
  }

  delete(path: string): Promise<void> {
    // A POST, but repeating it is harmless: one that finds the path gone counts as done.
    return ignoreNotFound(this.call({ method: 'POST', path: `${PATH}/delete`, body: { path, recursive: false }, schema: anyBody, idempotent: true }));
  }
}

function parentOf(path: string): string {
  const cut = path.replace(/\/+$/, '').lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}
