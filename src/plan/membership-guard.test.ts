import { describe, expect, it } from 'vitest';
import type { Action, PrincipalHandle } from '../domain/plan.js';
import { createMetrics } from '../report/metrics.js';
import { summaryLine } from '../report/plan-text.js';
import { summarize } from './diff.js';
import { guardMembershipLoss, isMassMembershipLoss } from './membership-guard.js';

const GROUP = 'customer-acme-analysts';
const user = (n: number): PrincipalHandle => ({ type: 'user', userName: `u${n}@acme.com`, id: `u${n}` });
const users = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => user(from + i));

/** The membership action the identity diff makes for a group of `members` users, adding and removing some. */
function membership(members: number, change: { add?: PrincipalHandle[]; remove?: PrincipalHandle[] }): { action: Action; liveGroups: { id: string; displayName: string; members: string[] }[] } {
  const add = change.add ?? [];
  const remove = change.remove ?? [];
  const before = users(0, members).map((u) => (u.type === 'user' ? u.userName : ''));
  const action: Action = {
    id: `membership:${GROUP}`,
    kind: 'membership',
    change: 'update',
    customer: 'acme',
    target: GROUP,
    before: { members: before },
    after: { members: [] },
    details: [...add.map((p) => `+ ${p.type === 'user' ? p.userName : ''}`), ...remove.map((p) => `- ${p.type === 'user' ? p.userName : ''}`)],
    dependsOn: [],
    wave: 0,
    status: 'pending',
    op: { type: 'patchMembers', group: { type: 'group', displayName: GROUP, id: 'g1' }, add, remove },
  };
  return { action, liveGroups: [{ id: 'g1', displayName: GROUP, members: users(0, members).map((u) => u.id!) }] };
}

const held = (members: number, removals: number) => {
  const { action, liveGroups } = membership(members, { remove: users(0, removals) });
  return guardMembershipLoss([action], { liveGroups }).held !== undefined;
};

describe('the access-loss thresholds', () => {
  it('hold more than half of a group of 3 or more, and let exactly half through', () => {
    expect(held(4, 2)).toBe(false); // exactly half
    expect(held(4, 3)).toBe(true);
    expect(held(5, 1)).toBe(false);
    expect(held(5, 3)).toBe(true); // 60%
    expect(held(100, 50)).toBe(false);
    expect(held(100, 51)).toBe(true);
  });

  it('hold a group of 3 emptied, but not a group of 2 or 1 (ordinary roster work)', () => {
    expect(held(3, 3)).toBe(true);
    expect(held(3, 2)).toBe(true);
    expect(held(3, 1)).toBe(false);
    expect(held(2, 2)).toBe(false);
    expect(held(1, 1)).toBe(false);
    expect(isMassMembershipLoss(0, 0)).toBe(false);
  });
});

describe('a held membership action', () => {
  it('keeps its additions pending and holds its removals in a blocked action of their own, with the counts', () => {
    const { action, liveGroups } = membership(5, { add: [user(9)], remove: users(0, 3) });
    const guarded = guardMembershipLoss([action], { liveGroups });
    expect(guarded.held).toMatchObject({ removals: 3, groups: [{ group: GROUP, customer: 'acme', members: 5, removals: 3 }] });
    expect(guarded.held!.reason).toMatch(/customer-acme-analysts would lose 3 of 5 members .*--allow-mass-delete/);
    const [additions, removals] = guarded.actions;
    expect(additions).toMatchObject({ id: `membership:${GROUP}`, status: 'pending', details: ['+ u9@acme.com'] });
    expect(additions!.op).toMatchObject({ add: [user(9)], remove: [] });
    expect(additions!.after).toEqual({ members: ['u0@acme.com', 'u1@acme.com', 'u2@acme.com', 'u3@acme.com', 'u4@acme.com', 'u9@acme.com'] });
    expect(removals).toMatchObject({ id: `membership:${GROUP} (removals held)`, status: 'blocked', details: ['- u0@acme.com', '- u1@acme.com', '- u2@acme.com'] });
    expect(removals!.reason).toMatch(/^membership removals blocked: 3 of the 5 members of customer-acme-analysts would be removed .*--allow-mass-delete/);
    expect(removals!.after).toEqual({ members: ['u3@acme.com', 'u4@acme.com'] });
  });

  it('replaces an action of removals only, and what depended on it no longer waits for it', () => {
    const { action, liveGroups } = membership(3, { remove: users(0, 3) });
    const dependant: Action = { ...action, id: 'entitlements:u1@acme.com @ prod', kind: 'entitlements', dependsOn: [action.id, 'user:x'], op: { type: 'patchEntitlements', workspace: 'prod', workspaceId: '1', principal: user(1), add: [], remove: ['x'] } };
    const guarded = guardMembershipLoss([action, dependant], { liveGroups });
    expect(guarded.actions.map((a) => `${a.status} ${a.id}`)).toEqual([`blocked membership:${GROUP} (removals held)`, 'pending entitlements:u1@acme.com @ prod']);
    expect(guarded.actions[1]!.dependsOn).toEqual(['user:x']);
  });

  it('lets everything through with --allow-mass-delete, and leaves alone what would not remove', () => {
    const { action, liveGroups } = membership(3, { remove: users(0, 3) });
    expect(guardMembershipLoss([action], { liveGroups, allowMassDelete: true })).toEqual({ actions: [action] });
    // A group from the identity provider is reported, not changed: nothing to hold.
    const reported = { ...action, status: 'reported' as const };
    expect(guardMembershipLoss([reported], { liveGroups })).toEqual({ actions: [reported] });
    // Additions are never held.
    const { action: joining, liveGroups: small } = membership(3, { add: users(10, 20) });
    expect(guardMembershipLoss([joining], { liveGroups: small })).toEqual({ actions: [joining] });
  });
});

