/**
 * The grants half of the Unity Catalog diff: one action per securable with
 * every principal's privilege delta. Pure.
 */
import type { DesiredCustomer, DesiredState } from '../domain/desired.js';
import { actionId, buildAction } from '../domain/action-key.js';
import { isProtectedGroup, sortedSet } from '../domain/identity.js';
import { securableKey, type LivePrivilegeAssignment, type LiveState } from '../domain/live.js';
import type { Action, PrivilegeDelta, Readable, SecurableRef } from '../domain/plan.js';
import { compare, optional } from './values.js';

/** What the grants diff reads of the Unity Catalog diff's context. */
export interface GrantsContext {
  desired: DesiredState;
  live: LiveState;
  options: {
    /** Principals (lower-cased) whose grants stay as they are: groups leaving while the plan's deletions are blocked. */
    heldPrincipals?: ReadonlySet<string>;
    /** Ids of the identity actions in the same plan: grants to a group created by the plan wait for it. */
    identityActionIds: ReadonlySet<string>;
  };
  out: { actions: Action[] };
  /** Lower-cased names of the persona groups: any other grantee is someone onboarder does not manage. */
  managedPrincipals: ReadonlySet<string>;
  /** A protected group's grants are never changed, like onboarder's own. */
  protectedPatterns: readonly string[];
}

/** A securable whose grants the customer declares, and the action (if any) that creates it. */
export interface GrantTarget {
  securable: SecurableRef;
  label: string;
  createdBy?: string;
  /** Desired grants by lower-cased principal: the spelling to send and the privileges. */
  desired: Map<string, { principal: string; privileges: string[] }>;
  /** Undefined when the securable does not exist yet (nothing granted). */
  live: LivePrivilegeAssignment[] | undefined;
}


export function grantTarget(securable: SecurableRef, label: string, createdBy: string | undefined, context: GrantsContext): GrantTarget {
  const live = createdBy ? undefined : context.live.unityCatalog.grants[securableKey(securable.type, securable.fullName)];
  return { securable, label, desired: new Map(), live, ...optional('createdBy', createdBy) };
}

/**
 * One action per securable with every principal's delta: authoritative
 * grants revoke whatever is not declared (naming grantees onboarder does
 * not manage, so a reviewer sees them); additive grants never revoke.
 * onboarder's own principal is never revoked (no self-lockout), nor is a
 * protected group (`admins`, `users`, ...), which onboarder never changes.
 */
export function diffGrants(context: GrantsContext, customer: DesiredCustomer, target: GrantTarget, via: string): void {
  const authoritative = customer.grantsMode === 'authoritative';
  const controller = context.live.controllerPrincipal?.toLowerCase();
  const untouchable = (key: string) =>
    key === controller || isProtectedGroup(key, context.protectedPatterns) || context.options.heldPrincipals?.has(key) === true;
  const live = new Map((target.live ?? []).map((a) => [a.principal.toLowerCase(), a]));
  const changes: PrivilegeDelta[] = [];
  const details: string[] = [];
  const dependsOn = new Set<string>(target.createdBy ? [target.createdBy] : []);

  for (const [key, wanted] of target.desired) {
    const held = new Set(live.get(key)?.privileges ?? []);
    const add = wanted.privileges.filter((p) => !held.has(p));
    const remove = authoritative && !untouchable(key) ? [...held].filter((p) => !wanted.privileges.includes(p)).sort() : [];
    if (add.length === 0 && remove.length === 0) continue;
    const principal = live.get(key)?.principal ?? wanted.principal;
    changes.push({ principal, add, remove });
    if (add.length > 0) details.push(`+ ${principal}: ${add.join(', ')}`);
    if (remove.length > 0) details.push(`- ${principal}: ${remove.join(', ')}`);
    const groupCreate = actionId('group', wanted.principal);
    if (add.length > 0 && context.options.identityActionIds.has(groupCreate)) dependsOn.add(groupCreate);
  }
  if (authoritative) {
    for (const [key, assignment] of live) {
      if (target.desired.has(key) || untouchable(key) || assignment.privileges.length === 0) continue;
      const remove = sortedSet(assignment.privileges);
      changes.push({ principal: assignment.principal, add: [], remove });
      const note = context.managedPrincipals.has(key) ? '' : ' (not managed by onboarder)';
      details.push(`- ${assignment.principal}: ${remove.join(', ')}${note}`);
    }
  }
  if (changes.length === 0) return;

  const before = readableGrants([...live.values()].map((a) => [a.principal, a.privileges]));
  const after = readableGrants(
    [...new Set([...live.keys(), ...target.desired.keys()])].map((key) => {
      const change = changes.find((c) => c.principal.toLowerCase() === key);
      const held = live.get(key)?.privileges ?? [];
      const name = live.get(key)?.principal ?? target.desired.get(key)?.principal ?? key;
      const privileges = change ? [...held.filter((p) => !change.remove.includes(p)), ...change.add] : held;
      return [name, privileges];
    }),
  );
  context.out.actions.push(
    buildAction({
      kind: 'grants',
      change: 'update',
      customer: customer.name,
      target: target.label,
      before,
      after,
      details: details.sort(byPrincipal),
      dependsOn: [...dependsOn].sort(),
      status: 'pending',
      op: {
        type: 'updateGrants',
        via,
        securable: target.securable,
        changes: changes.sort((a, b) => compare(a.principal.toLowerCase(), b.principal.toLowerCase())),
      },
    }),
  );
}

function readableGrants(entries: [string, readonly string[]][]): Readable {
  const readable: Readable = {};
  for (const [principal, privileges] of entries.sort(([a], [b]) => compare(a.toLowerCase(), b.toLowerCase()))) {
    if (privileges.length > 0) readable[principal] = sortedSet(privileges);
  }
  return readable;
}

/** Detail lines (`+ principal: ...`) sorted by principal, additions before removals for the same one. */
function byPrincipal(a: string, b: string): number {
  const principal = (line: string) => line.slice(2, line.lastIndexOf(': ')).toLowerCase();
  return compare(principal(a), principal(b)) || compare(a, b);
}
