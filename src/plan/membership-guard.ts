/**
 * The access-loss guard: a mass loss of membership is held like a blocked
 * deletion (prune-guard.ts). Pure.
 *
 * A roster truncated by an editor (truncate, then write) or a bad merge is
 * a valid desired state that empties every persona group of its customer;
 * the deletion budget does not see it, since no object is deleted, only
 * access. So a pass that would take more than half of a persona group's
 * members away is taken for such a mistake: those removals are not executed
 * (they stay in the plan as a `blocked` action with the reason and the
 * counts) until `--allow-mass-delete` confirms them. Additions in the same
 * pass go through: only the removals are held.
 *
 * Only removals that would really happen are guarded: a group with
 * `membership: additive` plans none, and a group from the identity provider
 * is `reported`, never changed.
 */
import type { LiveGroup } from '../domain/live.js';
import type { Action, MembershipHold } from '../domain/plan.js';
import { principalName } from '../kinds/identity-diff.js';

/**
 * Held when a group of at least MASS_LOSS_MIN_MEMBERS would lose more than
 * half of its members in one pass (so emptying it always is). Smaller groups
 * are exempt: one person of two leaving, or a group of one or two changing
 * hands, is ordinary roster work, and what a mistake can take is that small.
 * Half, not less: a team handing over to a new one of the same size removes
 * exactly half of the members during the overlap, and should not need a flag.
 */
export const MASS_LOSS_MIN_MEMBERS = 3;

/**
 * The same rule over a whole customer (all its persona groups' memberships
 * together) catches what the per-group rule lets through: an emptied roster
 * also empties the customer's groups of one or two, and a mistake that
 * takes several small groups at once is just as much a mass loss.
 */
export function isMassMembershipLoss(membersNow: number, removals: number): boolean {
  return membersNow >= MASS_LOSS_MIN_MEMBERS && removals * 2 > membersNow;
}

export interface MembershipGuardOptions {
  /** The groups as read live: the count that matters is the members they have now. */
  liveGroups: readonly Pick<LiveGroup, 'id' | 'displayName' | 'members'>[];
  /** The customer of each declared persona group, by lower-cased display name (for the customer-wide rule). */
  groupCustomers?: ReadonlyMap<string, string>;
  /** `--allow-mass-delete`: the operator has confirmed. */
  allowMassDelete?: boolean;
}

/** The suffix of the held part's target (and so its id): `membership:<group> (removals held)`. */
const HELD_SUFFIX = ' (removals held)';
const WHY = `more than half of a group of ${MASS_LOSS_MIN_MEMBERS} or more: taken for a truncated roster or a bad merge`;
const WHY_CUSTOMER = 'taken for a truncated roster or a bad merge';
const CONFIRM = 'rerun with --allow-mass-delete if intended';

/**
 * Splits each membership action over the threshold in two: the additions
 * stay a pending action under the original id (when there are any), and the
 * removals become a `blocked` action of their own, so the executor never
 * sends them and the plan shows exactly what is held. Dependencies on an
 * original action that had only removals are dropped with it: nothing waits
 * for a removal (a principal's workspace visibility comes from additions).
 */
export function guardMembershipLoss(actions: Action[], options: MembershipGuardOptions): { actions: Action[]; held?: MembershipHold } {
  if (options.allowMassDelete) return { actions };
  const membersNow = new Map(options.liveGroups.map((g) => [g.id, g.members?.length ?? 0]));
  const massLossCustomers = customersLosingMostMembers(actions, options);
  const groups: MembershipHold['groups'] = [];
  const dropped = new Set<string>();
  const guarded = actions.flatMap((action): Action[] => {
    if (action.op.type !== 'patchMembers' || action.status !== 'pending' || action.op.remove.length === 0) return [action];
    const members = action.op.group.id === undefined ? 0 : (membersNow.get(action.op.group.id) ?? 0);
    const removals = action.op.remove.length;
    const customerWide = action.customer !== null && massLossCustomers.has(action.customer);
    if (!isMassMembershipLoss(members, removals) && !customerWide) return [action];
    const group = action.op.group.displayName;
    groups.push({ group, customer: action.customer, members, removals });
    const why = isMassMembershipLoss(members, removals) ? WHY : `customer ${action.customer ?? ''} would lose more than half of its persona groups' memberships: ${WHY_CUSTOMER}`;
    const reason = `membership removals blocked: ${removals} of the ${members} members of ${group} would be removed (${why}); ${CONFIRM}`;
    const removedLines = action.op.remove.map((p) => `- ${principalName(p)}`).sort();
    const removed = new Set(removedLines.map((line) => line.slice(2)));
    const membersBefore = namesIn(action.before);
    const held: Action = {
      ...action,
      id: `${action.id}${HELD_SUFFIX}`,
      target: `${action.target}${HELD_SUFFIX}`,
      before: { members: membersBefore },
      after: { members: membersBefore.filter((name) => !removed.has(name)) },
      details: removedLines,
      dependsOn: [],
      status: 'blocked',
      reason,
      op: { ...action.op, add: [] },
    };
    if (action.op.add.length === 0) {
      dropped.add(action.id);
      return [held];
    }
    const additions: Action = {
      ...action,
      after: { members: [...new Set([...membersBefore, ...action.op.add.map(principalName)])].sort() },
      details: action.details.filter((line) => !line.startsWith('- ')),
      op: { ...action.op, remove: [] },
    };
    return [additions, held];
  });
  if (groups.length === 0) return { actions };
  const removals = groups.reduce((sum, g) => sum + g.removals, 0);
  const held: MembershipHold = {
    removals,
    groups,
    reason: `membership removals blocked: ${groups.map((g) => `${g.group} would lose ${g.removals} of ${g.members} members`).join(', ')} (${WHY}); ${CONFIRM}`,
  };
  return {
    actions: dropped.size === 0 ? guarded : guarded.map((a) => ({ ...a, dependsOn: a.dependsOn.filter((id) => !dropped.has(id)) })),
    held,
  };
}

/** Customers whose planned removals take more than half of all their persona groups' live memberships. */
function customersLosingMostMembers(actions: readonly Action[], options: MembershipGuardOptions): Set<string> {
  const customers = options.groupCustomers;
  if (!customers) return new Set();
  const loss = new Map<string, { members: number; removals: number }>();
  const entry = (customer: string) => loss.get(customer) ?? loss.set(customer, { members: 0, removals: 0 }).get(customer)!;
  for (const group of options.liveGroups) {
    const customer = customers.get(group.displayName.toLowerCase());
    if (customer !== undefined) entry(customer).members += group.members?.length ?? 0;
  }
  for (const action of actions) {
    if (action.op.type !== 'patchMembers' || action.status !== 'pending' || action.customer === null) continue;
    entry(action.customer).removals += action.op.remove.length;
  }
  return new Set([...loss].filter(([, { members, removals }]) => isMassMembershipLoss(members, removals)).map(([customer]) => customer));
}

function namesIn(side: Action['before']): string[] {
  const members = side?.['members'];
  return Array.isArray(members) ? members : [];
}
