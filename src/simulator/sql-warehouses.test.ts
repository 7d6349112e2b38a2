import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { call } from './test-helpers.js';

const WS = '1234567890123456';
const OTHER = '2222222222222222';
let sim: Simulator;
let clock: number;

beforeEach(async () => {
  clock = 5_000_000;
  sim = createSimulator({ workspaces: [{ workspaceId: WS }, { workspaceId: OTHER }], now: () => clock });
  await sim.listen();
});
afterEach(() => sim.close());

const api = (method: string, resource: string, body?: unknown, workspaceId = WS) =>
  call(sim, method, `/api/2.0/sql/warehouses${resource}`, body === undefined ? { workspaceId } : { workspaceId, body });
const create = async (body: Record<string, unknown>, workspaceId = WS): Promise<string> => {
  const response = await api('POST', '', body, workspaceId);
  expect(response.status).toBe(200);
  return response.body.id as string;
};

describe('create and get', () => {
  it('fills in the defaults and answers every field, the creator and connection details', async () => {
    const id = await create({ name: 'analytics', cluster_size: 'Small' });
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const got = await api('GET', `/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      id,
      name: 'analytics',
      cluster_size: 'Small',
      min_num_clusters: 1,
      max_num_clusters: 1,
      auto_stop_mins: 120,
      enable_photon: true,
      enable_serverless_compute: false,
      warehouse_type: 'CLASSIC',
      spot_instance_policy: 'COST_OPTIMIZED',
      channel: { name: 'CHANNEL_NAME_CURRENT' },
      state: 'RUNNING',
      num_clusters: 1,
      num_active_sessions: 0,
      creator_name: sim.state.controller.applicationId,
      jdbc_url: `jdbc:spark://127.0.0.1:443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=/sql/1.0/warehouses/${id};`,
      odbc_params: { hostname: '127.0.0.1', path: `/sql/1.0/warehouses/${id}`, port: 443, protocol: 'https' },
      health: { status: 'HEALTHY' },
    });
    expect(got.body.tags).toBeUndefined();
  });

  it('keeps explicit values, max defaults to min, tags round-trip as custom_tags', async () => {
    const id = await create({
      name: 'bi',
      cluster_size: 'Medium',
      min_num_clusters: 2,
      auto_stop_mins: 0,
      enable_photon: false,
      enable_serverless_compute: true,
      warehouse_type: 'PRO',
      channel: { name: 'CHANNEL_NAME_PREVIEW' },
      tags: { custom_tags: [{ key: 'team', value: 'bi' }, { key: 'env', value: 'prod' }] },
    });
    const got = (await api('GET', `/${id}`)).body;
    expect(got).toMatchObject({ min_num_clusters: 2, max_num_clusters: 2, auto_stop_mins: 0, enable_photon: false, enable_serverless_compute: true });
    expect(got.tags).toEqual({ custom_tags: [{ key: 'team', value: 'bi' }, { key: 'env', value: 'prod' }] });
    expect(sim.state.findWarehouse(WS, 'bi')).toMatchObject({ id, clusterSize: 'Medium', warehouseType: 'PRO', tags: { team: 'bi', env: 'prod' } });
  });

  it('makes the creator the IS_OWNER', async () => {
    const id = await create({ name: 'owned', cluster_size: 'Small' });
    expect(sim.state.permissions(WS, 'warehouses', id)).toEqual([
      { principal: sim.state.controller.applicationId, kind: 'servicePrincipal', level: 'IS_OWNER' },
    ]);
  });

  it.each([
    [{ cluster_size: 'Small' }, 'name is required'],
    [{ name: 'x'.repeat(100), cluster_size: 'Small' }, 'shorter than 100'],
    [{ name: 'w' }, 'cluster_size is required'],
    [{ name: 'w', cluster_size: 'Huge' }, "cluster_size 'Huge' is not supported"],
    [{ name: 'w', cluster_size: 'small' }, "cluster_size 'small' is not supported"],
    [{ name: 'w', cluster_size: 'Small', min_num_clusters: 0 }, 'min_num_clusters must be between 1 and 30'],
    [{ name: 'w', cluster_size: 'Small', min_num_clusters: 31, max_num_clusters: 35 }, 'min_num_clusters must be between 1 and 30'],
    [{ name: 'w', cluster_size: 'Small', min_num_clusters: 3, max_num_clusters: 2 }, 'max_num_clusters must be between min_num_clusters (3) and 40'],
    [{ name: 'w', cluster_size: 'Small', max_num_clusters: 41 }, 'and 40, got 41'],
    [{ name: 'w', cluster_size: 'Small', auto_stop_mins: 5 }, 'auto_stop_mins must be 0 (never stop) or at least 10'],
    [{ name: 'w', cluster_size: 'Small', enable_serverless_compute: true }, 'enable_serverless_compute requires warehouse_type PRO, got CLASSIC'],
    [{ name: 'w', cluster_size: 'Small', warehouse_type: 'SERVERLESS' }, "warehouse_type 'SERVERLESS' is not supported"],
    [{ name: 'w', cluster_size: 'Small', tags: { custom_tags: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] } }, "Duplicate tag key 'a'"],
    [
      { name: 'w', cluster_size: 'Small', tags: { custom_tags: Array.from({ length: 45 }, (_, i) => ({ key: `k${i}`, value: 'v' })) } },
      'fewer than 45 tags',
    ],
    [{ name: 'w', cluster_size: 'Small', tags: { team: 'x' } }, 'tags'],
    [{ name: 'w', cluster_size: 'Small', auto_stop_mins: '15' }, 'auto_stop_mins'],
  ])('refuses %j with 400 INVALID_PARAMETER_VALUE', async (body, message) => {
    const refused = await api('POST', '', body);
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(refused.body.message).toContain(message);
    expect(sim.state.warehouses(WS)).toEqual([]);
  });

  it('accepts the boundaries: 44 tags, 30/40 clusters, auto-stop 10, a 99-character name', async () => {
    const tags = { custom_tags: Array.from({ length: 44 }, (_, i) => ({ key: `k${i}`, value: 'v' })) };
    await create({ name: 'x'.repeat(99), cluster_size: '5X-Large', min_num_clusters: 30, max_num_clusters: 40, auto_stop_mins: 10, tags });
    expect(Object.keys(sim.state.warehouses(WS)[0]!.tags)).toHaveLength(44);
  });

  it('names are unique per workspace: a duplicate is 400 RESOURCE_ALREADY_EXISTS, another workspace may reuse it', async () => {
    await create({ name: 'shared', cluster_size: 'Small' });
    const duplicate = await api('POST', '', { name: 'shared', cluster_size: 'Large' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toEqual({ error_code: 'RESOURCE_ALREADY_EXISTS', message: "SQL warehouse with name 'shared' already exists" });
    await create({ name: 'shared', cluster_size: 'Small' }, OTHER);
    expect(sim.state.warehouses(OTHER)).toHaveLength(1);
  });
});

