/**
 * Workspace objects over HTTP (reference §8): notebooks and directories,
 * routed by the workspace header, family `workspace`. The tree and its
 * rules live in workspace-tree.ts (including the `/Workspace` alias choice).
 *
 * Export models Databricks' notebook source header: when the stored source
 * does not start with the language's header line (`# Databricks notebook
 * source` for Python and R, `-- ...` for SQL, `// ...` for Scala), export
 * prepends it and a newline. A client comparing raw bytes with what it
 * imported therefore sees false drift and must normalise.
 *
 * Notebooks and workspace files are modelled: `format` may be `SOURCE` (the
 * default) or `AUTO`; AUTO takes the language from `language` or from a
 * `.py`/`.sql`/`.scala`/`.r` extension, which it strips, and imports any
 * other path without a language as a workspace file (object type FILE).
 * Export answers SOURCE or AUTO; a file exports as its bytes
 * (`direct_download=true` answers the raw bytes).
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { z } from 'zod';
import { ApiError, route, type SimulatorContext } from './pipeline.js';
import { flag, invalid, readBody } from './rest-body.js';
import type { NotebookLanguage, WorkspaceObject } from './workspace-tree.js';

export const WORKSPACE_PREFIX = '*/api/2.0/workspace';

/** Base64 payload limit (reference §8). */
export const MAX_NOTEBOOK_BYTES = 10 * 1024 * 1024;

const LANGUAGES = ['PYTHON', 'SQL', 'SCALA', 'R'] as const;
const HEADER: Record<NotebookLanguage, string> = {
  PYTHON: '# Databricks notebook source',
  R: '# Databricks notebook source',
  SQL: '-- Databricks notebook source',
  SCALA: '// Databricks notebook source',
};
const FILE_TYPE: Record<NotebookLanguage, string> = { PYTHON: 'py', SQL: 'sql', SCALA: 'scala', R: 'r' };
const EXTENSION_LANGUAGE: Record<string, NotebookLanguage> = { '.py': 'PYTHON', '.sql': 'SQL', '.scala': 'SCALA', '.r': 'R' };

const importBody = z.looseObject({
  path: z.string().min(1),
  format: z.string().optional(),
  language: z.enum(LANGUAGES).optional(),
  content: z.string().optional(),
  overwrite: z.boolean().optional(),
});
const pathBody = z.looseObject({ path: z.string().min(1) });
const deleteBody = z.looseObject({ path: z.string().min(1), recursive: z.boolean().optional() });

export function objectInfo(object: WorkspaceObject): Record<string, unknown> {
  const info: Record<string, unknown> = {
    path: object.path,
    object_type: object.objectType,
    object_id: Number(object.objectId),
    resource_id: object.objectId,
    created_at: object.createdAt,
    modified_at: object.modifiedAt,
  };
  if (object.language !== undefined) info.language = object.language;
  return info;
}

/** The source as export answers it: with the language's header line. */
export function exportedSource(language: NotebookLanguage, stored: string): string {
  const firstLine = stored.split('\n', 1)[0]!.replace(/\r$/, '');
  return firstLine === HEADER[language] ? stored : `${HEADER[language]}\n${stored}`;
}

function queryPath(url: URL): string {
  const path = url.searchParams.get('path');
  if (!path) throw invalid('path is required.');
  return path;
}

