/**
 * Ordering of a plan. Each action carries its wave (domain/action-key.ts):
 * creates and updates run parents first, deletes last, children first.
 * Within a wave, actions are sorted by kind and target so the same inputs
 * always print the same plan.
 */
import type { Action } from '../domain/plan.js';

/** The wave an action runs in (set when it was built). */
export function waveOf(action: Pick<Action, 'wave'>): number {
  return action.wave;
}

export function compareActions(a: Action, b: Action): number {
  return a.wave - b.wave || a.kind.localeCompare(b.kind) || a.target.localeCompare(b.target);
}