describe('edit', () => {
  it('is a full replacement: omitted fields go back to their defaults', async () => {
    const id = await create({
      name: 'bi',
      cluster_size: 'Medium',
      min_num_clusters: 2,
      max_num_clusters: 4,
      auto_stop_mins: 0,
      enable_photon: false,
      tags: { custom_tags: [{ key: 'team', value: 'bi' }] },
    });
    const edited = await api('POST', `/${id}/edit`, { name: 'bi', cluster_size: 'Large' });
    expect(edited).toMatchObject({ status: 200, body: {} });
    const got = (await api('GET', `/${id}`)).body;
    expect(got).toMatchObject({ id, cluster_size: 'Large', min_num_clusters: 1, max_num_clusters: 1, auto_stop_mins: 120, enable_photon: true, state: 'RUNNING' });
    expect(got.tags).toBeUndefined();
    expect(sim.state.permissions(WS, 'warehouses', id)).toContainEqual(expect.objectContaining({ level: 'IS_OWNER' }));
  });

  it('validates like create, refuses another warehouse name and unknown ids', async () => {
    const id = await create({ name: 'a', cluster_size: 'Small' });
    await create({ name: 'b', cluster_size: 'Small' });
    expect((await api('POST', `/${id}/edit`, { name: 'a', cluster_size: 'Small', auto_stop_mins: 1 })).status).toBe(400);
    const clash = await api('POST', `/${id}/edit`, { name: 'b', cluster_size: 'Small' });
    expect(clash.status).toBe(400);
    expect(clash.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await api('POST', `/${id}/edit`, { name: 'a2', cluster_size: 'Small' })).status).toBe(200);
    expect(sim.state.findWarehouse(WS, 'a2')?.id).toBe(id);
    const missing = await api('POST', '/0123456789abcdef/edit', { name: 'z', cluster_size: 'Small' });
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('list, delete, start/stop and isolation', () => {
  it('pages with page_size and next_page_token; without page_size answers everything', async () => {
    const ids = [await create({ name: 'one', cluster_size: 'Small' }), await create({ name: 'two', cluster_size: 'Small' }), await create({ name: 'three', cluster_size: 'Small' })];
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await api('GET', `?page_size=1${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.warehouses).toHaveLength(1);
      seen.push(page.body.warehouses[0].id);
      token = page.body.next_page_token;
      pages += 1;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    expect((await api('GET', '')).body.warehouses.map((w: { name: string }) => w.name)).toEqual(['one', 'two', 'three']);
    expect((await api('GET', '?page_token=garbage')).status).toBe(400);
    expect((await api('GET', '?page_size=-1')).status).toBe(400);
  });

  it('omits warehouses when there are none and hides fresh ones during list lag', async () => {
    expect((await api('GET', '')).body).toEqual({});
    sim.faults.listLagMs = 1000;
    const id = await create({ name: 'fresh', cluster_size: 'Small' });
    expect((await api('GET', '')).body).toEqual({});
    expect((await api('GET', `/${id}`)).status).toBe(200);
    clock += 1000;
    expect((await api('GET', '')).body.warehouses).toHaveLength(1);
  });

  it('deletes, then answers 404; start and stop change the state', async () => {
    const id = await create({ name: 'w', cluster_size: 'Small' });
    expect((await api('POST', `/${id}/stop`)).status).toBe(200);
    expect((await api('GET', `/${id}`)).body).toMatchObject({ state: 'STOPPED', num_clusters: 0 });
    expect((await api('POST', `/${id}/start`)).status).toBe(200);
    expect((await api('GET', `/${id}`)).body.state).toBe('RUNNING');
    expect((await api('DELETE', `/${id}`)).status).toBe(200);
    const gone = await api('GET', `/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await api('DELETE', `/${id}`)).status).toBe(404);
  });

  it('a warehouse of one workspace does not exist in another', async () => {
    const id = await create({ name: 'w', cluster_size: 'Small' });
    expect((await api('GET', `/${id}`, undefined, OTHER)).status).toBe(404);
    expect((await api('POST', `/${id}/edit`, { name: 'w', cluster_size: 'Small' }, OTHER)).status).toBe(404);
    expect((await api('DELETE', `/${id}`, undefined, OTHER)).status).toBe(404);
    expect((await api('GET', '', undefined, OTHER)).body).toEqual({});
  });

  it('shows drift made on the record, logs the family and honours fault knobs', async () => {
    const id = await create({ name: 'w', cluster_size: 'Small' });
    const record = sim.state.findWarehouse(WS, 'w')!;
    record.autoStopMins = 45;
    record.tags = { owner: 'someone' };
    expect((await api('GET', `/${id}`)).body).toMatchObject({ auto_stop_mins: 45, tags: { custom_tags: [{ key: 'owner', value: 'someone' }] } });
    expect(sim.requests.at(-1)).toMatchObject({ family: 'sql-warehouses', workspaceId: WS, status: 200 });
    sim.faults.failNext(1, { status: 503, family: 'sql-warehouses' });
    expect((await api('GET', `/${id}`)).status).toBe(503);
    expect((await api('GET', `/${id}`)).status).toBe(200);
  });

  it('needs the workspace header and a token', async () => {
    expect((await call(sim, 'GET', '/api/2.0/sql/warehouses')).status).toBe(400);
    expect((await call(sim, 'GET', '/api/2.0/sql/warehouses', { workspaceId: WS, token: null })).status).toBe(401);
    expect((await call(sim, 'GET', '/api/2.0/sql/warehouses', { workspaceId: '404' })).status).toBe(404);
  });
});
