import { describe, expect, it } from 'vitest';
import type { Action } from '../domain/plan.js';
import { createMetrics } from '../report/metrics.js';
import { summaryLine } from '../report/plan-text.js';
import { summarize } from './diff.js';
import { deletionBudget, guardDeletions } from './prune-guard.js';

function schemaDelete(n: number): Action {
  const fullName = `customer_acme.s${n}`;
  return {
    id: `schema:${fullName}`,
    kind: 'schema',
    change: 'delete',
    customer: 'acme',
    target: fullName,
    before: {},
    after: null,
    details: [],
    dependsOn: [],
    wave: 0,
    status: 'pending',
    op: { type: 'deleteSchema', via: 'prod', fullName },
  };
}
const deletes = (n: number) => Array.from({ length: n }, (_, i) => schemaDelete(i));

describe('the deletion budget', () => {
  it('is 10 objects or 10% of the inventory, whichever is larger', () => {
    expect(deletionBudget(0)).toBe(10);
    expect(deletionBudget(99)).toBe(10);
    expect(deletionBudget(250)).toBe(25);
  });

  it('lets a plan within budget delete', () => {
    const guarded = guardDeletions(deletes(10), { inventorySize: 40 });
    expect(guarded.blocked).toBeUndefined();
    expect(guarded.actions.every((a) => a.status === 'pending')).toBe(true);
  });

  it('blocks every deletion of a plan over budget, and says why', () => {
    const guarded = guardDeletions(deletes(11), { inventorySize: 40 });
    expect(guarded.blocked).toMatchObject({ deletes: 11, budget: 10 });
    expect(guarded.actions.every((a) => a.status === 'blocked')).toBe(true);
    expect(guarded.actions[0]!.reason).toMatch(/^deletion blocked: 11 deletions exceed the budget of 10 per reconcile .*--allow-mass-delete/);
    expect(guardDeletions(deletes(30), { inventorySize: 300 }).blocked).toBeUndefined();
  });

  it('lets a confirmed mass deletion through', () => {
    expect(guardDeletions(deletes(50), { inventorySize: 40, allowMassDelete: true }).blocked).toBeUndefined();
    expect(guardDeletions(deletes(1), { inventorySize: 40, vanishedCustomers: ['globex'], allowMassDelete: true }).blocked).toBeUndefined();
  });

  it('blocks every deletion, even one, when a whole customer vanished', () => {
    const guarded = guardDeletions(deletes(1), { inventorySize: 40, vanishedCustomers: ['initech', 'globex'] });
    expect(guarded.blocked).toMatchObject({ deletes: 1, vanishedCustomers: ['globex', 'initech'] });
    expect(guarded.actions[0]).toMatchObject({ status: 'blocked' });
    expect(guarded.actions[0]!.reason).toMatch(/customer globex, initech is no longer declared at all.*--allow-mass-delete/);
  });

  it("lets an offboarded customer's deletions through, uncounted, while another customer's over budget stay blocked", () => {
    const globex = (n: number): Action => ({ ...schemaDelete(n), id: `schema:customer_globex.s${n}`, customer: 'globex' });
    const offboarding = Array.from({ length: 15 }, (_, i) => globex(i));
    const alone = guardDeletions(offboarding, { inventorySize: 40, offboardedCustomers: ['globex'] });
    expect(alone.blocked).toBeUndefined();
    expect(alone.actions.every((a) => a.status === 'pending')).toBe(true);

    const both = guardDeletions([...offboarding, ...deletes(11)], { inventorySize: 40, offboardedCustomers: ['globex'] });
    // Only Acme's 11 count against the budget, and only they are held.
    expect(both.blocked).toMatchObject({ deletes: 11, budget: 10 });
    expect(both.actions.filter((a) => a.status === 'blocked').map((a) => a.customer)).toEqual(Array(11).fill('acme'));
    expect(both.actions.filter((a) => a.status === 'pending').map((a) => a.customer)).toEqual(Array(15).fill('globex'));
    // Within budget, Acme's deletes pass too.
    expect(guardDeletions([...offboarding, ...deletes(10)], { inventorySize: 40, offboardedCustomers: ['globex'] }).blocked).toBeUndefined();
  });

  it('has nothing to block in a plan without deletions', () => {
    expect(guardDeletions([], { inventorySize: 40, vanishedCustomers: ['globex'] }).blocked).toBeUndefined();
  });
});

describe('a plan over the deletion budget', () => {
  it('reports the block in the plan summary and the metric', async () => {
    const guarded = guardDeletions(deletes(12), { inventorySize: 0 });
    const plan = { actions: guarded.actions, summary: summarize(guarded.actions), issues: [], pruneBlocked: guarded.blocked! };
    expect(plan.summary).toMatchObject({ delete: 0, blocked: 12 });
    expect(summaryLine(plan)).toBe('Plan: 0 to create, 0 to update, 0 to delete. 12 deletions BLOCKED (budget 10; --allow-mass-delete to confirm).');
    const metrics = createMetrics();
    metrics.recordPlan(plan);
    expect(await metrics.registry.getSingleMetricAsString('onboarder_deletions_blocked')).toContain('onboarder_deletions_blocked 12');
  });
});
