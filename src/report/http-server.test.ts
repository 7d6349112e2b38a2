import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControllerHttpServer, type ControllerHttpServer, type ControllerStatus } from './http-server.js';
import { createMetrics } from './metrics.js';

const idle: ControllerStatus = { ready: false, leader: true, revision: null, rejected: null, lastReconcile: null, drift: [], nextResyncAt: null };

describe('the controller HTTP server', () => {
  let status: ControllerStatus;
  let server: ControllerHttpServer;
  const get = async (path: string, method: 'GET' | 'POST' | 'HEAD' = 'GET') => {
    const response = await request(`${server.url}${path}`, { method });
    return { status: response.statusCode, type: String(response.headers['content-type']), body: await response.body.text() };
  };

  beforeEach(async () => {
    status = { ...idle };
    server = await startControllerHttpServer({ port: 0, host: '127.0.0.1', metrics: createMetrics(), status: () => status, logger: pino({ level: 'silent' }) });
  });
  afterEach(() => server.close());

  it('is alive at once and ready only with a revision and a Databricks answer', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'not ready: no valid revision loaded yet\n' });
    status = { ...status, revision: { id: 'abc123', loadedAt: new Date(0) } };
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'not ready: Databricks not reached yet\n' });
    status = { ...status, ready: true };
    expect(await get('/readyz')).toMatchObject({ status: 200, body: 'ready\n' });
  });

  it('serves Prometheus text, the status as JSON, 404 and 405', async () => {
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain('# TYPE onboarder_reconcile_total counter');
    expect(metrics.body).toContain('process_cpu_seconds_total');
    expect(JSON.parse((await get('/status.json')).body)).toMatchObject({ ready: false, leader: true, drift: [] });
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/metrics', 'POST')).status).toBe(405);
    expect(await get('/healthz', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('shows the status page with every value escaped', async () => {
    status = {
      ...status,
      ready: true,
      leader: false,
      revision: { id: 'abc123', loadedAt: new Date('2026-12-02T10:00:00Z') },
      rejected: { id: 'def456', at: new Date('2026-12-02T10:05:00Z'), errors: ['roster.yaml:3:7: YAML syntax error: <oops>'] },
      drift: [{ customer: 'acme', kind: 'membership', change: 'update', target: '<script>alert(1)</script>' }],
    };
    const page = await get('/');
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('follower (observes only)');
    expect(page.body).toContain('<code>abc123</code>');
    expect(page.body).toContain('YAML syntax error: &lt;oops&gt;');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>');
  });
});
