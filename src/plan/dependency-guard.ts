/**
 * A check of the finished plan, beside the protected-group guard: every
 * dependency runs in an earlier wave than the action that waits for it.
 * The executor starts a wave only when the previous one has finished, so a
 * dependency in the same or a later wave would run alongside or after its
 * dependant, and the dependant would be skipped as "did not succeed" on
 * every pass. Such a plan is a bug in a diff: it is refused whole. Pure.
 */
import type { Action } from '../domain/plan.js';

export class DependencyOrderError extends Error {
  readonly code = 'DEPENDENCY_NOT_EARLIER';
  constructor(readonly offending: { action: string; dependency: string }[]) {
    super(`refusing a plan whose dependencies do not run first: ${offending.map((o) => `${o.action} waits for ${o.dependency}`).join('; ')}`);
    this.name = 'DependencyOrderError';
  }
}

/** Dependencies outside the plan (an action a guard dropped) are not checked: the executor ignores them too. */
export function assertDependenciesRunEarlier(actions: readonly Action[]): void {
  const waves = new Map(actions.map((action) => [action.id, action.wave]));
  const offending = actions.flatMap((action) =>
    action.dependsOn
      .filter((dependency) => (waves.get(dependency) ?? Number.NEGATIVE_INFINITY) >= action.wave)
      .map((dependency) => ({ action: action.id, dependency })),
  );
  if (offending.length > 0) throw new DependencyOrderError(offending);
}
