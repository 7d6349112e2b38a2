/**
 * The diff: a pure function from (desired, live) to a Plan. No I/O, no
 * clock, no randomness: the same inputs always give the same plan.
 */
import { confirmToken } from '../domain/confirm-token.js';
import { protectedGroupPatterns, type DesiredState, type OffboardedCustomer } from '../domain/desired.js';
import type { LiveState } from '../domain/live.js';
import { EMPTY_INVENTORY, type Inventory } from '../domain/inventory.js';
import { diffFamilies, leavingObjects } from '../kinds/registry.js';
import type { Action, ActionKind, Offboarding, Plan, PlanSummary } from '../domain/plan.js';
import type { IdentityDiffOptions } from '../kinds/identity-diff.js';
import { guardMembershipLoss } from './membership-guard.js';
import { assertDependenciesRunEarlier } from './dependency-guard.js';
import { compareActions } from './order.js';
import { diffPrune } from './prune.js';
import { guardDeletions } from './prune-guard.js';
import { assertNoProtectedTargets } from './protected-guard.js';

export interface DiffOptions extends IdentityDiffOptions {
  /** Kinds whose drift is reported but never applied (`--mode=observe` observes every kind). */
  observeKinds?: ReadonlySet<ActionKind>;
  /** What onboarder owns (earlier applied revisions declared it): only those objects may be deleted. Default: nothing. */
  inventory?: Inventory;
  /** `--allow-mass-delete`: lift the deletion budget and the membership-loss guard for this plan. */
  allowMassDelete?: boolean;
  /** Epoch milliseconds, for the age of inventory records (an input, so the diff stays pure); default: every record counts as old. */
  now?: number;
  /** `--confirm-deletions`: the token of what the guards hold (domain/confirm-token.ts), confirming exactly that, once. */
  confirmDeletions?: string;
}

/**
 * The plan, guarded. A confirmation token that matches what the guards hold
 * gives the same plan with the guards lifted: exactly the held actions turn
 * pending (with what must run before them, such as the grants of a group
 * being deleted). One that does not match lets nothing through and says
 * which token the plan holds now.
 */
export function diff(desired: DesiredState, live: LiveState, options: DiffOptions): Plan {
  const guarded = guardedDiff(desired, live, options);
  const token = confirmToken(guarded.actions);
  const withToken = token === undefined ? guarded : { ...guarded, confirmToken: token };
  const given = options.confirmDeletions;
  if (given === undefined || options.allowMassDelete) return withToken;
  if (given !== token) {
    const reason = token === undefined ? 'the plan holds nothing now' : `what the plan holds now has the token ${token}`;
    return { ...withToken, confirmation: { token: given, confirmed: false, reason } };
  }
  const confirmed = guardedDiff(desired, live, { ...options, allowMassDelete: true });
  return { ...confirmed, confirmation: { token, confirmed: true, actions: guarded.summary.blocked } };
}

