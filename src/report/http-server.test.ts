import { execFile } from 'node:child_process';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTRACT_METRICS } from '../../test/support/contract.js';
import { INSTALL_HINTS, requireTool } from '../../test/support/tools.js';
import type { ActionResult } from '../apply/executor.js';
import type { Action, ActionKind, Change, Plan } from '../domain/plan.js';
import { startControllerHttpServer, type ControllerHttpServer, type ControllerStatus } from './http-server.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { DriftItem } from './drift.js';
import { statusPage } from './status-page.js';

/** behaviour.md's metrics table: the labels of each contract metric. */
const CONTRACT_LABELS: Record<(typeof CONTRACT_METRICS)[number], string[]> = {
  onboarder_drift_objects: ['customer', 'kind', 'change'],
  onboarder_reconcile_total: ['result'],
  onboarder_reconcile_duration_seconds: [],
  onboarder_actions_total: ['kind', 'change', 'result'],
  onboarder_api_requests_total: ['family', 'method', 'code'],
  onboarder_api_request_duration_seconds: ['family'],
  onboarder_api_throttled_total: ['family'],
  onboarder_desired_state_valid: [],
  onboarder_desired_state_revision_info: ['revision'],
  onboarder_last_success_timestamp_seconds: [],
  onboarder_is_leader: [],
  onboarder_customer_synced: ['customer'],
  onboarder_customer_failed_actions: ['customer', 'kind', 'error_code'],
  onboarder_deletions_blocked: [],
  onboarder_secret_expiry_timestamp_seconds: ['customer', 'principal'],
  onboarder_build_info: ['version', 'node'],
};
/** Registered, but no kind makes OAuth secrets yet: a TYPE line and no sample. */
const NO_SERIES_YET = new Set<string>(['onboarder_secret_expiry_timestamp_seconds']);

const idle: ControllerStatus = {
  ready: false,
  leader: true,
  leadership: { election: false, replica: 'onboarder-0', holder: null },
  observe: { mode: 'apply', kinds: [] },
  revision: null,
  rejected: null,
  lastReconcile: null,
  customers: [],
  drift: [],
  nextResyncAt: null,
};

const driftItem = (customer: string, kind: ActionKind, change: Change, target: string): DriftItem => ({ customer, kind, change, target, state: 'failed', before: null, after: null, details: [] });

function action(kind: ActionKind, change: Change, customer: string | null, target: string, status: Action['status'] = 'pending'): Action {
  return {
    id: `${kind}:${target}`,
    kind,
    change,
    customer,
    target,
    before: null,
    after: null,
    details: [],
    dependsOn: [],
    wave: 0,
    status,
    op: { type: 'createGroup', displayName: target },
  };
}

/** Touches every metric through the Metrics API, so that each one is scraped with labels. */
function exerciseEveryMetric(metrics: Metrics): void {
  const actions = [
    action('group', 'create', 'acme', 'customer-acme-analysts'),
    action('membership', 'update', 'acme', 'customer-acme-analysts members'),
    action('grants', 'delete', 'globex', 'catalog globex_main'),
    action('user', 'create', null, 'jane.doe@acmecorp.com', 'waiting'),
    action('membership', 'update', 'globex', 'idp-group members', 'reported'),
  ];
  const plan: Plan = { actions, summary: { create: 1, update: 1, delete: 1, waiting: 1, reported: 1, blocked: 0 }, issues: [] };
  metrics.recordPlan(plan);
  const result = (a: Action, outcome: ActionResult['outcome']): ActionResult => ({ action: a, outcome, seconds: 0.2 });
  metrics.recordAction(result(actions[0]!, 'succeeded'));
  metrics.recordAction(result(actions[1]!, 'failed'));
  metrics.recordAction(result(actions[2]!, 'skipped'));
  metrics.recordReconcile('success', 1.5, new Date('2026-12-02T10:00:00Z'));
  metrics.recordReconcile('error', 2.5);
  metrics.recordReconcile('rejected', 0.01);
  metrics.recordRevision('abc123', true);
  metrics.setLeader(true);
  metrics.recordFailures(plan, [result(actions[1]!, 'failed')]);
  metrics.recordSync([
    { name: 'acme', status: 'Failed' },
    { name: 'globex', status: 'Synced' },
  ]);
  metrics.telemetry.requestFinished({ family: 'account-scim', method: 'GET', code: '200', seconds: 0.05 });
  metrics.telemetry.requestFinished({ family: 'unity-catalog', method: 'PATCH', code: '429', seconds: 0.2 });
  metrics.telemetry.requestFinished({ family: 'workspace-scim', method: 'POST', code: 'ECONNRESET', seconds: 1 });
  metrics.telemetry.throttled('unity-catalog');
}

