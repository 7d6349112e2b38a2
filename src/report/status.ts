/**
 * What the controller shows of itself: the status page, `/status.json` and
 * `/readyz` read this one value. Nothing here may carry a secret: it holds
 * names, ids, counts, Readable before/after values (as `plan` prints them)
 * and located errors.
 */
import type { DesiredStateIssue } from '../domain/errors.js';
import type { Plan, PlanSummary } from '../domain/plan.js';
import type { DriftItem } from './drift.js';
import type { CustomerSync } from './sync-status.js';

export interface ControllerStatus {
  /** A valid revision is loaded and the Databricks API has answered (an observe succeeded). */
  ready: boolean;
  /** This replica writes (it holds the Lease, or there is no election). */
  leader: boolean;
  /** Which replica this is and who leads, so every replica's page says so. */
  leadership: Leadership;
  /** `observe`: nothing is written (`--mode=observe`); `kinds`: the kinds observed only. */
  observe: { mode: 'apply' | 'observe'; kinds: string[] };
  /** The revision in force (the last good one): the commit for a git-sync worktree, else `sha256:` of the content. */
  revision: { id: string; loadedAt: Date } | null;
  /** The last rejected revision, with its located errors (as the log prints them, and as data with their stable codes). */
  rejected: { id: string; at: Date; errors: string[]; issues: DesiredStateIssue[] } | null;
  lastReconcile: LastReconcile | null;
  /** Every declared customer (and any other item with drift), with its sync status. */
  customers: CustomerSync[];
  /** What the last pass left out of sync (report/drift.ts passDrift). */
  drift: DriftItem[];
  nextResyncAt: Date | null;
  /** Set while the loop is wedged: a pass did not end even after its abort (the watchdog abandoned it), and none has ended since. */
  wedged?: { since: Date; reason: string };
}

export interface Leadership {
  /** False: no leader election, this replica always writes. */
  election: boolean;
  /** This replica's identity (the Lease holderIdentity it uses: the pod name). */
  replica: string;
  /** Who holds the Lease, as this replica last read it; null when nobody does or it was not read yet. */
  holder: string | null;
}

export interface LastReconcile {
  /** The pass's own id (logs carry it as reconcileId); not a revision. */
  id: string;
  /** The revision the pass ran with. */
  revision: string | null;
  startedAt: Date;
  finishedAt: Date;
  result: 'success' | 'error' | 'rejected';
  summary: PlanSummary;
  failed: number;
  error?: string;
  /** Why the plan deleted nothing (the deletion budget, or a customer no longer declared). */
  deletionsBlocked?: string;
  /** The token of everything held (deletions and membership removals): `apply --confirm-deletions=<it>` lets it through once. */
  confirmToken?: string;
  /** Why members were kept (a persona group would lose more than half of its members): the removals held, the groups, the reason. */
  membershipRemovalsBlocked?: { removals: number; groups: string[]; reason: string };
}

/**
 * How to let what the guards hold through once: the plan's one-time token
 * (`apply --confirm-deletions`), which confirms exactly that set; the guards
 * stay on for later passes.
 */
export function confirmDeletionsHint(confirmToken: string): string {
  return `onboarder apply --confirm-deletions=${confirmToken}`;
}

/** What a pass planned and held, as its LastReconcile shows it: the summary, the failures, what the guards hold and the token to confirm it. */
export function lastReconcileFields(plan: Plan, failed: number): Pick<LastReconcile, 'summary' | 'failed' | 'deletionsBlocked' | 'membershipRemovalsBlocked' | 'confirmToken'> {
  const block = plan.pruneBlocked;
  const held = plan.membershipRemovalsBlocked;
  return {
    summary: plan.summary,
    failed,
    ...(block ? { deletionsBlocked: block.reason } : {}),
    ...(held ? { membershipRemovalsBlocked: { removals: held.removals, groups: held.groups.map((g) => g.group), reason: held.reason } } : {}),
    ...(plan.confirmToken ? { confirmToken: plan.confirmToken } : {}),
  };
}
