import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { accountScim, call, ucPath } from './test-helpers.js';

const WS = '1234567890123456';
let sim: Simulator;
let clock: number;

beforeEach(async () => {
  clock = 9_000_000;
  sim = createSimulator({ now: () => clock, ucPageSize: 2, storageCredentials: ['cred'] });
  await sim.listen();
  sim.state.uc.createCatalog({ name: 'main' });
  sim.state.uc.createExternalLocation({ name: 'landing', url: 's3://bucket/landing', credentialName: 'cred' });
});
afterEach(() => sim.close());

const uc = (method: string, resource: string, body?: unknown) =>
  call(sim, method, ucPath(resource), body === undefined ? { workspaceId: WS } : { workspaceId: WS, body });
const patch = (path: string, ...changes: { principal: string; add?: string[]; remove?: string[] }[]) =>
  uc('PATCH', `permissions/${path}`, { changes });

describe('grants: delta semantics', () => {
  it('answers {} without grants, then the full list after each PATCH', async () => {
    const team = sim.state.createGroup({ displayName: 'Team' });
    expect((await uc('GET', 'permissions/catalog/main')).body).toEqual({});
    const first = await patch('catalog/main', { principal: 'team', add: ['use catalog', 'SELECT'] });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ privilege_assignments: [{ principal: team.displayName, privileges: ['SELECT', 'USE_CATALOG'] }] });
    const second = await patch('catalog/main', { principal: 'account users', add: ['BROWSE'] });
    expect(second.body.privilege_assignments).toEqual([
      { principal: 'account users', privileges: ['BROWSE'] },
      { principal: 'Team', privileges: ['SELECT', 'USE_CATALOG'] },
    ]);
    expect((await uc('GET', 'permissions/catalog/MAIN')).body).toEqual(second.body);
  });

  it('adding a held privilege and removing an absent one are no-ops; removing the last privilege drops the principal', async () => {
    sim.state.createGroup({ displayName: 'team' });
    await patch('catalog/main', { principal: 'team', add: ['USE_CATALOG'] });
    const noop = await patch('catalog/main', { principal: 'team', add: ['USE_CATALOG'], remove: ['MODIFY'] });
    expect(noop.status).toBe(200);
    expect(noop.body.privilege_assignments).toEqual([{ principal: 'team', privileges: ['USE_CATALOG'] }]);
    const removed = await patch('catalog/main', { principal: 'TEAM', remove: ['use_catalog'] });
    expect(removed.body).toEqual({});
    expect(sim.state.uc.grants('catalog', 'main')).toEqual([]);
  });

  it('omit_permissions_in_response answers {}', async () => {
    const response = await uc('PATCH', 'permissions/catalog/main', {
      changes: [{ principal: 'account users', add: ['USE_CATALOG'] }],
      omit_permissions_in_response: true,
    });
    expect(response.body).toEqual({});
    expect(sim.state.uc.grants('catalog', 'main')).toHaveLength(1);
  });
});

