import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { accountScim, call, ucPath, workspaceScim } from './test-helpers.js';

const WS = '1234567890123456';
const OTHER = '2222222222222222';
let sim: Simulator;
let clock: number;

async function start(options: { ucPageSize?: number } = {}) {
  await sim?.close();
  clock = 7_000_000;
  sim = createSimulator({ workspaces: [{ workspaceId: WS }, { workspaceId: OTHER }], now: () => clock, ...options });
  await sim.listen();
}
beforeEach(() => start());
afterEach(() => sim.close());

const uc = (method: string, resource: string, body?: unknown, workspaceId = WS) =>
  call(sim, method, ucPath(resource), body === undefined ? { workspaceId } : { workspaceId, body });

/** Follows next_page_token to the end; returns every page. */
async function pages(resource: string, field: string, workspaceId = WS): Promise<string[][]> {
  const result: string[][] = [];
  let token: string | undefined;
  do {
    const separator = resource.includes('?') ? '&' : '?';
    const response = await uc('GET', `${resource}${token ? `${separator}page_token=${encodeURIComponent(token)}` : ''}`, undefined, workspaceId);
    expect(response.status).toBe(200);
    result.push((response.body[field] ?? []).map((item: { name: string }) => item.name));
    token = response.body.next_page_token;
    expect(result.length).toBeLessThan(50);
  } while (token);
  return result;
}

