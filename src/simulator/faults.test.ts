import { setupServer } from 'msw/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { accountScim, assignmentsPath, call, workspaceScim } from './test-helpers.js';

const WS = '1234567890123456';
let sim: Simulator;
let clock: number;

beforeEach(async () => {
  clock = 5_000_000;
  sim = createSimulator({ now: () => clock });
  await sim.listen();
});
afterEach(() => sim.close());

const listGroups = () => call(sim, 'GET', accountScim(sim, 'Groups'));

describe('rateLimit', () => {
  it('answers 429 with Retry-After once the bucket is empty, and refills over time', async () => {
    sim.faults.rateLimit = { requestsPerSecond: 2, retryAfterSeconds: 7 };
    expect((await listGroups()).status).toBe(200);
    expect((await listGroups()).status).toBe(200);
    const limited = await listGroups();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    clock += 500;
    expect((await listGroups()).status).toBe(200);
    expect((await listGroups()).status).toBe(429);
    sim.faults.rateLimit = null;
    expect((await listGroups()).status).toBe(200);
  });

  it('limits only the listed families', async () => {
    sim.faults.rateLimit = { requestsPerSecond: 1, families: ['workspace-scim'] };
    for (let i = 0; i < 3; i++) expect((await listGroups()).status).toBe(200);
    expect((await call(sim, 'GET', workspaceScim('Me'), { workspaceId: WS })).status).toBe(200);
    expect((await call(sim, 'GET', workspaceScim('Me'), { workspaceId: WS })).status).toBe(429);
  });

  it('applies before auth', async () => {
    sim.faults.rateLimit = { requestsPerSecond: 1 };
    await listGroups();
    expect((await call(sim, 'GET', accountScim(sim, 'Groups'), { token: null })).status).toBe(429);
  });
});

