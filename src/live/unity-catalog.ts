/**
 * Unity Catalog (reference §4): catalogs, schemas, storage credentials,
 * external locations, direct grants and workspace bindings, through one
 * workspace of the metastore. Every list is paged by token (a page may be
 * empty yet carry one) and proto3 JSON omits empty lists, false and default
 * enums, so absent fields are read as their zero values.
 */
import { z } from 'zod';
import { segment } from './http.js';
import type { QueryValue } from './url.js';
import {
  ignoreNotFound,
  invalidResponse,
  listAllPages,
  orNull,
  REPEATED_PAGE_TOKEN,
  workspaceRequester,
  type WorkspaceCall,
  type WorkspaceClientOptions,
} from './workspace-api.js';

export type BindingType = 'READ_WRITE' | 'READ_ONLY';
export type GrantSecurableType = 'catalog' | 'schema' | 'external_location';
export type BindableSecurableType = 'catalog' | 'external_location' | 'storage_credential';

export interface CatalogInfo {
  name: string;
  owner: string;
  comment?: string;
  isolation: 'OPEN' | 'ISOLATED';
}
export interface SchemaInfo {
  name: string;
  catalogName: string;
  fullName: string;
  owner: string;
  comment?: string;
}
export interface ExternalLocationInfo {
  name: string;
  url: string;
  credentialName: string;
  readOnly: boolean;
  owner: string;
  comment?: string;
}
export interface StorageCredentialInfo {
  name: string;
}
/** Privileges sorted, spelled as the server answers them. */
export interface PrivilegeAssignment {
  principal: string;
  privileges: string[];
}
export interface PrivilegeChange {
  principal: string;
  add: string[];
  remove: string[];
}
/** `workspaceId` is a decimal string: workspace ids are int64. */
export interface WorkspaceBinding {
  workspaceId: string;
  bindingType: BindingType;
}

/** Unity Catalog is reached through a workspace: its host and id. */
export type UnityCatalogOptions = WorkspaceClientOptions;

const PREFIX = '/api/2.1/unity-catalog';
const INT64_FIELDS = ['workspace_id'];

/** UC clears a comment with `""` and may answer it back that way; both mean no comment. */
const comment = z
  .string()
  .nullish()
  .transform((value) => (value ? value : undefined));
const owner = z
  .string()
  .nullish()
  .transform((value) => value ?? '');
const nextPageToken = z.string().nullish();

function withComment<T extends object>(info: T, text: string | undefined): T & { comment?: string } {
  return text === undefined ? info : { ...info, comment: text };
}

const catalogSchema = z
  .looseObject({ name: z.string(), owner, comment, isolation_mode: z.enum(['OPEN', 'ISOLATED']).nullish() })
  .transform((c): CatalogInfo => withComment({ name: c.name, owner: c.owner, isolation: c.isolation_mode ?? 'OPEN' }, c.comment));

const schemaSchema = z
  .looseObject({ name: z.string(), catalog_name: z.string(), full_name: z.string().nullish(), owner, comment })
  .transform(
    (s): SchemaInfo =>
      withComment({ name: s.name, catalogName: s.catalog_name, fullName: s.full_name ?? `${s.catalog_name}.${s.name}`, owner: s.owner }, s.comment),
  );

const locationSchema = z
  .looseObject({ name: z.string(), url: z.string(), credential_name: z.string(), read_only: z.boolean().nullish(), owner, comment })
  .transform(
    (l): ExternalLocationInfo =>
      withComment({ name: l.name, url: l.url, credentialName: l.credential_name, readOnly: l.read_only ?? false, owner: l.owner }, l.comment),
  );

const credentialSchema = z.looseObject({ name: z.string() }).transform((c): StorageCredentialInfo => ({ name: c.name }));

const assignmentsSchema = z.looseObject({
  privilege_assignments: z
    .array(z.looseObject({ principal: z.string(), privileges: z.array(z.string()).nullish() }))
    .nullish()
    .transform((list) => (list ?? []).map((a): PrivilegeAssignment => ({ principal: a.principal, privileges: [...(a.privileges ?? [])].sort() }))),
  next_page_token: nextPageToken,
});

const WIRE_BINDING = { READ_WRITE: 'BINDING_TYPE_READ_WRITE', READ_ONLY: 'BINDING_TYPE_READ_ONLY' } as const;

