/**
 * Wire helpers shared by the Unity Catalog routes: request bodies, the UC
 * pagination contract (reference §4 preamble) and the JSON shapes of records.
 *
 * Pagination is keyset over the sorted list: a page *scans* `max_results`
 * records after the cursor and then drops those the caller may not see
 * (isolated and unbound, still within `listLagMs`). That is why a page may be
 * empty yet carry `next_page_token`, as on Databricks; clients must stop only
 * when the token is absent. The token is opaque (base64url JSON).
 *
 * Workspace ids are int64 and real ones exceed 2^53, so routes name their
 * int64 keys (`int64Keys`): bodies are read with those values as decimal
 * strings and answers written with them as bare numbers, never through a JS
 * number.
 */
import { HttpResponse } from 'msw';
import type { z } from 'zod';
import { ApiError } from './pipeline.js';
import type { UnityCatalogState } from './uc-state.js';
import type { UcCatalog, UcExternalLocation, UcSchema, UcStorageCredential } from './uc-types.js';

/** Grants pages for `max_results >= 150` are capped here (the reference does not give the real cap). */
export const GRANTS_MAX_PAGE_SIZE = 1000;

export function invalid(message: string): ApiError {
  return new ApiError(400, 'INVALID_PARAMETER_VALUE', message);
}

export interface JsonOptions {
  /** Keys whose integer values (or arrays of them) are int64: read as decimal strings, never as JS numbers. */
  int64Keys?: readonly string[];
}

