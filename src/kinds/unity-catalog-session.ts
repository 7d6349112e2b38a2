/** How Unity Catalog handlers reach the metastore (src/apply/unity-catalog.ts builds it). */
import type { UnityCatalog } from '../live/unity-catalog.js';

export type UnityCatalogWrites = Pick<
  UnityCatalog,
  | 'getCatalog'
  | 'createCatalog'
  | 'updateCatalog'
  | 'deleteCatalog'
  | 'deleteExternalLocation'
  | 'listSchemas'
  | 'createSchema'
  | 'updateSchema'
  | 'deleteSchema'
  | 'updateBindings'
  | 'getExternalLocation'
  | 'createExternalLocation'
  | 'updateExternalLocation'
  | 'updateGrants'
>;

export interface UnityCatalogSession {
  /** The client for a home workspace, by workspace name: Unity Catalog is reached through a workspace. */
  client(via: string): UnityCatalogWrites;
  /** Runs a grant, waiting (bounded) while a principal the account has is not yet visible to Unity Catalog. */
  grantWhenVisible(write: () => Promise<void>, principals: readonly string[]): Promise<void>;
}
