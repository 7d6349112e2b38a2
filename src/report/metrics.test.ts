// The per-customer failure gauge: this pass's failures for customers that ran, kept for customers held out, cleared on recovery.
import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../apply/executor.js';
import type { Action, Plan } from '../domain/plan.js';
import { createMetrics } from './metrics.js';

function action(customer: string | null, kind: Action['kind'] = 'notebook'): Action {
  return {
    id: `${kind}:${customer}`,
    kind,
    change: 'update',
    customer,
    target: '',
    before: null,
    after: null,
    details: [],
    dependsOn: [],
    wave: 0,
    status: 'pending',
    op: { type: 'deleteNotebook', workspace: 'prod', path: '/x' },
  };
}
const planOf = (...actions: Action[]): Plan => ({ actions, summary: { create: 0, update: 0, delete: 0, waiting: 0, reported: 0, blocked: 0 }, issues: [] });
const failed = (a: Action, errorCode = 'RESOURCE_ALREADY_EXISTS'): ActionResult => ({ action: a, outcome: 'failed', errorCode, seconds: 0 });
const gauge = async (metrics: ReturnType<typeof createMetrics>) =>
  (await metrics.registry.getSingleMetricAsString('onboarder_customer_failed_actions')).split('\n').filter((line) => !line.startsWith('#'));

describe('onboarder_customer_failed_actions', () => {
  it('counts failures by customer, kind and error code; account-wide ones under account', async () => {
    const metrics = createMetrics();
    const globex = action('globex');
    const account = action(null, 'user');
    metrics.recordFailures(planOf(globex, account), [failed(globex), failed(globex), failed(account, 'INTERNAL_ERROR')]);
    expect(await gauge(metrics)).toEqual([
      'onboarder_customer_failed_actions{customer="globex",kind="notebook",error_code="RESOURCE_ALREADY_EXISTS"} 2',
      'onboarder_customer_failed_actions{customer="account",kind="user",error_code="INTERNAL_ERROR"} 1',
    ]);
  });

  it('keeps a customer held out by backoff, and clears one that recovered or lost its pending work', async () => {
    const metrics = createMetrics();
    const globex = action('globex');
    const acme = action('acme');
    metrics.recordFailures(planOf(globex, acme), [failed(globex), failed(acme)]);
    // Next pass: globex is held (pending, not run), acme ran and succeeded.
    metrics.recordFailures(planOf(globex, acme), [{ action: acme, outcome: 'succeeded', seconds: 0 }]);
    expect(await gauge(metrics)).toEqual(['onboarder_customer_failed_actions{customer="globex",kind="notebook",error_code="RESOURCE_ALREADY_EXISTS"} 1']);
    // Then nothing is pending for globex any more (fixed by hand): cleared.
    metrics.recordFailures(planOf(), []);
    expect(await gauge(metrics)).toEqual([]);
  });

  it('is cleared when leadership is lost', async () => {
    const metrics = createMetrics();
    const globex = action('globex');
    metrics.recordFailures(planOf(globex), [failed(globex)]);
    metrics.clearFailures();
    expect(await gauge(metrics)).toEqual([]);
  });
});
