import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { call } from './test-helpers.js';

const WS = '1234567890123456';
const OTHER = '2222222222222222';
let sim: Simulator;
let clock: number;

beforeEach(async () => {
  clock = 6_000_000;
  sim = createSimulator({ workspaces: [{ workspaceId: WS }, { workspaceId: OTHER }], now: () => clock });
  await sim.listen();
});
afterEach(() => sim.close());

const api = (method: string, resource: string, body?: unknown, workspaceId = WS) =>
  call(sim, method, `/api/2.0/policies/clusters/${resource}`, body === undefined ? { workspaceId } : { workspaceId, body });
const create = async (body: Record<string, unknown>, workspaceId = WS): Promise<string> => {
  const response = await api('POST', 'create', body, workspaceId);
  expect(response.status).toBe(200);
  return response.body.policy_id as string;
};

const definition = {
  spark_version: { type: 'regex', pattern: '1[4-9]\\..*' },
  autotermination_minutes: { type: 'range', maxValue: 60, defaultValue: 30 },
  node_type_id: { type: 'allowlist', values: ['i3.xlarge', 'i3.2xlarge'], defaultValue: 'i3.xlarge' },
  instance_pool_id: { type: 'forbidden', hidden: true },
  'custom_tags.team': { type: 'fixed', value: 'data' },
};