/** Quoted by the client before parsing (see `int64Fields`), so it arrives as a string. */
const int64Id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const bindingsSchema = z.looseObject({
  bindings: z
    .array(
      z.looseObject({
        workspace_id: int64Id,
        // READ_WRITE is the server's default, so proto3 may leave it out.
        binding_type: z.enum(['BINDING_TYPE_READ_WRITE', 'BINDING_TYPE_READ_ONLY']).nullish(),
      }),
    )
    .nullish()
    .transform((list) =>
      (list ?? []).map(
        (b): WorkspaceBinding => ({ workspaceId: b.workspace_id, bindingType: b.binding_type === 'BINDING_TYPE_READ_ONLY' ? 'READ_ONLY' : 'READ_WRITE' }),
      ),
    ),
  next_page_token: nextPageToken,
});

const schemasPage = z.looseObject({ schemas: z.array(schemaSchema).nullish(), next_page_token: nextPageToken });
const credentialsPage = z.looseObject({ storage_credentials: z.array(credentialSchema).nullish(), next_page_token: nextPageToken });
const anyBody = z.looseObject({}).nullish();


export class UnityCatalog {
  private readonly request: ReturnType<typeof workspaceRequester>;

  constructor(options: UnityCatalogOptions) {
    this.request = workspaceRequester(options, 'unity-catalog');
  }

  // ---- catalogs

  getCatalog(name: string): Promise<CatalogInfo | null> {
    return orNull(this.call({ method: 'GET', path: `/catalogs/${segment(name)}`, schema: catalogSchema }));
  }

  /** Owner and isolation mode are refused on create (§4.1); set them with `updateCatalog`. */
  createCatalog(input: { name: string; comment?: string }): Promise<CatalogInfo> {
    const body = { name: input.name, ...optional('comment', input.comment) };
    return this.call({ method: 'POST', path: '/catalogs', body, schema: catalogSchema });
  }

  updateCatalog(name: string, patch: { comment?: string; owner?: string; isolation?: 'OPEN' | 'ISOLATED' }): Promise<CatalogInfo> {
    const body = { ...optional('comment', patch.comment), ...optional('isolation_mode', patch.isolation) };
    return this.ownerFirst(`/catalogs/${segment(name)}`, patch.owner, body, catalogSchema);
  }

  deleteCatalog(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.delete(`/catalogs/${segment(name)}`, options.force);
  }

  // ---- schemas

  listSchemas(catalogName: string): Promise<SchemaInfo[]> {
    return this.listAll('/schemas', schemasPage, (page) => page.schemas, { catalog_name: catalogName });
  }

  createSchema(input: { catalogName: string; name: string; comment?: string }): Promise<SchemaInfo> {
    const body = { catalog_name: input.catalogName, name: input.name, ...optional('comment', input.comment) };
    return this.call({ method: 'POST', path: '/schemas', body, schema: schemaSchema });
  }

  updateSchema(fullName: string, patch: { comment?: string; owner?: string }): Promise<SchemaInfo> {
    return this.ownerFirst(`/schemas/${segment(fullName)}`, patch.owner, optional('comment', patch.comment), schemaSchema);
  }

  deleteSchema(fullName: string, options: { force?: boolean } = {}): Promise<void> {
    return this.delete(`/schemas/${segment(fullName)}`, options.force);
  }

  // ---- storage credentials and external locations

  listStorageCredentials(): Promise<StorageCredentialInfo[]> {
    return this.listAll('/storage-credentials', credentialsPage, (page) => page.storage_credentials);
  }

  getExternalLocation(name: string): Promise<ExternalLocationInfo | null> {
    return orNull(this.call({ method: 'GET', path: `/external-locations/${segment(name)}`, schema: locationSchema }));
  }

  createExternalLocation(input: {
    name: string;
    url: string;
    credentialName: string;
    readOnly?: boolean;
    comment?: string;
  }): Promise<ExternalLocationInfo> {
    const body = {
      name: input.name,
      url: input.url,
      credential_name: input.credentialName,
      ...optional('read_only', input.readOnly),
      ...optional('comment', input.comment),
    };
    return this.call({ method: 'POST', path: '/external-locations', body, schema: locationSchema });
  }

