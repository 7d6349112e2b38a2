import { describe, expect, it } from 'vitest';
import { CONFIRM_TOKEN_PATTERN, confirmToken } from './confirm-token.js';
import type { Action, ActionStatus } from './plan.js';

function groupDelete(name: string, status: ActionStatus = 'blocked'): Action {
  return {
    id: `group:${name}`,
    kind: 'group',
    wave: 0,
    change: 'delete',
    customer: 'globex',
    target: name,
    before: { id: `id-${name}` },
    after: null,
    details: ['no longer declared; onboarder created or adopted it'],
    dependsOn: [],
    status,
    op: { type: 'deleteGroup', id: `id-${name}`, displayName: name },
  };
}

/** A held membership removal, as the access-loss guard writes it: one `- name` line per principal removed. */
function heldRemovals(group: string, removed: string[]): Action {
  return {
    id: `membership:${group} (removals held)`,
    kind: 'membership',
    wave: 0,
    change: 'update',
    customer: 'acme',
    target: `${group} (removals held)`,
    before: { members: removed },
    after: { members: [] },
    details: removed.map((name) => `- ${name}`).sort(),
    dependsOn: [],
    status: 'blocked',
    op: { type: 'patchMembers', group: { type: 'group', displayName: group, id: 'g1' }, add: [], remove: removed.map((userName) => ({ type: 'user', userName })) },
  };
}

const held = [groupDelete('customer-globex-analysts'), groupDelete('customer-globex-engineers'), heldRemovals('customer-acme-analysts', ['a@x.com', 'b@x.com'])];

describe('the confirmation token', () => {
  it('is short, and the same for the same held actions in any order', () => {
    const token = confirmToken(held)!;
    expect(token).toMatch(CONFIRM_TOKEN_PATTERN);
    expect(confirmToken([...held].reverse())).toBe(token);
    expect(confirmToken([held[1]!, held[2]!, held[0]!])).toBe(token);
  });

  it('changes when the held set changes: one more, one fewer, or other members removed', () => {
    const token = confirmToken(held);
    expect(confirmToken([...held, groupDelete('customer-globex-admins')])).not.toBe(token);
    expect(confirmToken(held.slice(1))).not.toBe(token);
    const otherMembers = [held[0]!, held[1]!, heldRemovals('customer-acme-analysts', ['a@x.com', 'c@x.com'])];
    expect(confirmToken(otherMembers)).not.toBe(token);
  });

  it('covers only what is held: pending actions do not change it, and a plan holding nothing has none', () => {
    expect(confirmToken([...held, groupDelete('customer-acme-retired', 'pending')])).toBe(confirmToken(held));
    expect(confirmToken([groupDelete('customer-acme-retired', 'pending')])).toBeUndefined();
    expect(confirmToken([])).toBeUndefined();
  });
});