interface PromtoolResult {
  code: number;
  output: string;
}

/** `promtool check metrics` with the scraped text on stdin; null when promtool is not installed. */
function promtoolCheck(text: string): Promise<PromtoolResult | null> {
  return new Promise((resolve, reject) => {
    const child = execFile('promtool', ['check', 'metrics'], { timeout: 15_000 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(null);
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, output });
    });
    // An absent binary closes stdin at once; the ENOENT above is the answer, not this write's EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(text);
  });
}

describe('the controller HTTP server', () => {
  let status: ControllerStatus;
  let metrics: Metrics;
  let server: ControllerHttpServer;
  const get = async (path: string, method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' = 'GET') => {
    const response = await request(`${server.url}${path}`, { method });
    return {
      status: response.statusCode,
      type: String(response.headers['content-type']),
      headers: response.headers,
      body: await response.body.text(),
    };
  };

  beforeEach(async () => {
    status = { ...idle };
    metrics = createMetrics({ version: '1.2.3', node: process.version });
    server = await startControllerHttpServer({ port: 0, host: '127.0.0.1', metrics, status: () => status, logger: pino({ level: 'silent' }) });
  });
  afterEach(() => server.close());

  it('is alive at once, whatever the status says', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8', body: 'ok\n' });
    status = { ...status, ready: false, revision: null };
    expect((await get('/healthz')).status).toBe(200);
  });

  it('flips /readyz with the status and says in one line why it is not ready', async () => {
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'not ready: no valid revision loaded yet\n' });
    status = { ...status, rejected: { id: 'bad1', at: new Date(0), errors: ['a.yaml:1:1: nope'], issues: [{ file: 'a.yaml', line: 1, column: 1, path: '', code: 'YAML_SYNTAX', message: 'nope' }] } };
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'not ready: no valid revision loaded yet (revision bad1 was rejected)\n' });
    status = { ...status, rejected: null, revision: { id: 'abc123', loadedAt: new Date(0) } };
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'not ready: Databricks not reached yet\n' });
    status = { ...status, ready: true };
    expect(await get('/readyz')).toMatchObject({ status: 200, body: 'ready\n' });
    status = { ...status, ready: false };
    expect((await get('/readyz')).status).toBe(503);
  });

  it('serves the registry at /metrics with its content type', async () => {
    const scraped = await get('/metrics');
    expect(scraped.status).toBe(200);
    expect(scraped.type).toBe(metrics.registry.contentType);
    expect(scraped.body).toContain('# TYPE onboarder_reconcile_total counter');
    expect(scraped.body).toContain('process_cpu_seconds_total');
  });

  it('serves the status as JSON', async () => {
    status = {
      ...status,
      ready: true,
      revision: { id: 'abc123', loadedAt: new Date('2026-12-02T10:00:00Z') },
      nextResyncAt: new Date('2026-12-02T10:10:00Z'),
      drift: [driftItem('acme', 'group', 'create', 'customer-acme-analysts')],
    };
    const response = await get('/status.json');
    expect(response).toMatchObject({ status: 200, type: 'application/json; charset=utf-8' });
    expect(JSON.parse(response.body)).toEqual({
      ready: true,
      leader: true,
      leadership: { election: false, replica: 'onboarder-0', holder: null },
      observe: { mode: 'apply', kinds: [] },
      revision: { id: 'abc123', loadedAt: '2026-12-02T10:00:00.000Z' },
      rejected: null,
      lastReconcile: null,
      customers: [],
      drift: [{ customer: 'acme', kind: 'group', change: 'create', target: 'customer-acme-analysts', state: 'failed', before: null, after: null, details: [] }],
      nextResyncAt: '2026-12-02T10:10:00.000Z',
    });
  });

  it('answers 404 for unknown paths and 405 for methods other than GET and HEAD', async () => {
    expect(await get('/nope')).toMatchObject({ status: 404, body: 'not found\n' });
    expect((await get('/metrics/extra')).status).toBe(404);
    expect((await get('//')).status).toBe(404);
    expect((await get('/healthz?probe=1')).status).toBe(200);
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      const response = await get('/metrics', method);
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
    }
  });

  it('answers HEAD without a body', async () => {
    expect(await get('/healthz', 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect(await get('/', 'HEAD')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '' });
    expect((await get('/readyz', 'HEAD')).status).toBe(503);
  });

  it('answers 500 when the status cannot be read, and keeps serving', async () => {
    await server.close();
    server = await startControllerHttpServer({
      port: 0,
      host: '127.0.0.1',
      metrics,
      status: () => {
        throw new Error('broken');
      },
      logger: pino({ level: 'silent' }),
    });
    expect(await get('/readyz')).toMatchObject({ status: 500, body: 'internal error\n' });
    expect((await get('/healthz')).status).toBe(200);
  });

  it('serves a self-contained status page with every value escaped', async () => {
    status = {
      ...idle,
      ready: true,
      leader: false,
      leadership: { election: true, replica: 'onboarder-1', holder: 'onboarder-0' },
      revision: { id: 'abc123', loadedAt: new Date('2026-12-02T10:00:00Z') },
      rejected: {
        id: 'def456',
        at: new Date('2026-12-02T10:05:00Z'),
        errors: ['roster.yaml:3:7: spec.users[0]: YAML syntax error: <oops>'],
        issues: [{ file: 'roster.yaml', line: 3, column: 7, path: 'spec.users[0]', code: 'YAML_SYNTAX', message: 'YAML syntax error: <oops>' }],
      },
      lastReconcile: {
        id: 'pass0001',
        revision: 'abc123',
        startedAt: new Date('2026-12-02T10:01:00Z'),
        finishedAt: new Date('2026-12-02T10:01:02.5Z'),
        result: 'error',
        summary: { create: 3, update: 2, delete: 1, waiting: 4, reported: 5, blocked: 0 },
        failed: 1,
        error: 'grants on <catalog> failed & retried',
      },
      customers: [
        { name: 'acme', status: 'Failed', reason: '1 action failed: <boom>', drift: 1, lastSyncedAt: null, lastError: '<boom>', backoffUntil: null },
        { name: 'account', status: 'OutOfSync', reason: '1 object out of sync', drift: 1, lastSyncedAt: null, lastError: null, backoffUntil: null },
      ],
      drift: [driftItem('acme', 'membership', 'update', '<script>alert(1)</script>'), driftItem('account', 'user', 'create', "jane.o'brien@acmecorp.com")],
      nextResyncAt: new Date('2026-12-02T10:11:00Z'),
    };
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(page.body).toContain('follower (observes only)');
    expect(page.body).toContain('<code>abc123</code>');
    expect(page.body).toContain('<code>def456</code>');
    expect(page.body).toContain('roster.yaml:3:7: spec.users[0]: YAML syntax error: &lt;oops&gt;');
    expect(page.body).toContain('grants on &lt;catalog&gt; failed &amp; retried');
    expect(page.body).toContain('&lt;boom&gt;');
    expect(page.body).toContain('2026-12-02T10:11:00.000Z');
    expect(page.body).toContain('Replica <code>onboarder-1</code> (a follower); Lease holder: <code>onboarder-0</code>');
    expect(page.body).toContain('Pass <code>pass0001</code> with content <code>abc123</code>');
    // The drift items are on each customer's page, escaped the same way.
    const acme = await get('/customers/acme');
    expect(acme).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(acme.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(acme.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(acme.body).not.toMatch(/<script/i);
    expect((await get('/customers/account')).body).toContain('jane.o&#39;brien@acmecorp.com');
    expect((await get('/customers/nobody')).status).toBe(404);
    expect((await get('/customers/%E0%A4%A')).status).toBe(400);
    expect(page.body).toContain('took 2.5s');
    for (const n of ['3', '2', '1', '4', '5']) expect(page.body).toContain(`<td>${n}</td>`);
    for (const link of ['/metrics', '/healthz', '/readyz']) expect(page.body).toContain(`href="${link}"`);
    expect(page.body).not.toMatch(/<script/i);
    // Self-contained: no asset is fetched from anywhere.
    expect(page.body).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(page.body).not.toMatch(/<link\b/);
  });

  it('tells blocked deletions and held membership removals apart', () => {
    const page = statusPage({
      ...idle,
      lastReconcile: {
        id: 'pass0001',
        revision: 'abc123',
        startedAt: new Date('2026-12-02T10:01:00Z'),
        finishedAt: new Date('2026-12-02T10:01:01Z'),
        result: 'success',
        // 12 deletions and 2 groups' held removals: 14 blocked actions.
        summary: { create: 0, update: 0, delete: 0, waiting: 0, reported: 0, blocked: 14 },
        failed: 0,
        deletionsBlocked: 'deletion blocked: 12 deletions exceed the budget',
        membershipRemovalsBlocked: { removals: 7, groups: ['customer-acme-analysts', 'customer-acme-engineers'], reason: 'membership removals blocked: <why>' },
        confirmToken: '3f9c0a1b2d4e',
      },
    });
    expect(page).toContain('12 deletions blocked</span> deletion blocked: 12 deletions exceed the budget');
    expect(page).toContain('7 membership removals blocked</span> membership removals blocked: &lt;why&gt;');
    expect(page).toContain('<code>onboarder apply --confirm-deletions=3f9c0a1b2d4e</code>');
  });

  it('shows an empty status plainly', () => {
    const page = statusPage(idle);
    expect(page).toContain('No valid revision loaded yet.');
    expect(page).toContain('No reconcile has run yet.');
    expect(page).toContain('leader (writes)');
    expect(page).toContain('not scheduled');
    expect(page).not.toContain('Rejected revision');
  });

  it('scrapes every contract metric with its labels', async () => {
    exerciseEveryMetric(metrics);
    const text = (await get('/metrics')).body;
    for (const name of CONTRACT_METRICS) {
      const labels = CONTRACT_LABELS[name];
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
      const sample = text.split('\n').find((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`) || line.startsWith(`${name}_count`));
      if (NO_SERIES_YET.has(name)) {
        expect(sample, `${name} has no series yet`).toBeUndefined();
        continue;
      }
      expect(sample, `a sample of ${name}`).toBeDefined();
      for (const label of labels) expect(sample, `${name} has label ${label}`).toContain(`${label}="`);
    }
    expect(text).toContain('onboarder_drift_objects{customer="acme",kind="group",change="create"} 1');
    expect(text).toContain('onboarder_drift_objects{customer="account",kind="user",change="create"} 1');
    expect(text).toContain('onboarder_customer_synced{customer="acme"} 0');
    expect(text).toContain('onboarder_customer_synced{customer="globex"} 1');
    expect(text).toMatch(/^onboarder_build_info\{version="1\.2\.3",node="v\d+\.\d+\.\d+"\} 1$/m);
    expect(text).not.toContain('customer="globex",kind="membership"'); // reported drift is not drift apply would fix
    expect(text).toContain('onboarder_actions_total{kind="membership",change="update",result="error"} 1');
    for (const result of ['success', 'error', 'rejected']) expect(text).toContain(`onboarder_reconcile_total{result="${result}"} 1`);
    expect(text).toContain('onboarder_api_requests_total{family="unity-catalog",method="PATCH",code="429"} 1');
    expect(text).toContain('onboarder_api_throttled_total{family="unity-catalog"} 1');
    expect(text).toContain('onboarder_desired_state_revision_info{revision="abc123"} 1');
    expect(text).toContain('onboarder_last_success_timestamp_seconds 1796205600');
    expect(text).toContain('onboarder_is_leader 1');
  });

  it('exports the series alerts use from the start, zero-valued, so absent() and rate() behave', async () => {
    const text = (await get('/metrics')).body;
    for (const result of ['success', 'error', 'rejected']) expect(text).toContain(`onboarder_reconcile_total{result="${result}"} 0`);
    expect(text).toMatch(/^onboarder_deletions_blocked 0$/m);
    expect(text).toMatch(/^onboarder_build_info\{version="1\.2\.3",node="v[\d.]+"\} 1$/m);
    // A customer's series goes when it is no longer declared.
    metrics.recordSync([{ name: 'acme', status: 'Synced' }, { name: 'globex', status: 'OutOfSync' }]);
    metrics.recordSync([{ name: 'acme', status: 'Synced' }]);
    const after = (await get('/metrics')).body;
    expect(after).toContain('onboarder_customer_synced{customer="acme"} 1');
    expect(after).not.toContain('customer="globex"');
  });

  it.skipIf(!requireTool('promtool', INSTALL_HINTS.promtool))('serves /metrics text that passes `promtool check metrics`', async () => {
    exerciseEveryMetric(metrics);
    const text = (await get('/metrics')).body;
    const checked = await promtoolCheck(text);
    // Only with ONBOARDER_REQUIRE_TOOLS=1 does this test run without promtool.
    if (checked === null) expect.fail(`promtool is not installed: ${INSTALL_HINTS.promtool}`);
    expect(checked.output.trim(), 'promtool reported lint problems').toBe('');
    expect(checked.code).toBe(0);
  });
});
