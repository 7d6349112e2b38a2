import { describe, expect, it } from 'vitest';
import type { ActionResult, ApplyReport } from '../apply/executor.js';
import type { Action, ActionStatus, Plan } from '../domain/plan.js';
import { summarize } from '../plan/diff.js';
import { passDrift, passOutcomeLine } from './drift.js';

function action(id: string, customer: string | null, status: ActionStatus = 'pending', reason?: string): Action {
  return {
    id,
    kind: 'membership',
    wave: 0,
    change: 'update',
    customer,
    target: id,
    before: { members: ['a@x'] },
    after: { members: ['a@x', 'b@x'] },
    details: ['+ b@x'],
    dependsOn: [],
    status,
    ...(reason === undefined ? {} : { reason }),
    op: { type: 'createGroup', displayName: id },
  };
}

const planOf = (...actions: Action[]): Plan => ({ actions, summary: summarize(actions), issues: [] });

function reportOf(...results: Omit<ActionResult, 'seconds'>[]): ApplyReport {
  const full = results.map((r) => ({ ...r, seconds: 0 }));
  const count = (outcome: ActionResult['outcome']) => full.filter((r) => r.outcome === outcome).length;
  return { results: full, succeeded: count('succeeded'), failed: count('failed'), skipped: count('skipped') };
}

describe('passDrift', () => {
  it('is empty after an apply in which every action succeeded: the plan before it is not drift', () => {
    const a = action('a', 'acme');
    const b = action('b', null);
    expect(passDrift(planOf(a, b), reportOf({ action: a, outcome: 'succeeded' }, { action: b, outcome: 'succeeded' }))).toEqual([]);
  });

  it('keeps what failed, was skipped, held or not run (backoff), with why', () => {
    const failed = action('failed', 'acme');
    const skipped = action('skipped', 'acme');
    const held = action('held', 'globex');
    const backingOff = action('backing-off', 'initech');
    const done = action('done', 'acme');
    const report = reportOf(
      { action: failed, outcome: 'failed', error: 'PERMISSION_DENIED: nope', errorCode: 'PERMISSION_DENIED' },
      { action: skipped, outcome: 'skipped', error: 'depends on failed, which did not succeed', skippedBecause: 'dependency' },
      { action: held, outcome: 'skipped', error: 'shutting down', skippedBecause: 'held' },
      { action: done, outcome: 'succeeded' },
    );
    const drift = passDrift(planOf(failed, skipped, held, backingOff, done), report);
    expect(drift.map(({ target, customer, state, reason, errorCode }) => ({ target, customer, state, reason, errorCode }))).toEqual([
      { target: 'failed', customer: 'acme', state: 'failed', reason: 'PERMISSION_DENIED: nope', errorCode: 'PERMISSION_DENIED' },
      { target: 'skipped', customer: 'acme', state: 'skipped', reason: 'depends on failed, which did not succeed', errorCode: undefined },
      { target: 'held', customer: 'globex', state: 'held', reason: 'shutting down', errorCode: undefined },
      { target: 'backing-off', customer: 'initech', state: 'held', reason: expect.stringMatching(/backs off/), errorCode: undefined },
    ]);
  });

  it('keeps blocked, observed and waiting actions, never reported ones, applied or not', () => {
    const plan = planOf(
      action('blocked', 'acme', 'blocked', 'over budget'),
      action('observed', 'acme', 'observed'),
      action('waiting', null, 'waiting', 'waiting for the identity provider'),
      action('reported', 'acme', 'reported', 'the identity provider owns it'),
    );
    for (const report of [undefined, reportOf()]) {
      expect(passDrift(plan, report).map((d) => [d.target, d.customer, d.state, d.reason])).toEqual([
        ['blocked', 'acme', 'blocked', 'over budget'],
        ['observed', 'acme', 'observed', undefined],
        ['waiting', 'account', 'waiting', 'waiting for the identity provider'],
      ]);
    }
  });

  it('carries the before/after and detail lines of each item', () => {
    const [item] = passDrift(planOf(action('a', 'acme', 'observed')));
    expect(item).toMatchObject({ kind: 'membership', change: 'update', before: { members: ['a@x'] }, after: { members: ['a@x', 'b@x'] }, details: ['+ b@x'] });
  });

  it('without a report: what apply would change (plan), or observed with the reason it is not applied (a follower)', () => {
    const plan = planOf(action('a', 'acme'));
    expect(passDrift(plan)[0]).toMatchObject({ state: 'pending' });
    expect(passDrift(plan, undefined, 'a follower')[0]).toMatchObject({ state: 'observed', reason: 'a follower' });
  });
});

describe('passOutcomeLine', () => {
  it('says converged, or how much is left by state', () => {
    expect(passOutcomeLine([])).toEqual({ message: 'converged', fields: { left: 0 } });
    const plan = planOf(action('a', 'acme', 'observed'), action('b', 'acme', 'observed'), action('c', 'acme', 'blocked'));
    expect(passOutcomeLine(passDrift(plan))).toEqual({ message: '3 left (1 blocked, 2 observed)', fields: { left: 3, observed: 2, blocked: 1 } });
  });
});
