/**
 * Identity vocabulary shared by every stage: entitlements, principals and the
 * protected system groups of the workspace entitlement model.
 */

export const ENTITLEMENTS = [
  'workspace-access',
  'databricks-sql-access',
  'allow-cluster-create',
  'allow-instance-pool-create',
  'workspace-consume',
] as const;
export type Entitlement = (typeof ENTITLEMENTS)[number];

export function isEntitlement(value: string): value is Entitlement {
  return (ENTITLEMENTS as readonly string[]).includes(value);
}

/** Groups that the workspace entitlement model owns: never modified, deleted or nested. */
export const DEFAULT_PROTECTED_GROUPS: readonly string[] = ['users', 'admins', 'users-clone-*'];

/**
 * True when `groupName` matches one of the patterns. A pattern is a literal
 * name or a name with `*` wildcards (`users-clone-*`); matching ignores case
 * because SCIM group names are unique regardless of case.
 */
export function isProtectedGroup(groupName: string, patterns: readonly string[] = DEFAULT_PROTECTED_GROUPS): boolean {
  const name = groupName.toLowerCase();
  return patterns.some((pattern) => {
    const source = pattern
      .toLowerCase()
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${source}$`).test(name);
  });
}

export type PrincipalType = 'user' | 'servicePrincipal';

/**
 * The stable key of a declared principal. User names compare case-insensitively
 * (as the service compares them); a service principal is known by its display
 * name in the desired state, which the loader keeps unique.
 */
export function userKey(userName: string): string {
  return `user:${userName.toLowerCase()}`;
}
export function servicePrincipalKey(displayName: string): string {
  return `sp:${displayName}`;
}

/** Sorted, de-duplicated copy: entitlement and member lists are compared as sets. */
export function sortedSet<T extends string>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort();
}
