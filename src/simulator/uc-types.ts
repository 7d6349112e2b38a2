/**
 * Unity Catalog records as the simulator stores them (camelCase; the wire
 * shapes are in uc-http.ts). Tests may mutate a returned record to make drift.
 */

export type CatalogIsolationMode = 'OPEN' | 'ISOLATED';
/** External locations and credentials spell isolation differently from catalogs (reference §4.3). */
export type SecurableIsolationMode = 'ISOLATION_MODE_OPEN' | 'ISOLATION_MODE_ISOLATED';
export type BindingType = 'BINDING_TYPE_READ_WRITE' | 'BINDING_TYPE_READ_ONLY';
export type BindableType = 'catalog' | 'external_location' | 'storage_credential';

export interface UcAudit {
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
}

export interface UcCatalog extends UcAudit {
  readonly id: string;
  name: string;
  owner: string;
  comment?: string;
  properties?: Record<string, string>;
  storageRoot?: string;
  isolationMode: CatalogIsolationMode;
}

export interface UcSchema extends UcAudit {
  readonly id: string;
  catalogName: string;
  name: string;
  owner: string;
  comment?: string;
  properties?: Record<string, string>;
  storageRoot?: string;
}

export interface UcStorageCredential extends UcAudit {
  readonly id: string;
  name: string;
  owner: string;
  comment?: string;
  readOnly: boolean;
  isolationMode: SecurableIsolationMode;
  /** Modelled as an AWS IAM role credential; the cloud never matters to the simulator. */
  roleArn: string;
}

export interface UcExternalLocation extends UcAudit {
  readonly id: string;
  name: string;
  url: string;
  credentialName: string;
  owner: string;
  comment?: string;
  readOnly: boolean;
  isolationMode: SecurableIsolationMode;
}

export interface UcBinding {
  workspaceId: string;
  bindingType: BindingType;
}

export interface CatalogPatch {
  newName?: string;
  owner?: string;
  /** `""` clears the comment. */
  comment?: string;
  /** Replaces the whole map. */
  properties?: Record<string, string>;
  isolationMode?: CatalogIsolationMode;
}
export interface SchemaPatch {
  newName?: string;
  owner?: string;
  comment?: string;
  properties?: Record<string, string>;
}
export interface ExternalLocationPatch {
  newName?: string;
  url?: string;
  credentialName?: string;
  owner?: string;
  comment?: string;
  readOnly?: boolean;
  isolationMode?: SecurableIsolationMode;
}

export interface UnityCatalogOptions {
  now: () => number;
  /** Principals younger than this are not yet visible to UC (identity propagation). */
  principalPropagationMs: () => number;
  storageCredentials: readonly string[];
}