describe('catalogs', () => {
  it('creates a catalog owned by the caller, OPEN, with a default schema', async () => {
    const created = await uc('POST', 'catalogs', { name: 'Sales', comment: 'team sales', properties: { team: 'sales' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: 'sales',
      full_name: 'sales',
      owner: sim.state.controller.applicationId,
      comment: 'team sales',
      properties: { team: 'sales' },
      isolation_mode: 'OPEN',
      catalog_type: 'MANAGED_CATALOG',
      securable_type: 'CATALOG',
      metastore_id: sim.state.uc.metastoreId,
      created_at: clock,
      created_by: sim.state.controller.applicationId,
    });
    const schema = await uc('GET', 'schemas/SALES.default');
    expect(schema.status).toBe(200);
    expect(schema.body).toMatchObject({ name: 'default', catalog_name: 'sales', full_name: 'sales.default' });
    expect(sim.state.uc.schemas('sales').map((s) => s.name)).toEqual(['default']);
  });

  it('refuses owner and isolation_mode on create: they need a PATCH afterwards', async () => {
    for (const extra of [{ owner: sim.state.controller.applicationId }, { isolation_mode: 'ISOLATED' }]) {
      const refused = await uc('POST', 'catalogs', { name: 'c', ...extra });
      expect(refused.status).toBe(400);
      expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(refused.body.message).toContain(Object.keys(extra)[0]);
    }
    expect(sim.state.uc.catalog('c')).toBeUndefined();
    const group = sim.state.createGroup({ displayName: 'Data Owners' });
    await uc('POST', 'catalogs', { name: 'c' });
    const patched = await uc('PATCH', 'catalogs/c', { owner: 'data owners', isolation_mode: 'ISOLATED' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ owner: group.displayName, isolation_mode: 'ISOLATED' });
  });

  it('names are case-insensitive and validated; errors carry UC codes', async () => {
    await uc('POST', 'catalogs', { name: 'main' });
    const duplicate = await uc('POST', 'catalogs', { name: 'MAIN' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error_code).toBe('CATALOG_ALREADY_EXISTS');
    const missing = await uc('GET', 'catalogs/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error_code: 'CATALOG_DOES_NOT_EXIST', message: "Catalog 'nope' does not exist." });
    for (const body of [{}, { name: '' }, { name: 'a.b' }, { name: 'a b' }, { name: 42 }]) {
      const bad = await uc('POST', 'catalogs', body);
      expect(bad.status).toBe(400);
      expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    // At most 255 characters: the boundary is created, one more is refused.
    expect((await uc('POST', 'catalogs', { name: 'n'.repeat(255) })).status).toBe(200);
    const tooLong = await uc('POST', 'catalogs', { name: 'n'.repeat(256) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('maximum is 255') });
    expect((await uc('POST', 'schemas', { catalog_name: 'main', name: 's'.repeat(256) })).status).toBe(400);
    const malformed = await uc('POST', 'catalogs', '{not json');
    expect(malformed.status).toBe(400);
    expect((await uc('GET', 'catalogs/Main')).body.name).toBe('main');
  });

  it('PATCH clears the comment with "", replaces properties, renames, validates enums and owners', async () => {
    await uc('POST', 'catalogs', { name: 'old', comment: 'c', properties: { a: '1', b: '2' } });
    await uc('POST', 'schemas', { catalog_name: 'old', name: 'raw' });
    sim.state.uc.grant('schema', 'old.raw', 'account users', ['USE_SCHEMA']);
    const patched = await uc('PATCH', 'catalogs/old', { comment: '', properties: { c: '3' }, new_name: 'New' });
    expect(patched.status).toBe(200);
    expect(patched.body.comment).toBeUndefined();
    expect(patched.body).toMatchObject({ name: 'new', properties: { c: '3' } });
    expect((await uc('GET', 'catalogs/old')).status).toBe(404);
    expect((await uc('GET', 'schemas/new.raw')).status).toBe(200);
    expect(sim.state.uc.grants('schema', 'new.raw')).toEqual([{ principal: 'account users', privileges: ['USE_SCHEMA'] }]);

    const badMode = await uc('PATCH', 'catalogs/new', { isolation_mode: 'ISOLATION_MODE_ISOLATED' });
    expect(badMode.status).toBe(400);
    const admins = await uc('PATCH', 'catalogs/new', { owner: 'admins', comment: 'must not apply' });
    expect(admins.status).toBe(400);
    expect(admins.body).toEqual({ error_code: 'PRINCIPAL_DOES_NOT_EXIST', message: 'Could not find principal with name admins' });
    expect(sim.state.uc.catalog('new')?.comment).toBeUndefined();
  });

  it('deleting a catalog with schemas other than default needs force=true', async () => {
    await uc('POST', 'catalogs', { name: 'full' });
    await uc('POST', 'schemas', { catalog_name: 'full', name: 'raw' });
    const refused = await uc('DELETE', 'catalogs/full');
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('INVALID_STATE');
    expect(refused.body.message).toContain('not empty');
    expect(sim.state.uc.catalog('full')).toBeDefined();
    expect((await uc('DELETE', 'catalogs/full?force=true')).status).toBe(200);
    expect(sim.state.uc.catalog('full')).toBeUndefined();
    expect(sim.state.uc.schemas('full')).toEqual([]);

    await uc('POST', 'catalogs', { name: 'only_default' });
    expect((await uc('DELETE', 'catalogs/only_default')).status).toBe(200);
    expect((await uc('DELETE', 'catalogs/only_default')).body.error_code).toBe('CATALOG_DOES_NOT_EXIST');
  });
});

describe('pagination', () => {
  beforeEach(() => start({ ucPageSize: 2 }));

  it('follows next_page_token; the server page size applies to max_results 0 and unset, and caps larger values', async () => {
    for (const name of ['e', 'a', 'd', 'b', 'c']) sim.state.uc.createCatalog({ name });
    expect(await pages('catalogs?max_results=0', 'catalogs')).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(await pages('catalogs', 'catalogs')).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(await pages('catalogs?max_results=1', 'catalogs')).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
    expect((await pages('catalogs?max_results=100', 'catalogs'))[0]).toEqual(['a', 'b']);
  });

  it('a page may be empty yet carry a token', async () => {
    for (const name of ['a', 'b', 'c']) sim.state.uc.createCatalog({ name });
    // Isolating a and b without binding WS hides them from WS: the first page scans them and shows nothing.
    for (const name of ['a', 'b']) sim.state.uc.updateCatalog(name, { isolationMode: 'ISOLATED' });
    const first = await uc('GET', 'catalogs?max_results=0');
    expect(first.body.catalogs).toBeUndefined();
    expect(typeof first.body.next_page_token).toBe('string');
    expect(await pages('catalogs', 'catalogs')).toEqual([[], ['c']]);
  });

  it('listLagMs hides fresh catalogs from lists, not from GET', async () => {
    sim.faults.listLagMs = 1_000;
    await uc('POST', 'catalogs', { name: 'fresh' });
    expect((await uc('GET', 'catalogs')).body).toEqual({});
    expect((await uc('GET', 'catalogs/fresh')).status).toBe(200);
    clock += 1_000;
    expect(await pages('catalogs', 'catalogs')).toEqual([['fresh']]);
  });

  it('refuses negative max_results and foreign page tokens', async () => {
    const negative = await uc('GET', 'catalogs?max_results=-1');
    expect(negative.status).toBe(400);
    expect(negative.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await uc('GET', 'catalogs?max_results=two')).status).toBe(400);
    expect((await uc('GET', 'catalogs?page_token=garbage')).status).toBe(400);
  });

  it('paginates schemas too', async () => {
    sim.state.uc.createCatalog({ name: 'c' });
    for (const name of ['s1', 's2', 's3']) sim.state.uc.createSchema({ catalogName: 'c', name });
    expect(await pages('schemas?catalog_name=c', 'schemas')).toEqual([['default', 's1'], ['s2', 's3']]);
  });
});

describe('schemas', () => {
  it('create, get, list, update and delete', async () => {
    await uc('POST', 'catalogs', { name: 'c' });
    const created = await uc('POST', 'schemas', { catalog_name: 'C', name: 'Raw', comment: 'landing', properties: { k: 'v' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'raw', catalog_name: 'c', full_name: 'c.raw', owner: sim.state.controller.applicationId, comment: 'landing' });
    expect((await uc('POST', 'schemas', { catalog_name: 'c', name: 'raw' })).body.error_code).toBe('SCHEMA_ALREADY_EXISTS');
    expect((await uc('GET', 'schemas?catalog_name=c')).body.schemas.map((s: { full_name: string }) => s.full_name)).toEqual(['c.default', 'c.raw']);

    const user = sim.state.createUser({ userName: 'Ann@Example.com' });
    const patched = await uc('PATCH', 'schemas/c.raw', { owner: 'ann@example.com', comment: '', properties: {} });
    expect(patched.status).toBe(200);
    expect(patched.body.owner).toBe(user.userName);
    expect(patched.body.comment).toBeUndefined();

    expect((await uc('DELETE', 'schemas/c.raw?force=true')).status).toBe(200);
    const gone = await uc('GET', 'schemas/c.raw');
    expect(gone.status).toBe(404);
    expect(gone.body.error_code).toBe('SCHEMA_DOES_NOT_EXIST');
  });

  it('list needs catalog_name; unknown catalogs answer CATALOG_DOES_NOT_EXIST', async () => {
    expect((await uc('GET', 'schemas')).status).toBe(400);
    expect((await uc('GET', 'schemas?catalog_name=nope')).body.error_code).toBe('CATALOG_DOES_NOT_EXIST');
    expect((await uc('POST', 'schemas', { catalog_name: 'nope', name: 's' })).body.error_code).toBe('CATALOG_DOES_NOT_EXIST');
    expect((await uc('POST', 'schemas', { name: 's' })).status).toBe(400);
    expect((await uc('GET', 'schemas/no_dot')).status).toBe(400);
  });
});

describe('catalog isolation', () => {
  it('switching to ISOLATED while unbound is allowed and hides the catalog from the caller until it binds itself', async () => {
    await uc('POST', 'catalogs', { name: 'iso' });
    const isolated = await uc('PATCH', 'catalogs/iso', { isolation_mode: 'ISOLATED' });
    expect(isolated.status).toBe(200);
    expect(isolated.body.isolation_mode).toBe('ISOLATED');

    const denied = await uc('GET', 'catalogs/iso');
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error_code: 'PERMISSION_DENIED', message: "Catalog 'iso' is not accessible in current workspace" });
    expect((await uc('GET', 'catalogs')).body).toEqual({});
    expect((await uc('GET', 'catalogs?include_unbound=true')).body.catalogs.map((c: { name: string }) => c.name)).toEqual(['iso']);
    expect((await uc('GET', 'schemas?catalog_name=iso')).status).toBe(403);
    expect((await uc('GET', 'schemas/iso.default')).status).toBe(403);
    expect((await uc('GET', 'permissions/catalog/iso')).status).toBe(403);
    expect((await uc('PATCH', 'catalogs/iso', { comment: 'x' })).status).toBe(403);

    const assignment = await uc('GET', 'current-metastore-assignment');
    const bound = await uc('PATCH', 'bindings/catalog/iso', { add: [{ workspace_id: assignment.body.workspace_id }] });
    expect(bound.status).toBe(200);
    expect((await uc('GET', 'catalogs/iso')).status).toBe(200);
    expect((await uc('GET', 'catalogs/iso', undefined, OTHER)).status).toBe(403);
    expect((await uc('GET', 'catalogs', undefined, OTHER)).body).toEqual({});

    await uc('PATCH', 'catalogs/iso', { isolation_mode: 'OPEN' });
    expect((await uc('GET', 'catalogs/iso', undefined, OTHER)).status).toBe(200);
  });

  it('a READ_ONLY binding refuses schema writes from that workspace', async () => {
    sim.state.uc.createCatalog({ name: 'shared' });
    sim.state.uc.updateCatalog('shared', { isolationMode: 'ISOLATED' });
    sim.state.uc.updateBindings('catalog', 'shared', {
      add: [
        { workspaceId: WS, bindingType: 'BINDING_TYPE_READ_WRITE' },
        { workspaceId: OTHER, bindingType: 'BINDING_TYPE_READ_ONLY' },
      ],
    });
    expect((await uc('GET', 'schemas/shared.default', undefined, OTHER)).status).toBe(200);
    const write = await uc('POST', 'schemas', { catalog_name: 'shared', name: 'x' }, OTHER);
    expect(write.status).toBe(403);
    expect(write.body.error_code).toBe('PERMISSION_DENIED');
    expect((await uc('DELETE', 'schemas/shared.default', undefined, OTHER)).status).toBe(403);
    expect((await uc('POST', 'schemas', { catalog_name: 'shared', name: 'x' })).status).toBe(200);
  });
});

describe('routing, auth and faults', () => {
  it('answers the current metastore assignment with a numeric workspace id', async () => {
    const response = await uc('GET', 'current-metastore-assignment', undefined, OTHER);
    expect(response.body).toEqual({ workspace_id: Number(OTHER), metastore_id: sim.state.uc.metastoreId, default_catalog_name: 'main' });
  });

  it('is a workspace API: needs the header and a token valid for that workspace', async () => {
    expect((await call(sim, 'GET', ucPath('catalogs'))).status).toBe(400);
    expect((await call(sim, 'GET', ucPath('catalogs'), { workspaceId: '404' })).status).toBe(404);
    expect((await call(sim, 'GET', ucPath('catalogs'), { workspaceId: WS, token: null })).status).toBe(401);
    const form = 'grant_type=client_credentials&scope=all-apis&client_id=onboarder-sp&client_secret=simulator-secret';
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const accountToken = (await call(sim, 'POST', `/oidc/accounts/${sim.accountId}/v1/token`, { body: form, headers, token: null })).body.access_token;
    const otherToken = (await call(sim, 'POST', '/oidc/v1/token', { body: form, headers, token: null, workspaceId: OTHER })).body.access_token;
    expect((await call(sim, 'GET', ucPath('catalogs'), { workspaceId: WS, token: accountToken })).status).toBe(403);
    expect((await call(sim, 'GET', ucPath('catalogs'), { workspaceId: WS, token: otherToken })).status).toBe(403);
    expect((await call(sim, 'GET', ucPath('catalogs'), { workspaceId: OTHER, token: otherToken })).status).toBe(200);
  });

  it('unmodelled UC routes answer 404 ENDPOINT_NOT_FOUND and are logged as unity-catalog', async () => {
    sim.clearRequests();
    const response = await uc('POST', 'storage-credentials', { name: 'x' });
    expect(response.status).toBe(404);
    expect(response.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    expect(sim.requests).toEqual([
      { method: 'POST', path: ucPath('storage-credentials'), query: '', family: 'unity-catalog', status: 404, workspaceId: WS, at: clock, body: JSON.stringify({ name: 'x' }) },
    ]);
  });

  it('fault knobs apply to the unity-catalog family', async () => {
    sim.faults.failNext(1, { status: 503, family: 'unity-catalog', method: 'POST' });
    expect((await uc('POST', 'catalogs', { name: 'c' })).status).toBe(503);
    expect(sim.state.uc.catalog('c')).toBeUndefined();
    expect((await uc('POST', 'catalogs', { name: 'c' })).status).toBe(200);

    sim.faults.rateLimit = { requestsPerSecond: 1, retryAfterSeconds: 3, families: ['unity-catalog'] };
    expect((await uc('GET', 'catalogs')).status).toBe(200);
    const limited = await uc('GET', 'catalogs');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect((await call(sim, 'GET', accountScim(sim, 'Groups'))).status).toBe(200);
    expect((await call(sim, 'GET', workspaceScim('Me'), { workspaceId: WS })).status).toBe(200);
    sim.faults.rateLimit = null;

    sim.faults.dropNext(1, { family: 'unity-catalog' });
    await expect(uc('GET', 'catalogs/c')).rejects.toThrow();
    expect(sim.requests.at(-1)).toMatchObject({ status: 0, family: 'unity-catalog', path: ucPath('catalogs/c') });
    expect((await uc('GET', 'catalogs/c')).status).toBe(200);
  });
});