export async function readBody<T>(request: Request, schema: z.ZodType<T>, options: JsonOptions = {}): Promise<T> {
  const text = await request.text();
  let raw: unknown = {};
  if (text.trim() !== '') {
    const quoted = retypeInt64(text, options.int64Keys ?? [], 'quote');
    try {
      raw = JSON.parse(quoted) as unknown;
    } catch {
      throw new ApiError(400, 'MALFORMED_REQUEST', 'Request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`Invalid request: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body'}`);
  }
  return parsed.data;
}

export function flag(url: URL, name: string): boolean {
  return url.searchParams.get(name)?.toLowerCase() === 'true';
}

function integerParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw invalid(`${name} must be an integer, got '${raw}'.`);
  return Number(raw);
}

/**
 * Page size of an ordinary UC list. Unset behaves like `0` (server page
 * size) rather than the deprecated "everything": a client that never
 * follows `next_page_token` should fail here before it fails in production.
 */
export function listPageSize(url: URL, serverPageSize: number): number {
  const value = integerParam(url, 'max_results');
  if (value !== undefined && value < 0) throw invalid(`max_results must be >= 0, got ${value}.`);
  return value === undefined || value === 0 ? serverPageSize : Math.min(value, serverPageSize);
}

/** Grants: unset ⇒ all (undefined), 0 ⇒ server page size, 1..149 ⇒ 400, ≥150 ⇒ capped. */
export function grantsPageSize(url: URL, serverPageSize: number): number | undefined {
  const value = integerParam(url, 'max_results');
  if (value === undefined) return undefined;
  if (value < 0) throw invalid(`max_results must be >= 0, got ${value}.`);
  if (value === 0) return serverPageSize;
  if (value < 150) throw invalid(`max_results must be 0 or at least 150, got ${value}.`);
  return Math.min(value, GRANTS_MAX_PAGE_SIZE);
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** `sorted` must be in ascending `keyOf` order; `size` undefined means one page with everything. */
export function paginate<T>(url: URL, sorted: readonly T[], keyOf: (item: T) => string, size: number | undefined, visible: (item: T) => boolean = () => true): Page<T> {
  const token = url.searchParams.get('page_token');
  const after = token ? decodeToken(token) : undefined;
  const rest = after === undefined ? [...sorted] : sorted.filter((item) => keyOf(item) > after);
  const window = size === undefined ? rest : rest.slice(0, size);
  const page: Page<T> = { items: window.filter(visible) };
  const last = window.at(-1);
  if (window.length < rest.length && last !== undefined) page.nextPageToken = encodeToken(keyOf(last));
  return page;
}

/** UC omits empty repeated fields (proto3 JSON): an empty page is `{}` or just the token. */
export function pageResponse<T>(field: string, page: Page<T>, render: (item: T) => unknown, options: JsonOptions = {}): Response {
  const body: Record<string, unknown> = {};
  if (page.items.length > 0) body[field] = page.items.map(render);
  if (page.nextPageToken !== undefined) body.next_page_token = page.nextPageToken;
  return jsonResponse(body, options);
}

/**
 * `HttpResponse.json`, except that decimal-string values under `int64Keys`
 * are written as bare JSON numbers: an id above 2^53 must not pass through a
 * JS number on its way out.
 */
export function jsonResponse(body: unknown, options: JsonOptions = {}): Response {
  const text = retypeInt64(JSON.stringify(body), options.int64Keys ?? [], 'unquote');
  return new HttpResponse(text, { headers: { 'Content-Type': 'application/json' } });
}

const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const DECIMAL_STRING = /^"-?\d+"$/;

/**
 * Rewrites the values of `keys` in JSON text: `quote` turns integer literals
 * into strings (requests), `unquote` turns decimal strings into literals
 * (responses). A value counts when it is the key's value or an element of an
 * array that is. Text that is not JSON passes through for JSON.parse to refuse.
 *
 * Quoting would hide a client that sends int64s as strings, so `quote`
 * refuses string values under `keys` (the routes have always refused them).
 */
function retypeInt64(text: string, keys: readonly string[], mode: 'quote' | 'unquote'): string {
  if (keys.length === 0) return text;
  // One frame per open object or array: the key a value there belongs to.
  const frames: { array: boolean; key: string | undefined; expectKey: boolean }[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    const top = frames.at(-1);
    if (char === '"') {
      const end = stringEnd(text, i);
      const literal = text.slice(i, end);
      i = end;
      if (top && !top.array && top.expectKey) {
        top.key = decodeKey(literal);
        top.expectKey = false;
        out += literal;
      } else if (top?.key === undefined || !keys.includes(top.key)) {
        out += literal;
      } else if (mode === 'quote') {
        throw invalid(`Invalid request: ${top.key}: expected an int64 number, received a string`);
      } else {
        out += DECIMAL_STRING.test(literal) ? literal.slice(1, -1) : literal;
      }
    } else if (char === '{' || char === '[') {
      frames.push({ array: char === '[', key: char === '[' ? top?.key : undefined, expectKey: char === '{' });
      out += char;
      i += 1;
    } else if (char === '}' || char === ']') {
      frames.pop();
      out += char;
      i += 1;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER.lastIndex = i;
      const literal = NUMBER.exec(text)?.[0] ?? char;
      i += literal.length;
      out += mode === 'quote' && /^-?\d+$/.test(literal) && top?.key !== undefined && keys.includes(top.key) ? `"${literal}"` : literal;
    } else {
      if (char === ',' && top && !top.array) top.expectKey = true;
      out += char;
      i += 1;
    }
  }
  return out;
}

function decodeKey(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}

/** Index just past the closing quote of the string starting at `start` (or the end of malformed text). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

function encodeToken(after: string): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}
function decodeToken(token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof decoded === 'object' && decoded !== null && typeof (decoded as { after?: unknown }).after === 'string') {
      return (decoded as { after: string }).after;
    }
  } catch {
    // fall through
  }
  throw invalid('Invalid page_token.');
}

// ---- record shapes ------------------------------------------------------------------

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function audit(record: { createdAt: number; createdBy: string; updatedAt: number; updatedBy: string }): Record<string, unknown> {
  return { created_at: record.createdAt, created_by: record.createdBy, updated_at: record.updatedAt, updated_by: record.updatedBy };
}

export function catalogInfo(uc: UnityCatalogState, catalog: UcCatalog): Record<string, unknown> {
  return compact({
    name: catalog.name,
    full_name: catalog.name,
    owner: catalog.owner,
    comment: catalog.comment,
    properties: catalog.properties,
    storage_root: catalog.storageRoot,
    storage_location: catalog.storageRoot,
    isolation_mode: catalog.isolationMode,
    catalog_type: 'MANAGED_CATALOG',
    securable_type: 'CATALOG',
    metastore_id: uc.metastoreId,
    id: catalog.id,
    browse_only: false,
    ...audit(catalog),
  });
}

export function schemaInfo(uc: UnityCatalogState, schema: UcSchema): Record<string, unknown> {
  return compact({
    name: schema.name,
    catalog_name: schema.catalogName,
    full_name: `${schema.catalogName}.${schema.name}`,
    schema_id: schema.id,
    owner: schema.owner,
    comment: schema.comment,
    properties: schema.properties,
    storage_root: schema.storageRoot,
    storage_location: schema.storageRoot,
    catalog_type: 'MANAGED_CATALOG',
    metastore_id: uc.metastoreId,
    browse_only: false,
    ...audit(schema),
  });
}

export function storageCredentialInfo(uc: UnityCatalogState, credential: UcStorageCredential): Record<string, unknown> {
  return compact({
    id: credential.id,
    name: credential.name,
    full_name: credential.name,
    owner: credential.owner,
    comment: credential.comment,
    read_only: credential.readOnly,
    used_for_managed_storage: false,
    isolation_mode: credential.isolationMode,
    metastore_id: uc.metastoreId,
    aws_iam_role: { role_arn: credential.roleArn },
    ...audit(credential),
  });
}

export function externalLocationInfo(uc: UnityCatalogState, location: UcExternalLocation): Record<string, unknown> {
  return compact({
    name: location.name,
    url: location.url,
    credential_name: location.credentialName,
    credential_id: uc.storageCredential(location.credentialName)?.id,
    owner: location.owner,
    comment: location.comment,
    read_only: location.readOnly,
    isolation_mode: location.isolationMode,
    metastore_id: uc.metastoreId,
    browse_only: false,
    ...audit(location),
  });
}
