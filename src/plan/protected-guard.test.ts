// The plan-level guard: any action that still names a protected group refuses the whole plan.
import { describe, expect, it } from 'vitest';
import type { Action, Operation } from '../domain/plan.js';
import { assertNoProtectedTargets, groupsTouched, ProtectedGroupError } from './protected-guard.js';

const PATTERNS = ['users', 'admins', 'users-clone-*'];
const group = (displayName: string) => ({ type: 'group' as const, displayName });
const user = { type: 'user' as const, userName: 'ana@example.com' };

function action(op: Operation): Action {
  return { id: `x:${op.type}`, kind: 'group', change: 'update', customer: 'acme', target: '', before: null, after: null, details: [], dependsOn: [], wave: 0, status: 'pending', op };
}

describe('groupsTouched', () => {
  it.each<[Operation, string[]]>([
    [{ type: 'createGroup', displayName: 'g' }, ['g']],
    [{ type: 'deleteGroup', id: '1', displayName: 'g' }, ['g']],
    [{ type: 'assignWorkspace', workspace: 'prod', workspaceId: '1', principal: group('g'), permissions: ['USER'] }, ['g']],
    [{ type: 'patchEntitlements', workspace: 'prod', workspaceId: '1', principal: user, add: [], remove: [] }, []],
    // Nesting: a group added as a member is touched too.
    [{ type: 'patchMembers', group: group('g'), add: [group('inner'), user], remove: [group('old')] }, ['g', 'inner', 'old']],
    [{ type: 'updateGrants', via: 'prod', securable: { type: 'catalog', fullName: 'c' }, changes: [{ principal: 'p', add: [], remove: ['SELECT'] }] }, ['p']],
    [{ type: 'setPermissions', workspace: 'prod', object: { type: 'notebook', path: '/n' }, managed: ['m'], entries: [{ group: 'e', level: 'CAN_READ' }] }, ['m', 'e']],
    [{ type: 'deleteNotebook', workspace: 'prod', path: '/n' }, []],
  ])('%j names %j', (op, names) => {
    expect(groupsTouched(op)).toEqual(names);
  });
});

describe('assertNoProtectedTargets', () => {
  it('passes a plan that names no protected group', () => {
    expect(() => assertNoProtectedTargets([action({ type: 'createGroup', displayName: 'customer-acme-analysts' })], PATTERNS)).not.toThrow();
  });

  it('refuses the plan, naming each action and group, whatever the case', () => {
    const nesting = action({ type: 'patchMembers', group: group('customer-acme-analysts'), add: [group('Users-Clone-3')], remove: [] });
    const revoke = action({ type: 'updateGrants', via: 'prod', securable: { type: 'catalog', fullName: 'c' }, changes: [{ principal: 'ADMINS', add: [], remove: ['SELECT'] }] });
    const thrown = (() => {
      try {
        assertNoProtectedTargets([nesting, revoke], PATTERNS);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ProtectedGroupError);
    expect((thrown as ProtectedGroupError).offending).toEqual([
      { action: 'x:patchMembers', groups: ['Users-Clone-3'] },
      { action: 'x:updateGrants', groups: ['ADMINS'] },
    ]);
  });
});
