/**
 * Direct Unity Catalog grants, keyed by securable. `update` is the rule-
 * enforcing delta used by `PATCH /permissions`; `set` and `grant` bypass every
 * rule so tests can make drift (unknown principals, invalid privileges).
 *
 * Principals compare case-insensitively (one assignment per principal) and
 * keep the spelling they were first granted with, which is what GET answers.
 */
import { isValidPrivilege, normalisePrivilege, type SecurableType } from './uc-privileges.js';
import { SimulatorStateError } from './state-error.js';

export interface PrivilegeAssignment {
  principal: string;
  privileges: string[];
}

export interface PermissionsChange {
  principal: string;
  add?: readonly string[];
  remove?: readonly string[];
}

interface Stored {
  principal: string;
  privileges: Set<string>;
}

/** Resolves a principal name to the spelling UC stores, or undefined when UC cannot see it. */
export type PrincipalResolver = (name: string) => string | undefined;

export function principalNotFound(name: string): SimulatorStateError {
  return new SimulatorStateError('INVALID', `Could not find principal with name ${name}`, 'PRINCIPAL_DOES_NOT_EXIST');
}

export class GrantStore {
  private readonly bySecurable = new Map<string, Map<string, Stored>>();

  /** Sorted by principal so pages are stable; privileges sorted too. */
  list(key: string): PrivilegeAssignment[] {
    const entries = [...(this.bySecurable.get(key)?.values() ?? [])];
    return entries
      .filter((entry) => entry.privileges.size > 0)
      .sort((a, b) => compare(a.principal.toLowerCase(), b.principal.toLowerCase()))
      .map((entry) => ({ principal: entry.principal, privileges: [...entry.privileges].sort() }));
  }

  set(key: string, assignments: readonly PrivilegeAssignment[]): void {
    const map = new Map<string, Stored>();
    for (const assignment of assignments) {
      map.set(assignment.principal.toLowerCase(), { principal: assignment.principal, privileges: new Set(assignment.privileges) });
    }
    this.bySecurable.set(key, map);
  }

  grant(key: string, principal: string, privileges: readonly string[]): void {
    const entry = this.entry(key, principal, principal);
    for (const privilege of privileges) entry.privileges.add(privilege);
  }

  /**
   * Validates every change before applying any (a rejected PATCH changes
   * nothing). A principal that already holds grants here may lose them even
   * if UC can no longer resolve it: otherwise grants of a deleted principal
   * could never be revoked.
   */
  update(type: SecurableType, key: string, changes: readonly PermissionsChange[], resolve: PrincipalResolver): void {
    const current = this.bySecurable.get(key);
    const planned = changes.map((change) => {
      const add = canonical(type, change.add ?? []);
      const remove = canonical(type, change.remove ?? []);
      const existing = current?.get(change.principal.toLowerCase());
      const resolved = resolve(change.principal);
      if (resolved === undefined && (existing === undefined || add.length > 0)) throw principalNotFound(change.principal);
      return { name: existing?.principal ?? resolved!, add, remove };
    });
    for (const { name, add, remove } of planned) {
      const entry = this.entry(key, name, name);
      for (const privilege of add) entry.privileges.add(privilege);
      for (const privilege of remove) entry.privileges.delete(privilege);
      if (entry.privileges.size === 0) this.bySecurable.get(key)?.delete(name.toLowerCase());
    }
  }

  /** Deleting a securable drops its grants; with `children`, also those of every key under `key.`. */
  drop(key: string, children = false): void {
    for (const existing of [...this.bySecurable.keys()]) {
      if (existing === key || (children && existing.startsWith(`${key}.`))) this.bySecurable.delete(existing);
    }
  }

  /** Moves the grants of `from` (and, with `children`, of every key under `from.`) to `to`. */
  rename(from: string, to: string, children = false): void {
    for (const [key, grants] of [...this.bySecurable]) {
      const moved = key === from ? to : children && key.startsWith(`${from}.`) ? `${to}${key.slice(from.length)}` : undefined;
      if (moved === undefined) continue;
      this.bySecurable.delete(key);
      this.bySecurable.set(moved, grants);
    }
  }

  private entry(key: string, principal: string, spelling: string): Stored {
    let map = this.bySecurable.get(key);
    if (!map) {
      map = new Map();
      this.bySecurable.set(key, map);
    }
    let entry = map.get(principal.toLowerCase());
    if (!entry) {
      entry = { principal: spelling, privileges: new Set() };
      map.set(principal.toLowerCase(), entry);
    }
    return entry;
  }
}

function canonical(type: SecurableType, privileges: readonly string[]): string[] {
  return privileges.map((privilege) => {
    const name = normalisePrivilege(privilege);
    if (!isValidPrivilege(type, name)) {
      throw new SimulatorStateError(
        'INVALID',
        `Privilege ${privilege} is not applicable to this entity [${type.toUpperCase()}].`,
        'INVALID_PARAMETER_VALUE',
      );
    }
    return name;
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
