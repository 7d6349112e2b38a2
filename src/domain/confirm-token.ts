/**
 * The token that confirms, once, what the guards hold back (the `blocked`
 * actions of a plan: deletions over the budget or of a vanished customer,
 * and mass membership removals). One token covers everything a plan holds,
 * so the operator confirms what `plan` showed in one step.
 *
 * It is a hash of the held set itself, not of the revision or the time: a
 * token stays valid while the same things are held (a resync, an unrelated
 * commit), and stops matching as soon as anything held changes, so an apply
 * can never confirm something nobody reviewed. Once the held actions ran,
 * nothing is held any more and the token confirms nothing: it works once.
 */
import { createHash } from 'node:crypto';
import type { Action } from './plan.js';

/** 12 hex digits: short enough to type, long enough that two held sets never share one by chance. */
export const CONFIRM_TOKEN_PATTERN = /^[0-9a-f]{12}$/;

/**
 * What identifies one held action: its id, and for held membership removals
 * also who would be removed (the id names only the group; the principals are
 * its details, one `- name` line each, sorted by the guard).
 */
function heldKey(action: Action): string {
  return action.op.type === 'patchMembers' ? [action.id, ...action.details].join('\n') : action.id;
}

/** The token of the actions held in `actions`, in any order; undefined when nothing is held. */
export function confirmToken(actions: readonly Action[]): string | undefined {
  const held = actions.filter((action) => action.status === 'blocked').map(heldKey).sort();
  if (held.length === 0) return undefined;
  // A key never contains NUL, so joining with it cannot make two different sets one text.
  return createHash('sha256').update(held.join('\u0000')).digest('hex').slice(0, 12);
}