describe('failNext', () => {
  it('fails only the next matching requests, with a body', async () => {
    sim.faults.failNext(2, { status: 503, method: 'GET', pathIncludes: '/Users' });
    expect((await listGroups()).status).toBe(200);
    const first = await call(sim, 'GET', accountScim(sim, 'Users'));
    expect(first.status).toBe(503);
    expect(first.body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
    expect((await call(sim, 'POST', accountScim(sim, 'Users'), { body: { userName: 'a@b.c' } })).status).toBe(201);
    expect((await call(sim, 'GET', accountScim(sim, 'Users'))).status).toBe(503);
    expect((await call(sim, 'GET', accountScim(sim, 'Users'))).status).toBe(200);
  });

  it('answers an injected 429 with Retry-After: 0, and matches by family', async () => {
    sim.faults.failNext(1, { status: 429, family: 'workspace-assignment' });
    expect((await listGroups()).status).toBe(200);
    const limited = await call(sim, 'GET', assignmentsPath(sim, WS));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('0');
    expect((await call(sim, 'GET', assignmentsPath(sim, WS))).status).toBe(200);
  });

  it('an injected failure does not run the business logic', async () => {
    sim.faults.failNext(1, { status: 500, method: 'POST' });
    expect((await call(sim, 'POST', accountScim(sim, 'Groups'), { body: { displayName: 'g' } })).status).toBe(500);
    expect(sim.state.findGroup('g')).toBeUndefined();
  });
});

describe('dropNext', () => {
  it('destroys the connection and records status 0', async () => {
    sim.faults.dropNext(1, { pathIncludes: '/Groups' });
    await expect(listGroups()).rejects.toThrow();
    expect(sim.requests.at(-1)).toMatchObject({ status: 0, family: 'account-scim', method: 'GET' });
    expect((await listGroups()).status).toBe(200);
  });
});

describe('chaos', () => {
  /** A scripted random source: the rolls come back in order. */
  const rolls = (...values: number[]) => () => values.shift() ?? 0.99;

  it('fails a request with a 5xx or drops it, by the roll', async () => {
    sim.faults.chaos = { errorRate: 0.1, dropRate: 0.05, random: rolls(0.07, 0.0, 0.01, 0.9, 0.5) };
    const failed = await listGroups();
    expect([500, 502, 503, 504]).toContain(failed.status);
    await expect(listGroups()).rejects.toThrow();
    expect(sim.requests.at(-1)).toMatchObject({ status: 0 });
    expect((await listGroups()).status).toBe(200);
  });

  it('a drop after handling loses the answer, not the write', async () => {
    sim.faults.chaos = { errorRate: 0, dropRate: 0.05, random: rolls(0.01, 0.1) };
    await expect(call(sim, 'POST', accountScim(sim, 'Groups'), { body: { displayName: 'kept' } })).rejects.toThrow();
    expect(sim.state.groups.map((g) => g.displayName)).toContain('kept');
    expect(sim.requests.at(-1)).toMatchObject({ status: 0, method: 'POST', body: JSON.stringify({ displayName: 'kept' }) });
  });

  it('a drop before handling loses both', async () => {
    sim.faults.chaos = { errorRate: 0, dropRate: 0.05, random: rolls(0.01, 0.9) };
    await expect(call(sim, 'POST', accountScim(sim, 'Groups'), { body: { displayName: 'lost' } })).rejects.toThrow();
    expect(sim.state.groups.map((g) => g.displayName)).not.toContain('lost');
  });
});

describe('latencyMs', () => {
  it('delays answers', async () => {
    sim.faults.latencyMs = 120;
    const started = performance.now();
    await listGroups();
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });
});

describe('listLagMs', () => {
  it('hides fresh objects from lists but not from GET by id', async () => {
    sim.faults.listLagMs = 1_000;
    const created = await call(sim, 'POST', accountScim(sim, 'Groups'), { body: { displayName: 'fresh' } });
    const listed = await call(sim, 'GET', `${accountScim(sim, 'Groups')}?filter=${encodeURIComponent('displayName eq "fresh"')}`);
    expect(listed.body.totalResults).toBe(0);
    expect((await call(sim, 'GET', `${accountScim(sim, 'Groups')}/${created.body.id}`)).status).toBe(200);
    clock += 1_000;
    expect((await listGroups()).body.Resources.map((g: { id: string }) => g.id)).toEqual([created.body.id]);
  });

  it('hides fresh assignments and workspace principals too', async () => {
    sim.faults.listLagMs = 1_000;
    const user = sim.state.createUser({ userName: 'ann@example.com' });
    sim.state.assign(WS, user.id, ['USER']);
    const assignments = await call(sim, 'GET', assignmentsPath(sim, WS));
    expect(assignments.body.permission_assignments.map((a: { principal: { principal_id: number } }) => a.principal.principal_id)).not.toContain(Number(user.id));
    expect((await call(sim, 'GET', workspaceScim('Users'), { workspaceId: WS })).body.totalResults).toBe(0);
    expect((await call(sim, 'GET', workspaceScim(`Users/${user.id}`), { workspaceId: WS })).status).toBe(200);
  });
});

describe('requests log', () => {
  it('records method, path, query, family, status and workspace in order, without tokens', async () => {
    sim.clearRequests();
    await call(sim, 'GET', `${accountScim(sim, 'Groups')}?startIndex=1&count=10`);
    await call(sim, 'GET', workspaceScim('Me'), { workspaceId: WS, token: 'wrong' });
    await call(sim, 'GET', assignmentsPath(sim, WS));
    expect(sim.requests).toEqual([
      { method: 'GET', path: accountScim(sim, 'Groups'), query: 'startIndex=1&count=10', family: 'account-scim', status: 200, at: clock },
      { method: 'GET', path: workspaceScim('Me'), query: '', family: 'workspace-scim', status: 401, workspaceId: WS, at: clock },
      { method: 'GET', path: assignmentsPath(sim, WS), query: '', family: 'workspace-assignment', status: 200, workspaceId: WS, at: clock },
    ]);
    sim.clearRequests();
    expect(sim.requests).toHaveLength(0);
  });

  it('faults.reset turns every knob off', async () => {
    sim.faults.latencyMs = 50;
    sim.faults.rateLimit = { requestsPerSecond: 1 };
    sim.faults.failNext(5, { status: 500 });
    sim.faults.dropNext(5);
    sim.faults.reset();
    for (let i = 0; i < 3; i++) expect((await listGroups()).status).toBe(200);
  });
});

describe('msw setupServer', () => {
  it('the same handlers answer global fetch in-process', async () => {
    const inProcess = createSimulator();
    const server = setupServer(...inProcess.handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      inProcess.state.createGroup({ displayName: 'via-msw' });
      const response = await fetch(`https://accounts.example.test/api/2.0/accounts/${inProcess.accountId}/scim/v2/Groups`, {
        headers: { authorization: 'Bearer dapi-simulator-token' },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { Resources: { displayName: string }[] };
      expect(body.Resources.map((g) => g.displayName)).toEqual(['via-msw']);
    } finally {
      server.close();
    }
  });
});
