/**
 * The diff: a pure function from (desired, live) to a Plan. No I/O, no
 * clock, no randomness: the same inputs always give the same plan.
 */
import { protectedGroupPatterns, type DesiredState } from '../domain/desired.js';
import type { LiveState } from '../domain/live.js';
import { EMPTY_INVENTORY, type Inventory } from '../domain/inventory.js';
import { leavingObjects } from '../kinds/registry.js';
import type { Action, ActionKind, Plan, PlanSummary } from '../domain/plan.js';
import { diffIdentity, type IdentityDiffOptions } from './identity-diff.js';
import { guardMembershipLoss } from './membership-guard.js';
import { assertDependenciesRunEarlier } from './dependency-guard.js';
import { compareActions } from './order.js';
import { diffPrune } from './prune.js';
import { guardDeletions } from './prune-guard.js';
import { assertNoProtectedTargets } from './protected-guard.js';
import { diffUnityCatalog } from './unity-catalog-diff.js';
import { diffWorkspaceAssets } from './workspace-assets-diff.js';

export interface DiffOptions extends IdentityDiffOptions {
  /** Kinds whose drift is reported but never applied (`--mode=observe` observes every kind). */
  observeKinds?: ReadonlySet<ActionKind>;
  /** What onboarder owns (earlier applied revisions declared it): only those objects may be deleted. Default: nothing. */
  inventory?: Inventory;
  /** `--allow-mass-delete`: lift the deletion budget and the membership-loss guard for this plan. */
  allowMassDelete?: boolean;
  /** Epoch milliseconds, for the age of inventory records (an input, so the diff stays pure); default: every record counts as old. */
  now?: number;
}

export function diff(desired: DesiredState, live: LiveState, options: DiffOptions): Plan {
  const inventory = options.inventory ?? EMPTY_INVENTORY;
  // Guarded before anything is planned on top: the other diffs depend only on the identity actions that remain.
  const membership = guardMembershipLoss(diffIdentity(desired, live, options), {
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
        ...new Set(actions.filter((a) => a.change === 'delete' && a.customer !== null && !declaredCustomers.has(a.customer)).map((a) => a.customer!)),
      ],
      ...(options.allowMassDelete ? { allowMassDelete: true } : {}),
    });
  const assetsAndGrants = (holdLeavingGroups: boolean) => {
    // Held: the groups leaving keep their grants and permissions too, so a blocked plan takes nothing away.
    const held = holdLeavingGroups ? new Set(leavingObjects(desired, inventory).filter((o) => o.kind === 'group').map((o) => o.name.toLowerCase())) : undefined;
    const unityCatalog = diffUnityCatalog(desired, live, { inventory, identityActionIds, ...(held ? { heldPrincipals: held } : {}) });
    const assets = diffWorkspaceAssets(desired, live, { identityActionIds, ...(held ? {} : { inventory }) });
    return { unityCatalog, actions: [...identity, ...unityCatalog.actions, ...assets, ...pruned.actions] };
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
    issues: planned.unityCatalog.issues,
    ...(guarded.blocked ? { pruneBlocked: guarded.blocked } : {}),
    ...(membership.held ? { membershipRemovalsBlocked: membership.held } : {}),
    ...(pruned.released.length > 0 ? { released: pruned.released } : {}),
  };
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