function decodeContent(content: string): string {
  if (content.length > MAX_NOTEBOOK_BYTES) {
    throw new ApiError(400, 'MAX_NOTEBOOK_SIZE_EXCEEDED', `File size imported is (${content.length} bytes), exceeded max size (${MAX_NOTEBOOK_BYTES} bytes)`);
  }
  const compact = content.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw invalid('content must be base64-encoded.');
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** The notebook path and language an import creates, or a workspace file. */
function importTarget(body: z.infer<typeof importBody>): { path: string; language: NotebookLanguage } | { path: string; file: true } {
  const format = body.format ?? 'SOURCE';
  if (format === 'SOURCE') {
    if (!body.language) throw invalid('language is required when importing a single notebook with format SOURCE.');
    return { path: body.path, language: body.language };
  }
  if (format !== 'AUTO') throw invalid(`format ${format} is not supported by the simulator; use SOURCE or AUTO.`);
  const extension = /\.[A-Za-z]+$/.exec(body.path)?.[0];
  const fromExtension = extension === undefined ? undefined : EXTENSION_LANGUAGE[extension.toLowerCase()];
  if (fromExtension) return { path: body.path.slice(0, -extension!.length), language: body.language ?? fromExtension };
  if (body.language) return { path: body.path, language: body.language };
  return { path: body.path, file: true };
}

export function workspaceObjectHandlers(ctx: SimulatorContext): HttpHandler[] {
  const assets = ctx.state.assets;
  const spec = { family: 'workspace', workspaceFrom: 'header', authenticate: true } as const;

  return [
    route(ctx, 'get', `${WORKSPACE_PREFIX}/get-status`, spec, ({ url, workspaceId }) =>
      HttpResponse.json(objectInfo(assets.tree(workspaceId!).require(queryPath(url)))),
    ),
    route(ctx, 'get', `${WORKSPACE_PREFIX}/list`, spec, ({ url, workspaceId }) => {
      const objects = assets.tree(workspaceId!).list(queryPath(url));
      return HttpResponse.json(objects.length > 0 ? { objects: objects.map(objectInfo) } : {});
    }),
    route(ctx, 'get', `${WORKSPACE_PREFIX}/export`, spec, ({ url, workspaceId }) => {
      const format = url.searchParams.get('format') ?? 'SOURCE';
      if (format !== 'SOURCE' && format !== 'AUTO') throw invalid(`format ${format} is not supported by the simulator; use SOURCE or AUTO.`);
      const object = assets.tree(workspaceId!).require(queryPath(url));
      if (object.objectType === 'FILE') {
        const bytes = object.content ?? '';
        if (flag(url, 'direct_download')) return new HttpResponse(bytes, { headers: { 'content-type': 'application/octet-stream' } });
        const fileType = /\.([A-Za-z0-9]+)$/.exec(object.path)?.[1] ?? '';
        return HttpResponse.json({ content: Buffer.from(bytes, 'utf8').toString('base64'), file_type: fileType });
      }
      if (object.objectType !== 'NOTEBOOK' || object.language === undefined) {
        throw invalid(`Path (${object.path}) is a directory; the simulator exports notebooks and files only.`);
      }
      const source = exportedSource(object.language, object.content ?? '');
      if (flag(url, 'direct_download')) return new HttpResponse(source, { headers: { 'content-type': 'application/octet-stream' } });
      return HttpResponse.json({ content: Buffer.from(source, 'utf8').toString('base64'), file_type: FILE_TYPE[object.language] });
    }),
    route(ctx, 'post', `${WORKSPACE_PREFIX}/import`, spec, async ({ request, workspaceId }) => {
      const body = await readBody(request, importBody);
      const target = importTarget(body);
      const content = decodeContent(body.content ?? '');
      const overwrite = body.overwrite ?? false;
      if ('file' in target) assets.tree(workspaceId!).importFile(target.path, { content, overwrite });
      else assets.tree(workspaceId!).importNotebook(target.path, { language: target.language, content, overwrite });
      return HttpResponse.json({});
    }),
    route(ctx, 'post', `${WORKSPACE_PREFIX}/mkdirs`, spec, async ({ request, workspaceId }) => {
      assets.tree(workspaceId!).mkdirs((await readBody(request, pathBody)).path);
      return HttpResponse.json({});
    }),
    route(ctx, 'post', `${WORKSPACE_PREFIX}/delete`, spec, async ({ request, workspaceId }) => {
      const body = await readBody(request, deleteBody);
      assets.deleteWorkspaceObject(workspaceId!, body.path, body.recursive ?? false);
      return HttpResponse.json({});
    }),
  ];
}