describe('create and get', () => {
  it('answers the policy with a reformatted definition: equal as JSON, not as bytes', async () => {
    const sent = JSON.stringify(definition);
    const id = await create({ name: 'team-policy', definition: sent, description: 'for the team', max_clusters_per_user: 2 });
    expect(id).toMatch(/^[0-9A-F]{16}$/);
    const got = await api('GET', `get?policy_id=${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      policy_id: id,
      name: 'team-policy',
      definition: expect.any(String),
      description: 'for the team',
      max_clusters_per_user: 2,
      created_at_timestamp: clock,
      creator_user_name: sim.state.controller.applicationId,
      is_default: false,
    });
    expect(got.body.definition).not.toBe(sent);
    expect(JSON.parse(got.body.definition)).toEqual(definition);
    expect(got.body.definition.startsWith('{"autotermination_minutes": {"defaultValue": 30, "maxValue": 60, "type": "range"}, ')).toBe(true);
    expect(sim.state.findClusterPolicy(WS, 'team-policy')?.definition).toBe(got.body.definition);
  });

  it.each([
    [{ definition: '{}' }, 'name is required'],
    [{ name: 'x'.repeat(101), definition: '{}' }, 'at most 100 characters'],
    [{ name: 'p', definition: '{not json' }, 'definition is not valid JSON'],
    [{ name: 'p', definition: '[1]' }, 'definition must be a JSON object'],
    [{ name: 'p', definition: { spark_version: { type: 'fixed', value: '14' } } }, 'definition'],
    [{ name: 'p', definition: JSON.stringify({ spark_version: 'fixed' }) }, "attribute 'spark_version'"],
    [{ name: 'p', definition: JSON.stringify({ spark_version: { type: 'pinned', value: 1 } }) }, "attribute 'spark_version': unknown type \"pinned\""],
    [{ name: 'p', definition: JSON.stringify({ spark_version: { value: 1 } }) }, "attribute 'spark_version'"],
    [{ name: 'p', definition: JSON.stringify({ autotermination_minutes: { type: 'fixed' } }) }, "'autotermination_minutes': type fixed requires \"value\""],
    [{ name: 'p', definition: JSON.stringify({ node_type_id: { type: 'allowlist', value: 'i3' } }) }, "'node_type_id': type allowlist requires a \"values\" array"],
    [{ name: 'p', definition: JSON.stringify({ node_type_id: { type: 'blocklist' } }) }, 'type blocklist requires'],
    [{ name: 'p', definition: JSON.stringify({ spark_version: { type: 'regex', value: '14.*' } }) }, 'type regex requires a "pattern"'],
    [{ name: 'p', definition: JSON.stringify({ num_workers: { type: 'range', defaultValue: 2 } }) }, "'num_workers': type range requires \"minValue\" or \"maxValue\""],
  ])('refuses %j with 400 INVALID_PARAMETER_VALUE', async (body, message) => {
    const refused = await api('POST', 'create', body);
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(refused.body.message).toContain(message);
    expect(sim.state.clusterPolicies(WS)).toEqual([]);
  });

  it('accepts every rule type with its required fields', async () => {
    const all = {
      a: { type: 'fixed', value: 1, hidden: true },
      b: { type: 'forbidden' },
      c: { type: 'allowlist', values: [] },
      d: { type: 'blocklist', values: ['x'] },
      e: { type: 'regex', pattern: '.*' },
      f: { type: 'range', minValue: 1 },
      g: { type: 'unlimited', defaultValue: 'x', isOptional: true },
    };
    const id = await create({ name: 'all', definition: JSON.stringify(all) });
    expect(JSON.parse((await api('GET', `get?policy_id=${id}`)).body.definition)).toEqual(all);
  });

  it('names are unique per workspace', async () => {
    await create({ name: 'p', definition: '{}' });
    const duplicate = await api('POST', 'create', { name: 'p', definition: '{}' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Policy name 'p' already exists" });
    await create({ name: 'p', definition: '{}' }, OTHER);
  });
});

describe('list, edit, delete', () => {
  it('lists every policy without pagination, omitting the field when empty', async () => {
    expect((await api('GET', 'list')).body).toEqual({});
    await create({ name: 'b', definition: '{}' });
    await create({ name: 'a', definition: '{}' });
    expect((await api('GET', 'list')).body.policies.map((p: { name: string }) => p.name)).toEqual(['b', 'a']);
    expect((await api('GET', 'list?sort_column=POLICY_NAME')).body.policies.map((p: { name: string }) => p.name)).toEqual(['a', 'b']);
    expect((await api('GET', 'list', undefined, OTHER)).body).toEqual({});
  });

  it('edit is a full replacement: an omitted description and max go, the definition is re-validated', async () => {
    const id = await create({ name: 'p', definition: JSON.stringify(definition), description: 'd', max_clusters_per_user: 3 });
    const edited = await api('POST', 'edit', { policy_id: id, name: 'p2', definition: JSON.stringify({ x: { type: 'fixed', value: true } }) });
    expect(edited).toMatchObject({ status: 200, body: {} });
    const got = (await api('GET', `get?policy_id=${id}`)).body;
    expect(got).toMatchObject({ policy_id: id, name: 'p2', definition: '{"x": {"type": "fixed", "value": true}}' });
    expect(got.description).toBeUndefined();
    expect(got.max_clusters_per_user).toBeUndefined();
    const bad = await api('POST', 'edit', { policy_id: id, name: 'p2', definition: JSON.stringify({ x: { type: 'range' } }) });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("'x'");
    await create({ name: 'other', definition: '{}' });
    expect((await api('POST', 'edit', { policy_id: id, name: 'other', definition: '{}' })).status).toBe(400);
  });

  it('answers 404 for unknown policies and for policies of another workspace', async () => {
    const id = await create({ name: 'p', definition: '{}' });
    for (const response of [
      await api('GET', 'get?policy_id=FFFFFFFFFFFFFFFF'),
      await api('GET', `get?policy_id=${id}`, undefined, OTHER),
      await api('POST', 'edit', { policy_id: id, name: 'p', definition: '{}' }, OTHER),
      await api('POST', 'delete', { policy_id: id }, OTHER),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    }
    expect((await api('POST', 'delete', { policy_id: id })).status).toBe(200);
    expect((await api('GET', `get?policy_id=${id}`)).status).toBe(404);
    expect((await api('GET', 'get')).status).toBe(400);
  });

  it('answers a definition overwritten by hand verbatim and logs the family', async () => {
    const id = await create({ name: 'p', definition: '{}' });
    const handMade = JSON.stringify({ b: { type: 'forbidden' }, a: { type: 'fixed', value: 1 } }, null, 4);
    sim.state.findClusterPolicy(WS, 'p')!.definition = handMade;
    expect((await api('GET', `get?policy_id=${id}`)).body.definition).toBe(handMade);
    expect(sim.requests.at(-1)).toMatchObject({ family: 'cluster-policies', workspaceId: WS });
  });
});