describe('grants: privileges per securable type', () => {
  it('accepts directly meaningful and cascading privileges, refuses the rest naming privilege and type', async () => {
    sim.state.uc.createSchema({ catalogName: 'main', name: 'raw' });
    const ok = [
      ['catalog/main', ['CREATE_SCHEMA', 'USE_SCHEMA', 'SELECT', 'MODIFY', 'ALL PRIVILEGES']],
      ['schema/main.raw', ['USE_SCHEMA', 'CREATE_TABLE', 'SELECT', 'READ_VOLUME']],
      ['external_location/landing', ['READ_FILES', 'WRITE_FILES', 'CREATE_EXTERNAL_TABLE', 'CREATE_MANAGED_STORAGE']],
      ['storage_credential/cred', ['CREATE_EXTERNAL_LOCATION', 'READ_FILES']],
      [`metastore/${sim.state.uc.metastoreId}`, ['CREATE_CATALOG', 'CREATE_EXTERNAL_LOCATION']],
    ] as const;
    for (const [path, privileges] of ok) {
      const response = await patch(path, { principal: 'account users', add: [...privileges] });
      expect(response.status, path).toBe(200);
    }
    expect(sim.state.uc.grants('catalog', 'main')[0]?.privileges).toContain('ALL_PRIVILEGES');

    const refused = [
      ['external_location/landing', 'SELECT', 'EXTERNAL_LOCATION'],
      ['catalog/main', 'CREATE_CATALOG', 'CATALOG'],
      ['schema/main.raw', 'USE_CATALOG', 'SCHEMA'],
      ['storage_credential/cred', 'SELECT', 'STORAGE_CREDENTIAL'],
      ['catalog/main', 'FLY', 'CATALOG'],
    ] as const;
    for (const [path, privilege, type] of refused) {
      const response = await patch(path, { principal: 'account users', add: [privilege] });
      expect(response.status, `${privilege} on ${path}`).toBe(400);
      expect(response.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(response.body.message).toContain(privilege);
      expect(response.body.message).toContain(type);
    }
  });

  it('a refused PATCH changes nothing, even its valid changes', async () => {
    sim.state.createGroup({ displayName: 'team' });
    const response = await patch('external_location/landing', { principal: 'team', add: ['READ_FILES'] }, { principal: 'account users', add: ['SELECT'] });
    expect(response.status).toBe(400);
    expect(sim.state.uc.grants('external_location', 'landing')).toEqual([]);
  });

  it('refuses unsupported securable types and answers *_DOES_NOT_EXIST for missing securables', async () => {
    expect((await uc('GET', 'permissions/table/main.raw.t')).status).toBe(400);
    expect((await uc('GET', 'permissions/catalog/nope')).body.error_code).toBe('CATALOG_DOES_NOT_EXIST');
    expect((await uc('GET', 'permissions/schema/main.nope')).body.error_code).toBe('SCHEMA_DOES_NOT_EXIST');
    expect((await uc('GET', 'permissions/external_location/nope')).body.error_code).toBe('EXTERNAL_LOCATION_DOES_NOT_EXIST');
    expect((await uc('GET', 'permissions/storage_credential/nope')).body.error_code).toBe('STORAGE_CREDENTIAL_DOES_NOT_EXIST');
    expect((await uc('GET', 'permissions/metastore/nope')).status).toBe(404);
  });
});

describe('grants: principals', () => {
  it('accepts account users by userName, groups by displayName, SPs by applicationId and `account users`, answering the stored spelling', async () => {
    const user = sim.state.createUser({ userName: 'Ann@Example.com' });
    const group = sim.state.createGroup({ displayName: 'Data Team' });
    const sp = sim.state.createServicePrincipal({ displayName: 'etl' });
    const response = await patch(
      'catalog/main',
      { principal: 'ann@example.com', add: ['USE_CATALOG'] },
      { principal: 'data team', add: ['USE_CATALOG'] },
      { principal: sp.applicationId.toUpperCase(), add: ['USE_CATALOG'] },
      { principal: 'Account Users', add: ['BROWSE'] },
    );
    expect(response.status).toBe(200);
    expect(response.body.privilege_assignments.map((a: { principal: string }) => a.principal).sort()).toEqual(
      [sp.applicationId, 'account users', user.userName, group.displayName].sort(),
    );
  });

  it('refuses workspace-local groups, SP display names and unknown names with PRINCIPAL_DOES_NOT_EXIST', async () => {
    sim.state.createServicePrincipal({ displayName: 'etl' });
    for (const principal of ['users', 'admins', 'etl', 'nobody@example.com']) {
      const response = await patch('catalog/main', { principal, add: ['USE_CATALOG'] });
      expect(response.status, principal).toBe(400);
      expect(response.body).toEqual({ error_code: 'PRINCIPAL_DOES_NOT_EXIST', message: `Could not find principal with name ${principal}` });
    }
    expect(sim.state.uc.grants('catalog', 'main')).toEqual([]);
  });

  it('a new principal is invisible to UC until faults.principalPropagationMs has passed', async () => {
    sim.faults.principalPropagationMs = 5_000;
    const created = await call(sim, 'POST', accountScim(sim, 'Groups'), { body: { displayName: 'newcomers' } });
    expect(created.status).toBe(201);
    const early = await patch('catalog/main', { principal: 'newcomers', add: ['USE_CATALOG'] });
    expect(early.status).toBe(400);
    expect(early.body.error_code).toBe('PRINCIPAL_DOES_NOT_EXIST');
    expect((await uc('PATCH', 'catalogs/main', { owner: 'newcomers' })).body.error_code).toBe('PRINCIPAL_DOES_NOT_EXIST');
    // The seeded controller has always existed.
    expect((await patch('catalog/main', { principal: sim.state.controller.applicationId, add: ['USE_CATALOG'] })).status).toBe(200);
    clock += 4_999;
    expect((await patch('catalog/main', { principal: 'newcomers', add: ['USE_CATALOG'] })).status).toBe(400);
    clock += 1;
    expect((await patch('catalog/main', { principal: 'newcomers', add: ['USE_CATALOG'] })).status).toBe(200);
    expect((await uc('PATCH', 'catalogs/main', { owner: 'newcomers' })).body.owner).toBe('newcomers');
  });

  it('grants of a principal UC can no longer resolve can be removed but not extended', async () => {
    sim.state.uc.setGrants('catalog', 'main', [{ principal: 'ghost@example.com', privileges: ['USE_CATALOG', 'SELECT', 'NOT_A_PRIVILEGE'] }]);
    expect((await uc('GET', 'permissions/catalog/main')).body.privilege_assignments).toEqual([
      { principal: 'ghost@example.com', privileges: ['NOT_A_PRIVILEGE', 'SELECT', 'USE_CATALOG'] },
    ]);
    expect((await patch('catalog/main', { principal: 'ghost@example.com', add: ['MODIFY'] })).body.error_code).toBe('PRINCIPAL_DOES_NOT_EXIST');
    const removed = await patch('catalog/main', { principal: 'GHOST@example.com', remove: ['USE_CATALOG', 'SELECT'] });
    expect(removed.body.privilege_assignments).toEqual([{ principal: 'ghost@example.com', privileges: ['NOT_A_PRIVILEGE'] }]);
  });
});

describe('grants: reading', () => {
  beforeEach(() => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) sim.state.uc.grant('catalog', 'main', `group-${name}`, ['USE_CATALOG', 'BROWSE']);
  });

  it('unset max_results answers everything; 0 pages by the server size; 1..149 is refused; >=150 is honoured', async () => {
    expect((await uc('GET', 'permissions/catalog/main')).body.privilege_assignments).toHaveLength(5);
    expect((await uc('GET', 'permissions/catalog/main?max_results=150')).body.privilege_assignments).toHaveLength(5);
    for (const value of [1, 10, 149, -1]) {
      const refused = await uc('GET', `permissions/catalog/main?max_results=${value}`);
      expect(refused.status, String(value)).toBe(400);
      expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const seen: string[][] = [];
    let token: string | undefined;
    do {
      const page = await uc('GET', `permissions/catalog/main?max_results=0${token ? `&page_token=${token}` : ''}`);
      // Each page carries complete per-principal assignments.
      for (const assignment of page.body.privilege_assignments ?? []) expect(assignment.privileges).toEqual(['BROWSE', 'USE_CATALOG']);
      seen.push((page.body.privilege_assignments ?? []).map((a: { principal: string }) => a.principal));
      token = page.body.next_page_token;
    } while (token);
    expect(seen).toEqual([['group-a', 'group-b'], ['group-c', 'group-d'], ['group-e']]);
  });

  it('filters by principal, case-insensitively', async () => {
    expect((await uc('GET', 'permissions/catalog/main?principal=GROUP-C')).body).toEqual({
      privilege_assignments: [{ principal: 'group-c', privileges: ['BROWSE', 'USE_CATALOG'] }],
    });
    expect((await uc('GET', 'permissions/catalog/main?principal=someone-else')).body).toEqual({});
  });

  it('deleting a securable drops its grants and those of its schemas', async () => {
    sim.state.uc.createSchema({ catalogName: 'main', name: 'raw' });
    sim.state.uc.grant('schema', 'main.raw', 'account users', ['USE_SCHEMA']);
    sim.state.uc.grant('external_location', 'landing', 'account users', ['READ_FILES']);
    expect((await uc('DELETE', 'catalogs/main?force=true')).status).toBe(200);
    expect((await uc('DELETE', 'external-locations/landing')).status).toBe(200);
    sim.state.uc.createCatalog({ name: 'main' });
    sim.state.uc.createSchema({ catalogName: 'main', name: 'raw' });
    sim.state.uc.createExternalLocation({ name: 'landing', url: 's3://bucket/landing', credentialName: 'cred' });
    expect((await uc('GET', 'permissions/catalog/main')).body).toEqual({});
    expect((await uc('GET', 'permissions/schema/main.raw')).body).toEqual({});
    expect((await uc('GET', 'permissions/external_location/landing')).body).toEqual({});
  });
});
