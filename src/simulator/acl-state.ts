/**
 * Object ACLs (reference §7) for warehouses, cluster policies, notebooks and
 * directories: the direct entries per object and the rules of PUT (replace
 * every direct entry) and PATCH (merge). Inherited entries are computed by
 * the caller (workspace-assets-state.ts) and never stored here.
 *
 * Choices where the reference is silent or UNVERIFIED:
 * - One direct level per principal; a request naming a principal twice is refused.
 * - Warehouses always have exactly one `IS_OWNER`, a user or service
 *   principal (a group owner is refused). PUT without an `IS_OWNER` entry
 *   keeps the owner; a new `IS_OWNER` (PUT or PATCH) replaces it and the
 *   former owner loses its entry. The owner's direct level is `IS_OWNER`:
 *   another level for the owner in the same request is absorbed by it.
 * - PATCH may lower a principal's level (it sets the listed level).
 */
import { SimulatorStateError } from './state-error.js';

export type AclObjectType = 'warehouses' | 'cluster-policies' | 'notebooks' | 'directories';
export type PrincipalKind = 'group' | 'user' | 'servicePrincipal';

export interface AclEntry {
  /** Group display name, user name or service principal application id. */
  principal: string;
  kind: PrincipalKind;
  level: string;
}

export const ACL_OBJECT_TYPES: readonly AclObjectType[] = ['warehouses', 'cluster-policies', 'notebooks', 'directories'];

export const PERMISSION_LEVELS: Record<AclObjectType, readonly string[]> = {
  warehouses: ['CAN_VIEW', 'CAN_MONITOR', 'CAN_USE', 'CAN_MANAGE', 'IS_OWNER'],
  'cluster-policies': ['CAN_USE'],
  notebooks: ['CAN_READ', 'CAN_RUN', 'CAN_EDIT', 'CAN_MANAGE'],
  directories: ['CAN_READ', 'CAN_RUN', 'CAN_EDIT', 'CAN_MANAGE'],
};

export const LEVEL_DESCRIPTIONS: Record<string, string> = {
  CAN_VIEW: 'Can view the object',
  CAN_MONITOR: 'Can monitor queries and the warehouse',
  CAN_USE: 'Can use the object',
  CAN_MANAGE: 'Can manage the object and its permissions',
  IS_OWNER: 'Owns the object',
  CAN_READ: 'Can read the object',
  CAN_RUN: 'Can run the object',
  CAN_EDIT: 'Can edit the object',
};

/** `object_type` in responses (reference §7 table). */
export const RESPONSE_OBJECT_TYPE: Record<AclObjectType, string> = {
  warehouses: 'warehouses',
  'cluster-policies': 'cluster-policy',
  notebooks: 'notebook',
  directories: 'directory',
};

/** `object_id` in responses; warehouses use the legacy `/sql/warehouses/` form TF fixtures show. */
export function aclObjectPath(type: AclObjectType, objectId: string): string {
  return type === 'warehouses' ? `/sql/warehouses/${objectId}` : `/${type}/${objectId}`;
}

const OWNER = 'IS_OWNER';

function invalid(message: string): SimulatorStateError {
  return new SimulatorStateError('INVALID', message, 'INVALID_PARAMETER_VALUE');
}

const samePrincipal = (a: Pick<AclEntry, 'kind' | 'principal'>, b: Pick<AclEntry, 'kind' | 'principal'>) =>
  a.kind === b.kind && a.principal.toLowerCase() === b.principal.toLowerCase();

/** Checks levels and duplicates of an already-resolved request. */
export function checkAclRequest(type: AclObjectType, entries: readonly AclEntry[]): void {
  const allowed = PERMISSION_LEVELS[type];
  entries.forEach((entry, index) => {
    if (!allowed.includes(entry.level)) {
      throw invalid(`Permission level ${entry.level} is not supported for ${type}; use one of ${allowed.join(', ')}.`);
    }
    if (entries.slice(0, index).some((earlier) => samePrincipal(earlier, entry))) {
      throw invalid(`Principal ${entry.principal} appears more than once in access_control_list; give each principal one permission level.`);
    }
  });
  const owners = entries.filter((entry) => entry.level === OWNER);
  if (owners.length > 1) throw invalid(`An object has exactly one owner; the request names ${owners.length} principals with IS_OWNER.`);
  if (owners[0]?.kind === 'group') throw invalid(`A group cannot be the owner (IS_OWNER) of ${type}: ${owners[0].principal}.`);
}

/** The direct entries after a PUT (`set`) or PATCH (`update`) of `requested` onto `current`. */
export function nextAcl(type: AclObjectType, objectId: string, mode: 'set' | 'update', current: readonly AclEntry[], requested: readonly AclEntry[]): AclEntry[] {
  checkAclRequest(type, requested);
  const hasOwners = PERMISSION_LEVELS[type].includes(OWNER);
  const owner = requested.find((entry) => entry.level === OWNER) ?? current.find((entry) => entry.level === OWNER);
  if (hasOwners && !owner) {
    throw invalid(`Request for ${type} ${objectId} with no existing owner must provide a new owner.`);
  }
  const others = requested.filter((entry) => entry.level !== OWNER && !(owner && samePrincipal(entry, owner)));
  const kept =
    mode === 'set'
      ? []
      : current.filter((entry) => entry.level !== OWNER && !(owner && samePrincipal(entry, owner)) && !others.some((o) => samePrincipal(o, entry)));
  const merged = mode === 'set' ? others : [...kept, ...others];
  // PATCH keeps the order of untouched entries; changed ones move to the end.
  return [...(owner ? [{ ...owner }] : []), ...merged.map((entry) => ({ ...entry }))];
}

export class AclStore {
  private readonly byObject = new Map<string, AclEntry[]>();

  direct(workspaceId: string, type: AclObjectType, objectId: string): AclEntry[] {
    return (this.byObject.get(key(workspaceId, type, objectId)) ?? []).map((entry) => ({ ...entry }));
  }
  replace(workspaceId: string, type: AclObjectType, objectId: string, entries: readonly AclEntry[]): void {
    this.byObject.set(key(workspaceId, type, objectId), entries.map((entry) => ({ ...entry })));
  }
  /** Sets one principal's direct level without any rule. */
  set(workspaceId: string, type: AclObjectType, objectId: string, entry: AclEntry): void {
    const entries = this.direct(workspaceId, type, objectId);
    const index = entries.findIndex((existing) => samePrincipal(existing, entry));
    if (index >= 0) entries[index] = { ...entry };
    else entries.push({ ...entry });
    this.replace(workspaceId, type, objectId, entries);
  }
  drop(workspaceId: string, type: AclObjectType, objectId: string): void {
    this.byObject.delete(key(workspaceId, type, objectId));
  }
  /** A deleted principal's entries go with it, on every object. */
  forgetPrincipal(principal: Pick<AclEntry, 'kind' | 'principal'>): void {
    for (const [objectKey, entries] of this.byObject) {
      this.byObject.set(objectKey, entries.filter((entry) => !samePrincipal(entry, principal)));
    }
  }
}

function key(workspaceId: string, type: AclObjectType, objectId: string): string {
  return `${workspaceId}\u0000${type}\u0000${objectId}`;
}