describe('the customer-wide rule', () => {
  it('holds the removals from small groups when the customer as a whole would lose more than half of its memberships', () => {
    const { action, liveGroups } = membership(1, { remove: users(0, 1) });
    const other = { id: 'g2', displayName: 'customer-acme-auditors', members: ['u8', 'u9'] };
    const otherAction: Action = { ...action, id: 'membership:customer-acme-auditors', target: 'customer-acme-auditors', op: { type: 'patchMembers', group: { type: 'group', displayName: other.displayName, id: 'g2' }, add: [], remove: [user(8), user(9)] } };
    const groupCustomers = new Map([[GROUP.toLowerCase(), 'acme'], ['customer-acme-auditors', 'acme']]);
    // 3 of the customer's 3 memberships: every removal is held, though each group is below the per-group floor.
    const held = guardMembershipLoss([action, otherAction], { liveGroups: [...liveGroups, other], groupCustomers });
    expect(held.held?.removals).toBe(3);
    expect(held.actions.every((a) => a.status === 'blocked')).toBe(true);
    // Without the customer map (or with a bigger customer), the same small groups change hands freely.
    expect(guardMembershipLoss([action, otherAction], { liveGroups: [...liveGroups, other] }).held).toBeUndefined();
    const big = { id: 'g3', displayName: 'customer-acme-engineers', members: ['a', 'b', 'c', 'd'] };
    groupCustomers.set('customer-acme-engineers', 'acme');
    expect(guardMembershipLoss([action, otherAction], { liveGroups: [...liveGroups, other, big], groupCustomers }).held).toBeUndefined();
  });
});

describe('a plan with held membership removals', () => {
  it('says so in the summary line and the metric', async () => {
    const { action, liveGroups } = membership(4, { remove: users(0, 4) });
    const guarded = guardMembershipLoss([action], { liveGroups });
    const plan = { actions: guarded.actions, summary: summarize(guarded.actions), issues: [], membershipRemovalsBlocked: guarded.held! };
    expect(plan.summary).toMatchObject({ update: 0, blocked: 1 });
    expect(summaryLine(plan)).toBe(
      'Plan: 0 to create, 0 to update, 0 to delete. 4 membership removals BLOCKED (customer-acme-analysts 4 of 4; --allow-mass-delete to confirm).',
    );
    const metrics = createMetrics();
    metrics.recordPlan(plan);
    expect(await metrics.registry.getSingleMetricAsString('onboarder_membership_removals_blocked')).toContain('onboarder_membership_removals_blocked 4');
    const { membershipRemovalsBlocked: _held, ...cleared } = plan;
    metrics.recordPlan(cleared);
    expect(await metrics.registry.getSingleMetricAsString('onboarder_membership_removals_blocked')).toContain('onboarder_membership_removals_blocked 0');
  });
});
