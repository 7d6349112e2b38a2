import { describe, expect, it } from 'vitest';
import { buildAction } from '../domain/action-key.js';
import type { Action } from '../domain/plan.js';
import { desiredGroup, desiredState, desiredUser, emptyLive } from '../../test/support/estate.js';
import { assertDependenciesRunEarlier, DependencyOrderError } from './dependency-guard.js';
import { diff } from './diff.js';

const group = (displayName: string, dependsOn: string[] = [], change: Action['change'] = 'create'): Action =>
  buildAction({
    kind: 'group',
    change,
    customer: 'acme',
    target: displayName,
    before: null,
    after: null,
    details: [],
    dependsOn,
    status: 'pending',
    op: { type: 'createGroup', displayName },
  });

describe('assertDependenciesRunEarlier', () => {
  it('accepts a plan the diff computes: every dependency is in an earlier wave', () => {
    const jane = desiredUser('jane@acme.com', ['acme'], ['workspace-access']);
    const plan = diff(desiredState([desiredGroup('acme', 'analysts', [jane.key])], [jane]), emptyLive(), { principals: 'create' });
    expect(plan.actions.some((a) => a.dependsOn.length > 0)).toBe(true);
    expect(() => assertDependenciesRunEarlier(plan.actions)).not.toThrow();
  });

  it('refuses a dependency in the same wave, naming both actions', () => {
    const first = group('a');
    const second = group('b', [first.id]);
    expect(() => assertDependenciesRunEarlier([first, second])).toThrow(DependencyOrderError);
    expect(() => assertDependenciesRunEarlier([first, second])).toThrow('group:b waits for group:a');
  });

  it('refuses a dependency in a later wave', () => {
    const deleted = group('a', [], 'delete');
    expect(() => assertDependenciesRunEarlier([deleted, group('b', [deleted.id])])).toThrow(DependencyOrderError);
  });

  it('ignores a dependency the plan does not hold', () => {
    expect(() => assertDependenciesRunEarlier([group('b', ['group:gone'])])).not.toThrow();
  });
});
