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
}
