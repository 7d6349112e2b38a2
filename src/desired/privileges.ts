/**
 * Unity Catalog privileges the desired state may grant, per securable type
 * (privilege model 1.0). A privilege is allowed on a securable when it is
 * meaningful there directly or when granting it there cascades to the
 * securable's children (SELECT on a catalog reaches every table in it).
 */
import type { SecurableType } from '../domain/desired.js';

const CATALOG_PRIVILEGES = [
  // directly meaningful
  'ALL_PRIVILEGES',
  'APPLY_TAG',
  'BROWSE',
  'CREATE_CONNECTION',
  'CREATE_SCHEMA',
  'MANAGE',
  'USE_CATALOG',
  // cascade to schemas and their objects
  'CREATE_FUNCTION',
  'CREATE_MATERIALIZED_VIEW',
  'CREATE_MODEL',
  'CREATE_TABLE',
  'CREATE_VOLUME',
  'EXECUTE',
  'EXTERNAL_USE_SCHEMA',
  'MODIFY',
  'READ_VOLUME',
  'REFRESH',
  'SELECT',
  'USE_SCHEMA',
  'WRITE_VOLUME',
] as const;

const SCHEMA_PRIVILEGES = [
  'ALL_PRIVILEGES',
  'APPLY_TAG',
  'CREATE_FUNCTION',
  'CREATE_TABLE',
  'CREATE_VOLUME',
  'MANAGE',
  'USE_SCHEMA',
  // cascade to the schema's objects
  'CREATE_MATERIALIZED_VIEW',
  'CREATE_MODEL',
  'EXECUTE',
  'EXTERNAL_USE_SCHEMA',
  'MODIFY',
  'READ_VOLUME',
  'REFRESH',
  'SELECT',
  'WRITE_VOLUME',
] as const;

const EXTERNAL_LOCATION_PRIVILEGES = [
  'ALL_PRIVILEGES',
  'BROWSE',
  'CREATE_EXTERNAL_TABLE',
  'CREATE_EXTERNAL_VOLUME',
  'CREATE_MANAGED_STORAGE',
  'MANAGE',
  'READ_FILES',
  'WRITE_FILES',
] as const;

export const PRIVILEGES_BY_SECURABLE: Readonly<Record<SecurableType, readonly string[]>> = {
  catalog: CATALOG_PRIVILEGES,
  schema: SCHEMA_PRIVILEGES,
  external_location: EXTERNAL_LOCATION_PRIVILEGES,
};

/** The service accepts `USE CATALOG` and answers `USE_CATALOG`; the diff compares the latter. */
export function normalisePrivilege(privilege: string): string {
  return privilege.trim().replace(/\s+/g, '_').toUpperCase();
}

export function isPrivilegeValidOn(securable: SecurableType, privilege: string): boolean {
  return PRIVILEGES_BY_SECURABLE[securable].includes(normalisePrivilege(privilege));
}

/** How a securable type reads in messages. */
export function securableLabel(securable: SecurableType): string {
  return securable === 'external_location' ? 'external location' : securable;
}

/** `a catalog`, `an external location`. */
export function withArticle(securable: SecurableType): string {
  return `${securable === 'external_location' ? 'an' : 'a'} ${securableLabel(securable)}`;
}