function guardedDiff(desired: DesiredState, live: LiveState, options: DiffOptions): Plan {
  const inventory = options.inventory ?? EMPTY_INVENTORY;
  // Leaving on purpose: their deletions pass the deletion guards. (They plan no membership removals: their groups are deleted whole.)
  const offboarded = new Set((desired.offboarded ?? []).map((c) => c.name));
  const input = { desired, live, inventory, principals: options.principals, identityActionIds: new Set<string>() };
  // Guarded before anything is planned on top: the other diffs depend only on the identity actions that remain.
  const principals = diffFamilies('principals', input);
  const membership = guardMembershipLoss(principals.actions, {
    liveGroups: live.groups,
    groupCustomers: new Map(desired.groups.map((g) => [g.displayName.toLowerCase(), g.customer])),
    ...(options.allowMassDelete ? { allowMassDelete: true } : {}),
  });
  const identity = membership.actions;
  const identityActionIds = new Set(identity.map((action) => action.id));
  const pruned = diffPrune(desired, live, inventory, options.now ?? Number.POSITIVE_INFINITY);
  const declaredCustomers = new Set(desired.customers.map((c) => c.name));
  const guard = (actions: Action[]) =>
    guardDeletions(actions, {
      inventorySize: inventory.objects.length,
      // A customer counts as vanished only when this plan would delete something of it.
      vanishedCustomers: [
        ...new Set(
          actions
            .filter((a) => a.change === 'delete' && a.customer !== null && !declaredCustomers.has(a.customer) && !offboarded.has(a.customer))
            .map((a) => a.customer!),
        ),
      ],
      offboardedCustomers: [...offboarded],
      ...(options.allowMassDelete ? { allowMassDelete: true } : {}),
    });
  const assetsAndGrants = (holdLeavingGroups: boolean) => {
    // Held: the groups leaving keep their grants and permissions too, so a blocked plan takes nothing away.
    // An offboarded customer's groups are deleted all the same, so theirs go first as ever.
    const held = holdLeavingGroups
      ? new Set(leavingObjects(desired, inventory).filter((o) => o.kind === 'group' && !offboarded.has(o.customer)).map((o) => o.name.toLowerCase()))
      : undefined;
    const access = diffFamilies('access', { ...input, identityActionIds, ...(held ? { heldPrincipals: held } : {}) });
    return { issues: [...principals.issues, ...access.issues], actions: [...identity, ...access.actions, ...pruned.actions] };
  };
  let planned = assetsAndGrants(false);
  let guarded = guard(planned.actions);
  if (guarded.blocked) {
    planned = assetsAndGrants(true);
    guarded = guard(planned.actions);
  }
  const actions = observe(groupDeletesAfterAccess(guarded.actions), options.observeKinds).sort(compareActions);
  assertNoProtectedTargets(actions, protectedGroupPatterns(desired));
  assertDependenciesRunEarlier(actions);
  return {
    actions,
    summary: summarize(actions),
    issues: planned.issues,
    ...(guarded.blocked ? { pruneBlocked: guarded.blocked } : {}),
    ...(membership.held ? { membershipRemovalsBlocked: membership.held } : {}),
    ...(pruned.released.length > 0 ? { released: pruned.released } : {}),
    ...(desired.offboarded ? { offboarding: desired.offboarded.map((c) => offboardingOf(c, inventory)) } : {}),
  };
}

function offboardingOf(customer: OffboardedCustomer, inventory: Inventory): Offboarding {
  return { customer: customer.name, source: customer.source, owned: inventory.objects.filter((o) => o.customer === customer.name).length };
}

/**
 * A group leaves only after its grants and object permissions are gone: its
 * delete waits for every grants and permissions action that names it, so a
 * failed revocation keeps the group (and says so) instead of leaving the
 * entry behind a deleted principal.
 */
function groupDeletesAfterAccess(actions: Action[]): Action[] {
  /** Whether the action takes something from the group: a grant it revokes, or an entry it holds now (`before`). */
  const takesFrom = (action: Action, name: string): boolean => {
    if (action.op.type === 'updateGrants') return action.op.changes.some((c) => c.principal.toLowerCase() === name && c.remove.length > 0);
    if (action.op.type === 'setPermissions') return Object.keys(action.before ?? {}).some((group) => group.toLowerCase() === name);
    return false;
  };
  return actions.map((action) => {
    if (action.op.type !== 'deleteGroup') return action;
    const name = action.op.displayName.toLowerCase();
    const before = actions.filter((a) => takesFrom(a, name)).map((a) => a.id);
    return before.length === 0 ? action : { ...action, dependsOn: [...new Set([...action.dependsOn, ...before])].sort() };
  });
}

/** Observed kinds keep their drift in the plan, as `observed`: shown and counted, never executed. */
function observe(actions: Action[], kinds: ReadonlySet<ActionKind> | undefined): Action[] {
  if (!kinds || kinds.size === 0) return actions;
  return actions.map((action) =>
    action.status === 'pending' && kinds.has(action.kind)
      ? { ...action, status: 'observed', reason: 'observe mode: reported, not changed' }
      : action,
  );
}

export function summarize(actions: readonly Action[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, waiting: 0, reported: 0, blocked: 0 };
  for (const action of actions) {
    if (action.status === 'waiting') summary.waiting++;
    else if (action.status === 'blocked') summary.blocked++;
    else if (action.status === 'reported') summary.reported++;
    else summary[action.change]++;
  }
  return summary;
}