  updateExternalLocation(
    name: string,
    patch: { url?: string; credentialName?: string; readOnly?: boolean; comment?: string; owner?: string },
  ): Promise<ExternalLocationInfo> {
    const body = {
      ...optional('url', patch.url),
      ...optional('credential_name', patch.credentialName),
      ...optional('read_only', patch.readOnly),
      ...optional('comment', patch.comment),
    };
    return this.ownerFirst(`/external-locations/${segment(name)}`, patch.owner, body, locationSchema);
  }

  deleteExternalLocation(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.delete(`/external-locations/${segment(name)}`, options.force);
  }

  // ---- grants and bindings

  /** Direct grants only. `max_results=0` because 1..149 is refused (§4.5). */
  getGrants(type: GrantSecurableType, fullName: string): Promise<PrivilegeAssignment[]> {
    const path = `/permissions/${type}/${segment(fullName)}`;
    return this.listAll(path, assignmentsSchema, (page) => page.privilege_assignments.filter((a) => a.privileges.length > 0));
  }

  /** The PATCH is a delta (§4.5): only the privileges named change. */
  async updateGrants(type: GrantSecurableType, fullName: string, changes: readonly PrivilegeChange[]): Promise<void> {
    const wire = changes
      .filter((c) => c.add.length > 0 || c.remove.length > 0)
      .map((c) => ({ principal: c.principal, ...nonEmpty('add', c.add), ...nonEmpty('remove', c.remove) }));
    if (wire.length === 0) return;
    await this.call({ method: 'PATCH', path: `/permissions/${type}/${segment(fullName)}`, body: { changes: wire }, schema: assignmentsSchema });
  }

  getBindings(type: BindableSecurableType, name: string): Promise<WorkspaceBinding[]> {
    return this.listAll(`/bindings/${type}/${segment(name)}`, bindingsSchema, (page) => page.bindings);
  }

  /** Re-adding a bound workspace with another type changes its type (§4.6). */
  async updateBindings(type: BindableSecurableType, name: string, change: { add: readonly WorkspaceBinding[]; remove: readonly string[] }): Promise<void> {
    if (change.add.length === 0 && change.remove.length === 0) return;
    const body = {
      ...nonEmpty('add', change.add.map((b) => ({ workspace_id: b.workspaceId, binding_type: WIRE_BINDING[b.bindingType] }))),
      ...nonEmpty('remove', change.remove.map((id) => ({ workspace_id: id }))),
    };
    await this.call({ method: 'PATCH', path: `/bindings/${type}/${segment(name)}`, body, schema: bindingsSchema });
  }

  // ---- plumbing

  /**
   * Every page: `max_results=0` asks for the server's page size (unset is the
   * deprecated "everything"), and only an absent token ends the list.
   */
  private async listAll<P extends { next_page_token?: string | null | undefined }, T>(
    path: string,
    schema: z.ZodType<P>,
    items: (page: P) => readonly T[] | null | undefined,
    query: Record<string, QueryValue> = {},
  ): Promise<T[]> {
    return listAllPages(
      (token) => this.call({ method: 'GET', path, schema, query: { ...query, max_results: 0, page_token: token } }),
      items,
      () => invalidResponse('unity-catalog', 'GET', PREFIX + path, REPEATED_PAGE_TOKEN),
    );
  }

  /** Owner changes go in their own PATCH, first, as the Terraform provider does (§4.1). */
  private async ownerFirst<T>(path: string, newOwner: string | undefined, body: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    if (newOwner === undefined) return this.call({ method: 'PATCH', path, body, schema });
    const afterOwner = await this.call({ method: 'PATCH', path, body: { owner: newOwner }, schema });
    return Object.keys(body).length === 0 ? afterOwner : this.call({ method: 'PATCH', path, body, schema });
  }

  private delete(path: string, force: boolean | undefined): Promise<void> {
    return ignoreNotFound(this.call({ method: 'DELETE', path, schema: anyBody, query: { force: force ? 'true' : undefined } }));
  }

  /** Paths below the Unity Catalog prefix; workspace ids in bodies and answers are int64. */
  private call<T>(call: WorkspaceCall<T>): Promise<T> {
    return this.request({ int64Fields: INT64_FIELDS, int64BodyFields: INT64_FIELDS, ...call, path: PREFIX + call.path });
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Empty lists are left out of request bodies, as the service leaves them out of answers. */
function nonEmpty<K extends string, V>(key: K, values: readonly V[]): { [P in K]?: V[] } {
  return (values.length === 0 ? {} : { [key]: [...values] }) as { [P in K]?: V[] };
}


