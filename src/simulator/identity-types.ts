/** The simulated account's records: principals, system groups, workspaces and assignments (reference §1, §2). */
export type SystemGroupName = 'users' | 'admins';
export type WorkspacePermission = 'USER' | 'ADMIN';

export interface AccountGroup {
  readonly kind: 'group';
  readonly id: string;
  displayName: string;
  externalId?: string;
  createdAt: number;
}

export interface AccountUser {
  readonly kind: 'user';
  readonly id: string;
  userName: string;
  displayName?: string;
  givenName?: string;
  familyName?: string;
  active: boolean;
  externalId?: string;
  createdAt: number;
}

export interface AccountServicePrincipal {
  readonly kind: 'servicePrincipal';
  readonly id: string;
  applicationId: string;
  displayName: string;
  active: boolean;
  externalId?: string;
  createdAt: number;
}

/** A workspace-local group (`users`/`admins`): not an account principal, never assignable. */
export interface SystemGroup {
  readonly kind: 'systemGroup';
  readonly id: string;
  readonly workspaceId: string;
  readonly displayName: SystemGroupName;
  createdAt: number;
}

export type AccountPrincipal = AccountGroup | AccountUser | AccountServicePrincipal;

export interface WorkspaceAssignment {
  readonly principalId: string;
  permissions: WorkspacePermission[];
  assignedAt: number;
}

export interface Workspace {
  readonly workspaceId: string;
  readonly name: string;
}


/** What the new entitlement model gives each system group; see reference §1.6/§1.7. */
export const ADMINS_ENTITLEMENTS: readonly string[] = [
  'workspace-access',
  'databricks-sql-access',
  'allow-cluster-create',
  'allow-instance-pool-create',
];
