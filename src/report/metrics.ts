/**
 * The metrics registry: every metric of behaviour.md, defined once, with
 * the default process metrics. Names and labels are part of the contract.
 */
import client from 'prom-client';
import type { ActionResult } from '../apply/executor.js';
import type { Plan } from '../domain/plan.js';
import type { ApiFamily, ApiTelemetry } from '../domain/telemetry.js';
import { customerOf, passDrift, type DriftItem } from './drift.js';
import type { CustomerSync } from './sync-status.js';

export type Metrics = ReturnType<typeof createMetrics>;

export interface BuildInfo {
  /** package.json's version, read once by the composition root. */
  version: string;
  /** The Node.js version, e.g. `v20.19.0`. */
  node: string;
}

const RECONCILE_RESULTS = ['success', 'error', 'rejected'] as const;

export function createMetrics(build?: BuildInfo) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  // prom-client's legacy gauges named `*_total` fail `promtool check metrics`; their un-suffixed twins stay.
  for (const legacy of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(legacy);
  }
  const register = { registers: [registry] };

  const drift = new client.Gauge({
    name: 'onboarder_drift_objects',
    help: 'Objects the last pass found out of sync and did not repair (failed, skipped, held, blocked, observed, waiting), by customer (account: account-wide), kind and change.',
    labelNames: ['customer', 'kind', 'change'] as const,
    ...register,
  });
  // Beyond the contract's table: why a plan deleted nothing.
  const deletionsBlocked = new client.Gauge({
    name: 'onboarder_deletions_blocked',
    help: 'Deletions the last plan held back: over the deletion budget, or of a customer no longer declared (0 when none).',
    ...register,
  });
  // Beyond the contract's table: why a plan took nobody's membership away.
  const membershipRemovalsBlocked = new client.Gauge({
    name: 'onboarder_membership_removals_blocked',
    help: 'Membership removals the last plan held back: a persona group would lose more than half of its members (0 when none).',
    ...register,
  });
  // Beyond the contract's table: which customer is failing, and why, so one customer's trouble is visible on its own.
  const customerFailures = new client.Gauge({
    name: 'onboarder_customer_failed_actions',
    help: 'Actions that failed in the last reconcile, by customer (account for account-wide ones), kind and error code.',
    labelNames: ['customer', 'kind', 'error_code'] as const,
    ...register,
  });
  /** The failed results each customer shows, from the last pass that ran its actions. */
  const failing = new Map<string, ActionResult[]>();
  const reconciles = new client.Counter({
    name: 'onboarder_reconcile_total',
    help: 'Reconcile passes by result (success, error, rejected).',
    labelNames: ['result'] as const,
    ...register,
  });
  // Every result exists from the start: rate() and absent() in alerts need the series before the first error.
  for (const result of RECONCILE_RESULTS) reconciles.inc({ result }, 0);
  const customerSynced = new client.Gauge({
    name: 'onboarder_customer_synced',
    help: '1 when the customer is Synced (the last pass left nothing of it out of sync), 0 otherwise; one series per customer (account: account-wide objects with drift).',
    labelNames: ['customer'] as const,
    ...register,
  });
  const buildInfo = new client.Gauge({
    name: 'onboarder_build_info',
    help: 'The running build (value is always 1).',
    labelNames: ['version', 'node'] as const,
    ...register,
  });
  if (build) buildInfo.set({ version: build.version, node: build.node }, 1);
  // The contract's name for machine credentials' OAuth secrets. onboarder does not manage such secrets yet (no
  // kind creates one), so the gauge has no series; it is registered so the alert on it and dashboards stay valid.
  new client.Gauge({
    name: 'onboarder_secret_expiry_timestamp_seconds',
    help: 'When a machine credential\'s OAuth secret expires (unix seconds), per customer and principal.',
    labelNames: ['customer', 'principal'] as const,
    ...register,
  });
  const reconcileDuration = new client.Histogram({
    name: 'onboarder_reconcile_duration_seconds',
    help: 'Duration of one reconcile pass.',
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    ...register,
  });
  const actions = new client.Counter({
    name: 'onboarder_actions_total',
    help: 'Corrective actions executed, by kind, change and result.',
    labelNames: ['kind', 'change', 'result'] as const,
    ...register,
  });
  const apiRequests = new client.Counter({
    name: 'onboarder_api_requests_total',
    help: 'Databricks API requests (each attempt), by family, method and status code.',
    labelNames: ['family', 'method', 'code'] as const,
    ...register,
  });
  const apiDuration = new client.Histogram({
    name: 'onboarder_api_request_duration_seconds',
    help: 'Duration of Databricks API requests, by family.',
    labelNames: ['family'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ...register,
  });
  const throttled = new client.Counter({
    name: 'onboarder_api_throttled_total',
    help: 'Throttling answers (429) received, by family.',
    labelNames: ['family'] as const,
    ...register,
  });
  const desiredValid = new client.Gauge({
    name: 'onboarder_desired_state_valid',
    help: '1 when the newest desired-state revision is valid, 0 when it was rejected.',
    ...register,
  });
  const revisionInfo = new client.Gauge({
    name: 'onboarder_desired_state_revision_info',
    help: 'The desired-state revision in force (value is always 1).',
    labelNames: ['revision'] as const,
    ...register,
  });
  const lastSuccess = new client.Gauge({
    name: 'onboarder_last_success_timestamp_seconds',
    help: 'Unix time of the last reconcile that converged without errors.',
    ...register,
  });
  const isLeader = new client.Gauge({
    name: 'onboarder_is_leader',
    help: '1 when this instance holds the leader lease (always 1 without leader election).',
    ...register,
  });

  const telemetry: ApiTelemetry = {
    requestFinished: ({ family, method, code, seconds }) => {
      apiRequests.inc({ family, method, code });
      apiDuration.observe({ family }, seconds);
    },
    throttled: (family: ApiFamily) => throttled.inc({ family }),
  };

  return {
    registry,
    telemetry,
    /**
     * The guards' gauges from the plan, and the drift gauge from `items`
     * (passDrift: what the pass left out of sync; by default the unapplied
     * plan's, as `onboarder plan` reports what it would change).
     */
    recordPlan(plan: Plan, items: readonly DriftItem[] = passDrift(plan)) {
      deletionsBlocked.set(plan.pruneBlocked?.deletes ?? 0);
      membershipRemovalsBlocked.set(plan.membershipRemovalsBlocked?.removals ?? 0);
      drift.reset();
      for (const item of items) drift.inc({ customer: item.customer, kind: item.kind, change: item.change });
    },
    /** One series per customer listed; customers no longer listed (no longer declared) lose theirs. */
    recordSync(customers: readonly Pick<CustomerSync, 'name' | 'status'>[]) {
      customerSynced.reset();
      for (const customer of customers) customerSynced.set({ customer: customer.name }, customer.status === 'Synced' ? 1 : 0);
    },
    recordAction(result: ActionResult) {
      if (result.outcome === 'skipped') return;
      actions.inc({ kind: result.action.kind, change: result.action.change, result: result.outcome === 'succeeded' ? 'success' : 'error' });
    },
    /**
     * The per-customer failure gauge after one applied pass. A customer whose
     * actions ran, or that has nothing left to do, shows this pass's failures
     * (none: it recovered); one whose actions were held out (backoff) keeps
     * what it showed, so its alert does not flicker while it waits.
     */
    recordFailures(plan: Plan, results: readonly ActionResult[]) {
      const ran = new Set(results.filter((r) => r.outcome !== 'skipped').map((r) => customerOf(r.action)));
      const pending = new Set(plan.actions.filter((a) => a.status === 'pending').map(customerOf));
      for (const customer of [...failing.keys()]) if (ran.has(customer) || !pending.has(customer)) failing.delete(customer);
      for (const result of results) {
        if (result.outcome === 'failed') failing.set(customerOf(result.action), [...(failing.get(customerOf(result.action)) ?? []), result]);
      }
      customerFailures.reset();
      for (const [customer, failures] of failing) {
        for (const { action, errorCode } of failures) customerFailures.inc({ customer, kind: action.kind, error_code: errorCode ?? 'UNKNOWN' });
      }
    },
    /** A follower applies nothing: what it showed as the leader is no longer news. */
    clearFailures() {
      failing.clear();
      customerFailures.reset();
    },
    recordReconcile(result: 'success' | 'error' | 'rejected', seconds: number, now: Date = new Date()) {
      reconciles.inc({ result });
      reconcileDuration.observe(seconds);
      if (result === 'success') lastSuccess.set(now.getTime() / 1000);
    },
    recordRevision(revision: string | null, valid: boolean) {
      desiredValid.set(valid ? 1 : 0);
      if (revision !== null) {
        revisionInfo.reset();
        revisionInfo.set({ revision }, 1);
      }
    },
    setLeader(leader: boolean) {
      isLeader.set(leader ? 1 : 0);
    },
  };
}
