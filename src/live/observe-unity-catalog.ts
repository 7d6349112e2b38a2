/**
 * Reads the Unity Catalog objects the desired state names, through each
 * customer's home workspace. Object by object, not by listing the
 * metastore: a metastore holds every customer's catalogs (and more), the
 * desired state names few. Per customer: one GET per catalog and location,
 * one schema list, one bindings read, one grants read per securable.
 */
import { ApiError } from '../domain/errors.js';
import {
  securableKey,
  type LiveCatalog,
  type LiveExternalLocation,
  type LivePrivilegeAssignment,
  type LiveUnityCatalog,
} from '../domain/live.js';
import type { ObservedWorkspace } from './observe.js';
import type { UnityCatalog } from './unity-catalog.js';

export interface UnityCatalogScope {
  /** The home workspace the customer's Unity Catalog calls go through. */
  via: ObservedWorkspace;
  catalog?: {
    name: string;
    /** Schema names whose grants are needed: the declared ones and those the inventory says are leaving. */
    schemas: readonly string[];
  };
  externalLocations: readonly string[];
}

export type UnityCatalogReads = Pick<
  UnityCatalog,
  'getCatalog' | 'listSchemas' | 'getBindings' | 'getGrants' | 'getExternalLocation' | 'listStorageCredentials'
>;

export async function observeUnityCatalog(
  client: (workspace: ObservedWorkspace) => UnityCatalogReads,
  scopes: readonly UnityCatalogScope[],
): Promise<LiveUnityCatalog> {
  const grants: Record<string, LivePrivilegeAssignment[]> = {};
  const readGrants = async (uc: UnityCatalogReads, type: 'catalog' | 'schema' | 'external_location', fullName: string) => {
    grants[securableKey(type, fullName)] = await uc.getGrants(type, fullName);
  };

  const perCustomer = await Promise.all(
    scopes.map(async (scope) => {
      const uc = client(scope.via);
      const [catalog, locations] = await Promise.all([
        scope.catalog ? readCatalog(uc, scope.catalog, readGrants) : undefined,
        Promise.all(scope.externalLocations.map((name) => readLocation(uc, name, readGrants))),
      ]);
      return { catalog, locations: locations.filter(isDefined) };
    }),
  );

  // Credentials matter only to customers with locations; read them once per home workspace.
  const credentialViews = new Map(scopes.filter((s) => s.externalLocations.length > 0).map((s) => [s.via.name, s.via]));
  const storageCredentials: Record<string, string[]> = {};
  await Promise.all(
    [...credentialViews.values()].map(async (via) => {
      const listed = await client(via).listStorageCredentials();
      storageCredentials[via.name] = listed.map((c) => c.name).sort();
    }),
  );

  return {
    catalogs: perCustomer.map((c) => c.catalog).filter(isDefined).sort(byName),
    externalLocations: perCustomer.flatMap((c) => c.locations).sort(byName),
    storageCredentials,
    grants,
  };
}

type GrantReader = (uc: UnityCatalogReads, type: 'catalog' | 'schema' | 'external_location', fullName: string) => Promise<void>;

async function readCatalog(
  uc: UnityCatalogReads,
  wanted: NonNullable<UnityCatalogScope['catalog']>,
  readGrants: GrantReader,
): Promise<LiveCatalog | undefined> {
  let info;
  try {
    info = await uc.getCatalog(wanted.name);
  } catch (error) {
    // Isolated away from the home workspace: it exists, and only its bindings can be read and repaired.
    if (!(error instanceof ApiError && error.status === 403)) throw error;
    const bindings = await uc.getBindings('catalog', wanted.name);
    return { name: wanted.name.toLowerCase(), isolation: 'ISOLATED', accessible: false, bindings: bindingMap(bindings), schemas: [] };
  }
  if (!info) return undefined;
  const [bindings, schemas] = await Promise.all([
    uc.getBindings('catalog', info.name),
    uc.listSchemas(info.name),
    readGrants(uc, 'catalog', info.name),
  ]);
  const wantedSchemas = new Set(wanted.schemas.map((name) => name.toLowerCase()));
  await Promise.all(
    schemas.filter((s) => wantedSchemas.has(s.name.toLowerCase())).map((s) => readGrants(uc, 'schema', s.fullName)),
  );
  const catalog: LiveCatalog = {
    name: info.name,
    isolation: info.isolation,
    accessible: true,
    bindings: bindingMap(bindings),
    schemas: schemas
      .map((s) => ({ name: s.name, fullName: s.fullName, ...(s.comment === undefined ? {} : { comment: s.comment }) }))
      .sort(byName),
  };
  if (info.comment !== undefined) catalog.comment = info.comment;
  return catalog;
}

async function readLocation(uc: UnityCatalogReads, name: string, readGrants: GrantReader): Promise<LiveExternalLocation | undefined> {
  const info = await uc.getExternalLocation(name);
  if (!info) return undefined;
  await readGrants(uc, 'external_location', info.name);
  const location: LiveExternalLocation = { name: info.name, url: info.url, credential: info.credentialName, readOnly: info.readOnly };
  if (info.comment !== undefined) location.comment = info.comment;
  return location;
}

function bindingMap(bindings: readonly { workspaceId: string; bindingType: 'READ_WRITE' | 'READ_ONLY' }[]): LiveCatalog['bindings'] {
  return Object.fromEntries(bindings.map((b) => [b.workspaceId, b.bindingType]));
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
