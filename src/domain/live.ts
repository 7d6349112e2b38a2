/**
 * Live state as observed from the account and workspaces, normalised for the
 * diff. The observers (src/live) produce it; nothing here does I/O.
 */

export interface LiveGroup {
  /** Account SCIM id (decimal string); the same id is the principal_id of assignments. */
  id: string;
  displayName: string;
  /** Set when the group was provisioned by an identity provider. */
  externalId?: string;
  /** Member ids, read only for the groups the controller manages; undefined when not read. */
  members?: string[];
}

export interface LiveUser {
  id: string;
  userName: string;
  displayName?: string;
  active: boolean;
}

export interface LiveServicePrincipal {
  id: string;
  applicationId: string;
  displayName: string;
  active: boolean;
}

export interface LiveAssignment {
  principalId: string;
  permissions: string[];
}

export interface LiveWorkspace {
  name: string;
  workspaceId: string;
  /** Account-level workspace permission assignments. */
  assignments: LiveAssignment[];
  /**
   * Direct entitlements of every principal visible in the workspace (groups, users and service
   * principals), keyed by principal id. A principal absent here has none or is not visible yet.
   */
  entitlements: Record<string, string[]>;
}

export interface LiveState {
  groups: LiveGroup[];
  users: LiveUser[];
  servicePrincipals: LiveServicePrincipal[];
  workspaces: LiveWorkspace[];
  unityCatalog: LiveUnityCatalog;
  /** Warehouses, cluster policies and notebooks by workspace name; a workspace absent here was not read. */
  assets: Record<string, LiveWorkspaceAssets>;
  /**
   * onboarder's own principal as Unity Catalog names it (a user name, or a
   * service principal's application id); its access is never revoked.
   */
  controllerPrincipal?: string;
}

/**
 * Unity Catalog as seen from each customer's home workspace (see
 * kinds/unity-catalog-diff.ts): only the securables the desired state names
 * (and those the inventory says it once did), never the whole metastore.
 */
export interface LiveUnityCatalog {
  catalogs: LiveCatalog[];
  externalLocations: LiveExternalLocation[];
  /** Storage credential names visible from each home workspace, by workspace name. */
  storageCredentials: Record<string, string[]>;
  /** Direct grants by securable key (`securableKey`); absent: not read (the securable does not exist). */
  grants: Record<string, LivePrivilegeAssignment[]>;
}

export type LiveBindingType = 'READ_WRITE' | 'READ_ONLY';

export interface LiveCatalog {
  name: string;
  comment?: string;
  isolation: 'OPEN' | 'ISOLATED';
  /**
   * False when the catalog exists but is isolated away from the home
   * workspace: its schemas and grants could not be read this pass.
   */
  accessible: boolean;
  /** workspace id -> binding type. */
  bindings: Record<string, LiveBindingType>;
  schemas: LiveSchema[];
}

export interface LiveSchema {
  name: string;
  fullName: string;
  comment?: string;
}

export interface LiveExternalLocation {
  name: string;
  url: string;
  credential: string;
  readOnly: boolean;
  comment?: string;
}

export interface LivePrivilegeAssignment {
  principal: string;
  privileges: string[];
}

/** The key of a securable's grants in `LiveUnityCatalog.grants`; names compare case-insensitively in UC. */
export function securableKey(type: string, fullName: string): string {
  return `${type}:${fullName.toLowerCase()}`;
}

export function emptyUnityCatalog(): LiveUnityCatalog {
  return { catalogs: [], externalLocations: [], storageCredentials: {}, grants: {} };
}

/**
 * The workspace objects a customer's personas use, per workspace: only
 * those the desired state names (matched by name or path).
 */
export interface LiveWorkspaceAssets {
  warehouses: LiveWarehouse[];
  clusterPolicies: LiveClusterPolicy[];
  notebooks: LiveNotebook[];
}

export interface LiveAclEntry {
  kind: 'group' | 'user' | 'servicePrincipal';
  principal: string;
  level: string;
}

export interface LiveWarehouse {
  id: string;
  name: string;
  clusterSize: string;
  minNumClusters: number;
  maxNumClusters: number;
  autoStopMins: number;
  serverless: boolean;
  tags: Record<string, string>;
  /** Direct permissions (inherited ones are not onboarder's to change). */
  acl: LiveAclEntry[];
}

export interface LiveClusterPolicy {
  id: string;
  name: string;
  definition: Record<string, unknown>;
  acl: LiveAclEntry[];
}

export interface LiveNotebook {
  path: string;
  objectId: string;
  language?: string;
  /** sha256 of the normalised source (see domain/notebook.ts). */
  contentHash: string;
  acl: LiveAclEntry[];
  /** Set when something else (a folder, a file) is at the notebook's path: its object type. It is not onboarder's. */
  occupiedBy?: string;
}
