/**
 * SCIM mechanics shared by account and workspace SCIM: error bodies, the list
 * envelope with 1-based paging, the small filter language Databricks clients
 * use (`attr eq "value"`), attribute projection and PATCH body parsing.
 */
import { HttpResponse } from 'msw';
import { z } from 'zod';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const WORKSPACE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:workspace:2.0:User';
export const SERVICE_PRINCIPAL_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal';

export type ScimType = 'invalidFilter' | 'invalidValue' | 'invalidPath' | 'invalidSyntax' | 'uniqueness' | 'mutability';

export type ScimResource = Record<string, unknown> & { id: string };

/** Thrown by SCIM route code; the route wrapper turns it into the SCIM error body. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
  }
}

/** SCIM errors carry `status` as a string, unlike every other Databricks API. */
export function scimErrorResponse(error: ScimError): Response {
  const body: Record<string, unknown> = { schemas: [SCIM_ERROR_SCHEMA], detail: error.detail, status: String(error.status) };
  if (error.scimType) body.scimType = error.scimType;
  return HttpResponse.json(body, { status: error.status });
}

// ---- listing ----------------------------------------------------------------

export interface ListQuery {
  filter?: Filter;
  startIndex: number;
  count: number;
  projection: Projection;
}

export function parseListQuery(url: URL, maxPageSize: number, filterable: readonly string[]): ListQuery {
  const startIndex = parsePositiveInt(url.searchParams.get('startIndex'), 'startIndex') ?? 1;
  const count = Math.min(parsePositiveInt(url.searchParams.get('count'), 'count') ?? maxPageSize, maxPageSize);
  const rawFilter = url.searchParams.get('filter');
  const query: ListQuery = { startIndex: Math.max(startIndex, 1), count, projection: parseProjection(url) };
  if (rawFilter !== null && rawFilter.trim() !== '') query.filter = parseFilter(rawFilter, filterable);
  return query;
}

function parsePositiveInt(raw: string | null, name: string): number | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new ScimError(400, `Invalid value for ${name}: ${raw}`, 'invalidValue');
  return Number(raw);
}

/** `items` must already be in the deterministic (creation) order. */
export function listResponse(items: ScimResource[], query: ListQuery): Response {
  const matching = query.filter ? items.filter((item) => matchesFilter(item, query.filter!)) : items;
  const page = matching.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  const body: Record<string, unknown> = {
    schemas: [SCIM_LIST_SCHEMA],
    totalResults: matching.length,
    startIndex: query.startIndex,
    itemsPerPage: page.length,
  };
  // Databricks omits `Resources` on an empty page; clients must stop on its absence.
  if (page.length > 0) body.Resources = page.map((item) => project(item, query.projection));
  return HttpResponse.json(body);
}

// ---- filter -------------------------------------------------------------------

export interface Filter {
  attribute: string;
  value: string;
}

const CASE_INSENSITIVE_ATTRIBUTES = new Set(['displayname', 'username', 'applicationid']);

/** Only `attr eq "value"`; richer expressions are refused rather than half-supported. */
export function parseFilter(raw: string, filterable: readonly string[]): Filter {
  const match = /^\s*([A-Za-z][\w.]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(raw);
  if (!match) throw new ScimError(400, `Unsupported filter: ${raw}`, 'invalidFilter');
  const attribute = filterable.find((name) => name.toLowerCase() === match[1]!.toLowerCase());
  if (!attribute) throw new ScimError(400, `Unsupported filter attribute: ${match[1]}`, 'invalidFilter');
  return { attribute, value: match[2]!.replace(/\\(.)/g, '$1') };
}

function matchesFilter(item: ScimResource, filter: Filter): boolean {
  const actual = item[filter.attribute];
  if (typeof actual !== 'string') return false;
  return CASE_INSENSITIVE_ATTRIBUTES.has(filter.attribute.toLowerCase())
    ? actual.toLowerCase() === filter.value.toLowerCase()
    : actual === filter.value;
}

// ---- attributes / excludedAttributes -------------------------------------------------------

export type Projection = { include: Set<string> } | { exclude: Set<string> } | null;

export function parseProjection(url: URL): Projection {
  const names = (raw: string) =>
    new Set(
      raw
        .split(',')
        .map((name) => name.trim().split('.')[0]!.toLowerCase())
        .filter((name) => name !== ''),
    );
  const attributes = url.searchParams.get('attributes');
  if (attributes) return { include: names(attributes) };
  const excluded = url.searchParams.get('excludedAttributes');
  if (excluded) return { exclude: names(excluded) };
  return null;
}

const ALWAYS_RETURNED = new Set(['id', 'schemas']);

export function project(resource: ScimResource, projection: Projection): ScimResource {
  if (!projection) return resource;
  const out: ScimResource = { id: resource.id };
  for (const [key, value] of Object.entries(resource)) {
    const name = key.toLowerCase();
    const keep = ALWAYS_RETURNED.has(name) || ('include' in projection ? projection.include.has(name) : !projection.exclude.has(name));
    if (keep) out[key] = value;
  }
  return out;
}

// ---- PATCH ---------------------------------------------------------------------------

const patchOperation = z.object({
  op: z.enum(['add', 'remove', 'replace']),
  path: z.string().optional(),
  value: z.unknown().optional(),
});
const patchBody = z.object({
  schemas: z.array(z.string()).refine((schemas) => schemas.includes(SCIM_PATCH_SCHEMA), 'schemas must include the PatchOp schema'),
  Operations: z.array(patchOperation).min(1),
});

export type PatchOperation = z.infer<typeof patchOperation>;

export async function readPatch(request: Request): Promise<PatchOperation[]> {
  const parsed = patchBody.safeParse(await readJson(request));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body';
    throw new ScimError(400, `Invalid PATCH request: ${where}`, 'invalidSyntax');
  }
  return parsed.data.Operations;
}

export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ScimError(400, 'Request body is not valid JSON.', 'invalidSyntax');
  }
}

/** `members[value eq "123"]` -> `123`. */
export function memberFilterPath(path: string): string | undefined {
  return /^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$/i.exec(path)?.[1];
}

/** `[{value:"a"},{value:"b"}]` -> `['a','b']`; anything else is undefined. */
export function complexValues(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const values: string[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const inner = (entry as { value?: unknown }).value;
    if (typeof inner !== 'string') return undefined;
    values.push(inner);
  }
  return values;
}
