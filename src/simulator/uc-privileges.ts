/**
 * Which Unity Catalog privileges may be granted on which securable
 * (reference §4.5, privilege model 1.0): the "directly meaningful" column
 * plus the "grantable here to cascade" column. Where the reference marks a
 * privilege UNVERIFIED-but-likely we accept it: rejecting a grant Databricks
 * accepts would make a correct client fail against the simulator, which is
 * worse than the opposite.
 */

export type SecurableType = 'metastore' | 'catalog' | 'schema' | 'external_location' | 'storage_credential';

export const SECURABLE_TYPES: readonly SecurableType[] = ['metastore', 'catalog', 'schema', 'external_location', 'storage_credential'];

/** Response enum form (`CATALOG`) of a lowercase path value (`catalog`). */
export function securableEnum(type: SecurableType): string {
  return type.toUpperCase();
}

const SCHEMA_CASCADE = ['EXECUTE', 'MODIFY', 'REFRESH', 'SELECT', 'READ_VOLUME', 'WRITE_VOLUME'];
const UNVERIFIED_CASCADE = ['CREATE_MATERIALIZED_VIEW', 'CREATE_MODEL', 'EXTERNAL_USE_SCHEMA'];

const VALID: Record<SecurableType, ReadonlySet<string>> = {
  metastore: new Set([
    'CREATE_CATALOG',
    'CREATE_CLEAN_ROOM',
    'CREATE_CONNECTION',
    'CREATE_EXTERNAL_LOCATION',
    'CREATE_PROVIDER',
    'CREATE_RECIPIENT',
    'CREATE_SHARE',
    'CREATE_SERVICE_CREDENTIAL',
    'CREATE_STORAGE_CREDENTIAL',
    'SET_SHARE_PERMISSION',
    'USE_MARKETPLACE_ASSETS',
    'USE_PROVIDER',
    'USE_RECIPIENT',
    'USE_SHARE',
  ]),
  catalog: new Set([
    'ALL_PRIVILEGES',
    'APPLY_TAG',
    'BROWSE',
    'CREATE_CONNECTION',
    'CREATE_SCHEMA',
    'MANAGE',
    'USE_CATALOG',
    'CREATE_FUNCTION',
    'CREATE_TABLE',
    'CREATE_VOLUME',
    'USE_SCHEMA',
    ...SCHEMA_CASCADE,
    ...UNVERIFIED_CASCADE,
  ]),
  schema: new Set([
    'ALL_PRIVILEGES',
    'APPLY_TAG',
    'CREATE_FUNCTION',
    'CREATE_TABLE',
    'CREATE_VOLUME',
    'MANAGE',
    'USE_SCHEMA',
    ...SCHEMA_CASCADE,
    ...UNVERIFIED_CASCADE,
  ]),
  external_location: new Set([
    'ALL_PRIVILEGES',
    'BROWSE',
    'CREATE_EXTERNAL_TABLE',
    'CREATE_EXTERNAL_VOLUME',
    'CREATE_MANAGED_STORAGE',
    'MANAGE',
    'READ_FILES',
    'WRITE_FILES',
  ]),
  storage_credential: new Set(['ALL_PRIVILEGES', 'CREATE_EXTERNAL_LOCATION', 'CREATE_EXTERNAL_TABLE', 'MANAGE', 'READ_FILES', 'WRITE_FILES']),
};

/** `"all privileges"` → `ALL_PRIVILEGES`: the server accepts spaces and any case, and answers the canonical form. */
export function normalisePrivilege(privilege: string): string {
  return privilege.trim().toUpperCase().replace(/\s+/g, '_');
}

export function isValidPrivilege(type: SecurableType, canonical: string): boolean {
  return VALID[type].has(canonical);
}

export function validPrivileges(type: SecurableType): string[] {
  return [...VALID[type]].sort();
}
