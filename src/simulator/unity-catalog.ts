/**
 * Unity Catalog securables over HTTP (reference §4.1–§4.4): catalogs,
 * schemas, read-only storage credentials, external locations and the
 * current metastore assignment. Grants and bindings are in
 * unity-catalog-access.ts. These are workspace APIs: routed by the
 * workspace header, authenticated like workspace SCIM, family `unity-catalog`.
 *
 * Isolation choice (the reference only says "reads fail"): from a workspace
 * that is not bound to an isolated securable, lists omit it (unless
 * `include_unbound=true`) and every other call on it or its schemas answers
 * 403 PERMISSION_DENIED "... is not accessible in current workspace", the
 * message Databricks gives. Binding APIs stay usable so a caller can repair.
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { z } from 'zod';
import { ApiError, route, type SimulatorContext } from './pipeline.js';
import { defined } from './rest-body.js';
import {
  catalogInfo,
  externalLocationInfo,
  flag,
  invalid,
  jsonResponse,
  listPageSize,
  paginate,
  pageResponse,
  readBody,
  schemaInfo,
  storageCredentialInfo,
} from './uc-http.js';
import type { BindableType, UcAudit } from './uc-types.js';

export const UC_PREFIX = '*/api/2.1/unity-catalog';

const properties = z.record(z.string(), z.string());
const catalogCreate = z.looseObject({
  name: z.string(),
  comment: z.string().optional(),
  properties: properties.optional(),
  storage_root: z.string().optional(),
});
const catalogUpdate = z.looseObject({
  new_name: z.string().optional(),
  owner: z.string().optional(),
  comment: z.string().optional(),
  properties: properties.optional(),
  isolation_mode: z.enum(['OPEN', 'ISOLATED']).optional(),
});
const schemaCreate = z.looseObject({
  catalog_name: z.string(),
  name: z.string(),
  comment: z.string().optional(),
  properties: properties.optional(),
  storage_root: z.string().optional(),
});
const schemaUpdate = z.looseObject({
  new_name: z.string().optional(),
  owner: z.string().optional(),
  comment: z.string().optional(),
  properties: properties.optional(),
});
const locationCreate = z.looseObject({
  name: z.string(),
  url: z.string(),
  credential_name: z.string(),
  comment: z.string().optional(),
  read_only: z.boolean().optional(),
  skip_validation: z.boolean().optional(),
});
const locationUpdate = z.looseObject({
  new_name: z.string().optional(),
  url: z.string().optional(),
  credential_name: z.string().optional(),
  owner: z.string().optional(),
  comment: z.string().optional(),
  read_only: z.boolean().optional(),
  skip_validation: z.boolean().optional(),
  force: z.boolean().optional(),
  isolation_mode: z.enum(['ISOLATION_MODE_OPEN', 'ISOLATION_MODE_ISOLATED']).optional(),
});


const LABEL: Record<BindableType, string> = { catalog: 'Catalog', external_location: 'External location', storage_credential: 'Storage credential' };

/** Throws 403 when the securable exists but is isolated and not bound to the calling workspace. */
export function requireAccess(ctx: SimulatorContext, type: BindableType, name: string, workspaceId: string): void {
  const uc = ctx.state.uc;
  const exists = type === 'catalog' ? uc.catalog(name) : type === 'external_location' ? uc.externalLocation(name) : uc.storageCredential(name);
  if (exists && !uc.isAccessible(type, name, workspaceId)) {
    throw new ApiError(403, 'PERMISSION_DENIED', `${LABEL[type]} '${name.toLowerCase()}' is not accessible in current workspace`);
  }
}

/** The catalog part of `catalog.schema`, for access checks before the state resolves the schema. */
export function catalogOf(fullName: string): string {
  return fullName.split('.')[0] ?? '';
}

export function unityCatalogHandlers(ctx: SimulatorContext, pageSize: number): HttpHandler[] {
  const uc = ctx.state.uc;
  const spec = { family: 'unity-catalog', workspaceFrom: 'header', authenticate: true } as const;
  const settled = (record: UcAudit) => ctx.now() - record.createdAt >= ctx.faults.listLagMs;
  const writable = (catalogName: string, workspaceId: string) => {
    requireAccess(ctx, 'catalog', catalogName, workspaceId);
    if (uc.isReadOnlyFrom(catalogName, workspaceId)) {
      throw new ApiError(403, 'PERMISSION_DENIED', `Catalog '${catalogName.toLowerCase()}' is bound read-only to current workspace`);
    }
  };

  return [
    // ---- catalogs
    route(ctx, 'get', `${UC_PREFIX}/catalogs`, spec, ({ url, workspaceId }) => {
      const unbound = flag(url, 'include_unbound');
      const page = paginate(url, uc.catalogs, (c) => c.name, listPageSize(url, pageSize), (c) =>
        settled(c) && (unbound || uc.isAccessible('catalog', c.name, workspaceId!)),
      );
      return pageResponse('catalogs', page, (c) => catalogInfo(uc, c));
    }),
    route(ctx, 'post', `${UC_PREFIX}/catalogs`, spec, async ({ request }) => {
      const body = await readBody(request, catalogCreate);
      // Reference §0.9: these two are set only by PATCH after create.
      for (const field of ['owner', 'isolation_mode'] as const) {
        if (field in body) throw invalid(`${field} cannot be set when creating a catalog; update the catalog after creating it.`);
      }
      const catalog = uc.createCatalog(defined({ name: body.name, comment: body.comment, properties: body.properties, storageRoot: body.storage_root }));
      return HttpResponse.json(catalogInfo(uc, catalog));
    }),
    route(ctx, 'get', `${UC_PREFIX}/catalogs/:name`, spec, ({ params, workspaceId }) => {
      requireAccess(ctx, 'catalog', params.name!, workspaceId!);
      return HttpResponse.json(catalogInfo(uc, uc.catalog(uc.requireSecurable('catalog', params.name!))!));
    }),
    route(ctx, 'patch', `${UC_PREFIX}/catalogs/:name`, spec, async ({ request, params, workspaceId }) => {
      requireAccess(ctx, 'catalog', params.name!, workspaceId!);
      const body = await readBody(request, catalogUpdate);
      const catalog = uc.updateCatalog(
        params.name!,
        defined({ newName: body.new_name, owner: body.owner, comment: body.comment, properties: body.properties, isolationMode: body.isolation_mode }),
      );
      // Answered even when the change just hid the catalog from this workspace.
      return HttpResponse.json(catalogInfo(uc, catalog));
    }),
    route(ctx, 'delete', `${UC_PREFIX}/catalogs/:name`, spec, ({ url, params, workspaceId }) => {
      requireAccess(ctx, 'catalog', params.name!, workspaceId!);
      uc.deleteCatalog(params.name!, { force: flag(url, 'force') });
      return HttpResponse.json({});
    }),

    // ---- schemas
    route(ctx, 'get', `${UC_PREFIX}/schemas`, spec, ({ url, workspaceId }) => {
      const catalogName = url.searchParams.get('catalog_name');
      if (!catalogName) throw invalid('catalog_name is required.');
      requireAccess(ctx, 'catalog', catalogName, workspaceId!);
      const catalog = uc.requireSecurable('catalog', catalogName);
      const page = paginate(url, uc.schemas(catalog), (s) => s.name, listPageSize(url, pageSize), settled);
      return pageResponse('schemas', page, (s) => schemaInfo(uc, s));
    }),
    route(ctx, 'post', `${UC_PREFIX}/schemas`, spec, async ({ request, workspaceId }) => {
      const body = await readBody(request, schemaCreate);
      writable(body.catalog_name, workspaceId!);
      const schema = uc.createSchema(
        defined({ catalogName: body.catalog_name, name: body.name, comment: body.comment, properties: body.properties, storageRoot: body.storage_root }),
      );
      return HttpResponse.json(schemaInfo(uc, schema));
    }),
    route(ctx, 'get', `${UC_PREFIX}/schemas/:fullName`, spec, ({ params, workspaceId }) => {
      requireAccess(ctx, 'catalog', catalogOf(params.fullName!), workspaceId!);
      return HttpResponse.json(schemaInfo(uc, uc.schema(uc.requireSecurable('schema', params.fullName!))!));
    }),
    route(ctx, 'patch', `${UC_PREFIX}/schemas/:fullName`, spec, async ({ request, params, workspaceId }) => {
      writable(catalogOf(params.fullName!), workspaceId!);
      const body = await readBody(request, schemaUpdate);
      const schema = uc.updateSchema(params.fullName!, defined({ newName: body.new_name, owner: body.owner, comment: body.comment, properties: body.properties }));
      return HttpResponse.json(schemaInfo(uc, schema));
    }),
    route(ctx, 'delete', `${UC_PREFIX}/schemas/:fullName`, spec, ({ params, workspaceId }) => {
      writable(catalogOf(params.fullName!), workspaceId!);
      uc.deleteSchema(params.fullName!);
      return HttpResponse.json({});
    }),

    // ---- storage credentials (read-only: writes fall through to ENDPOINT_NOT_FOUND)
    route(ctx, 'get', `${UC_PREFIX}/storage-credentials`, spec, ({ url, workspaceId }) => {
      const unbound = flag(url, 'include_unbound');
      const page = paginate(url, uc.storageCredentials, (c) => c.name, listPageSize(url, pageSize), (c) =>
        settled(c) && (unbound || uc.isAccessible('storage_credential', c.name, workspaceId!)),
      );
      return pageResponse('storage_credentials', page, (c) => storageCredentialInfo(uc, c));
    }),
    route(ctx, 'get', `${UC_PREFIX}/storage-credentials/:name`, spec, ({ params, workspaceId }) => {
      requireAccess(ctx, 'storage_credential', params.name!, workspaceId!);
      return HttpResponse.json(storageCredentialInfo(uc, uc.storageCredential(uc.requireSecurable('storage_credential', params.name!))!));
    }),

    // ---- external locations
    route(ctx, 'get', `${UC_PREFIX}/external-locations`, spec, ({ url, workspaceId }) => {
      const unbound = flag(url, 'include_unbound');
      const page = paginate(url, uc.externalLocations, (l) => l.name, listPageSize(url, pageSize), (l) =>
        settled(l) && (unbound || uc.isAccessible('external_location', l.name, workspaceId!)),
      );
      return pageResponse('external_locations', page, (l) => externalLocationInfo(uc, l));
    }),
    route(ctx, 'post', `${UC_PREFIX}/external-locations`, spec, async ({ request, workspaceId }) => {
      const body = await readBody(request, locationCreate);
      // A credential isolated away from this workspace cannot back a new location.
      requireAccess(ctx, 'storage_credential', body.credential_name, workspaceId!);
      // skip_validation is accepted and moot: the simulator never reaches the cloud.
      const location = uc.createExternalLocation(
        defined({ name: body.name, url: body.url, credentialName: body.credential_name, comment: body.comment, readOnly: body.read_only }),
      );
      return HttpResponse.json(externalLocationInfo(uc, location));
    }),
    route(ctx, 'get', `${UC_PREFIX}/external-locations/:name`, spec, ({ params, workspaceId }) => {
      requireAccess(ctx, 'external_location', params.name!, workspaceId!);
      return HttpResponse.json(externalLocationInfo(uc, uc.externalLocation(uc.requireSecurable('external_location', params.name!))!));
    }),
    route(ctx, 'patch', `${UC_PREFIX}/external-locations/:name`, spec, async ({ request, params, workspaceId }) => {
      requireAccess(ctx, 'external_location', params.name!, workspaceId!);
      const body = await readBody(request, locationUpdate);
      const location = uc.updateExternalLocation(
        params.name!,
        defined({
          newName: body.new_name,
          url: body.url,
          credentialName: body.credential_name,
          owner: body.owner,
          comment: body.comment,
          readOnly: body.read_only,
          isolationMode: body.isolation_mode,
        }),
      );
      return HttpResponse.json(externalLocationInfo(uc, location));
    }),
    route(ctx, 'delete', `${UC_PREFIX}/external-locations/:name`, spec, ({ params, workspaceId }) => {
      requireAccess(ctx, 'external_location', params.name!, workspaceId!);
      uc.deleteExternalLocation(params.name!);
      return HttpResponse.json({});
    }),

    // ---- metastore
    route(ctx, 'get', `${UC_PREFIX}/current-metastore-assignment`, spec, ({ workspaceId }) =>
      // No catalog is seeded: `main` is only the name a new workspace would default to.
      jsonResponse({ workspace_id: workspaceId, metastore_id: uc.metastoreId, default_catalog_name: 'main' }, { int64Keys: ['workspace_id'] }),
    ),
  ];
}
