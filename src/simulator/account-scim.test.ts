import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { accountScim, call, patchOp } from './test-helpers.js';

const WS = '1234567890123456';
let sim: Simulator;

beforeEach(async () => {
  sim = createSimulator({ maxPageSize: 3 });
  await sim.listen();
});
afterEach(() => sim.close());

const groups = () => accountScim(sim, 'Groups');

describe('create and get', () => {
  it('creates a group with a decimal string id and returns it with 201', async () => {
    const created = await call(sim, 'POST', groups(), { body: { displayName: 'data-eng', externalId: 'idp-1' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'data-eng',
      externalId: 'idp-1',
      meta: { resourceType: 'Group' },
    });
    expect(created.body.id).toMatch(/^\d+$/);
    expect(Number(created.body.id)).toBeLessThan(2 ** 53);
    expect(created.body.entitlements).toBeUndefined();
    expect(sim.state.findGroup('DATA-ENG')?.id).toBe(created.body.id);
  });

  it('gives every principal a distinct id across kinds, and SPs a UUID applicationId', async () => {
    const group = await call(sim, 'POST', groups(), { body: { displayName: 'g' } });
    const user = await call(sim, 'POST', accountScim(sim, 'Users'), { body: { userName: 'ann@example.com' } });
    const sp = await call(sim, 'POST', accountScim(sim, 'ServicePrincipals'), { body: { displayName: 'etl' } });
    expect(new Set([group.body.id, user.body.id, sp.body.id]).size).toBe(3);
    expect(sp.body.applicationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(user.body).toMatchObject({ userName: 'ann@example.com', active: true, emails: [{ value: 'ann@example.com', primary: true }] });
  });

  it('answers duplicates with a 409 SCIM error whose status is a string', async () => {
    await call(sim, 'POST', groups(), { body: { displayName: 'data-eng' } });
    const duplicate = await call(sim, 'POST', groups(), { body: { displayName: 'Data-Eng' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      detail: 'Group with name Data-Eng already exists.',
      status: '409',
    });
    await call(sim, 'POST', accountScim(sim, 'Users'), { body: { userName: 'ann@example.com' } });
    const user = await call(sim, 'POST', accountScim(sim, 'Users'), { body: { userName: 'ANN@example.com' } });
    expect(user.status).toBe(409);
    expect(user.body.detail).toBe('User with email ANN@example.com already exists in this account');
    const appId = '9f0c3c2e-1111-4222-8333-444455556666';
    await call(sim, 'POST', accountScim(sim, 'ServicePrincipals'), { body: { applicationId: appId, displayName: 'a' } });
    const sp = await call(sim, 'POST', accountScim(sim, 'ServicePrincipals'), { body: { applicationId: appId, displayName: 'b' } });
    expect(sp.body.detail).toBe(`Service principal with application ID ${appId} already exists.`);
  });

  it('refuses entitlements at account level', async () => {
    const response = await call(sim, 'POST', groups(), { body: { displayName: 'g', entitlements: [{ value: 'workspace-access' }] } });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('entitlements can only be managed at the workspace level');
    const group = sim.state.createGroup({ displayName: 'h' });
    const patched = await call(sim, 'PATCH', `${groups()}/${group.id}`, {
      body: patchOp({ op: 'add', path: 'entitlements', value: [{ value: 'workspace-access' }] }),
    });
    expect(patched.status).toBe(400);
    expect(patched.body.detail).toBe('entitlements can only be managed at the workspace level');
  });

  it('unknown ids answer a 404 SCIM error', async () => {
    const response = await call(sim, 'GET', `${groups()}/424242`);
    expect(response.status).toBe(404);
    expect(response.body.status).toBe('404');
    expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });
});

describe('list', () => {
  it('pages with 1-based startIndex, caps count, and omits Resources on an empty page', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) sim.state.createGroup({ displayName: name });
    const first = await call(sim, 'GET', `${groups()}?count=50`);
    expect(first.body).toMatchObject({ totalResults: 5, startIndex: 1, itemsPerPage: 3 });
    expect(first.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(first.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['a', 'b', 'c']);
    const second = await call(sim, 'GET', `${groups()}?startIndex=4&count=2`);
    expect(second.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['d', 'e']);
    const empty = await call(sim, 'GET', `${groups()}?startIndex=6`);
    expect(empty.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 5,
      startIndex: 6,
      itemsPerPage: 0,
    });
  });

  it('never includes members in group lists, but GET by id does', async () => {
    const user = sim.state.createUser({ userName: 'ann@example.com', displayName: 'Ann' });
    const group = sim.state.createGroup({ displayName: 'team', members: [user.id] });
    const listed = await call(sim, 'GET', groups());
    expect(listed.body.Resources[0].members).toBeUndefined();
    const got = await call(sim, 'GET', `${groups()}/${group.id}`);
    expect(got.body.members).toEqual([{ value: user.id, display: 'Ann', $ref: `Users/${user.id}` }]);
  });

  it('filters with eq: userName case-insensitively, applicationId, externalId, id', async () => {
    sim.state.createUser({ userName: 'ann@example.com' });
    const bob = sim.state.createUser({ userName: 'bob@example.com' });
    const byName = await call(sim, 'GET', `${accountScim(sim, 'Users')}?filter=${encodeURIComponent('userName eq "BOB@example.com"')}`);
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources[0].id).toBe(bob.id);
    const byId = await call(sim, 'GET', `${accountScim(sim, 'Users')}?filter=${encodeURIComponent(`id eq "${bob.id}"`)}`);
    expect(byId.body.Resources[0].userName).toBe('bob@example.com');

    const sp = sim.state.createServicePrincipal({ displayName: 'etl' });
    const byApp = await call(sim, 'GET', `${accountScim(sim, 'ServicePrincipals')}?filter=${encodeURIComponent(`applicationId eq "${sp.applicationId}"`)}`);
    expect(byApp.body.Resources.map((s: { id: string }) => s.id)).toEqual([sp.id]);

    sim.state.createGroup({ displayName: 'from-idp', externalId: 'okta-123' });
    const byExternal = await call(sim, 'GET', `${groups()}?filter=${encodeURIComponent('externalId eq "okta-123"')}`);
    expect(byExternal.body.Resources[0].displayName).toBe('from-idp');
    const none = await call(sim, 'GET', `${groups()}?filter=${encodeURIComponent('displayName eq "nope"')}`);
    expect(none.body).toMatchObject({ totalResults: 0, itemsPerPage: 0 });
    expect(none.body.Resources).toBeUndefined();
  });

  it('refuses filters it does not support with invalidFilter', async () => {
    for (const filter of ['displayName co "a"', 'displayName eq "a" and id eq "1"', 'userName eq "x"']) {
      const response = await call(sim, 'GET', `${groups()}?filter=${encodeURIComponent(filter)}`);
      expect(response.status, filter).toBe(400);
      expect(response.body.scimType).toBe('invalidFilter');
    }
  });

  it('projects attributes and excludedAttributes, always keeping id', async () => {
    sim.state.createUser({ userName: 'ann@example.com', displayName: 'Ann' });
    const only = await call(sim, 'GET', `${accountScim(sim, 'Users')}?attributes=userName`);
    expect(only.body.Resources[0]).toEqual({ id: expect.any(String), schemas: expect.any(Array), userName: 'ann@example.com' });
    const without = await call(sim, 'GET', `${accountScim(sim, 'Users')}?excludedAttributes=emails,displayName`);
    expect(without.body.Resources[0].emails).toBeUndefined();
    expect(without.body.Resources[0].displayName).toBeUndefined();
    expect(without.body.Resources[0].userName).toBe('ann@example.com');
  });
});

describe('PATCH groups', () => {
  it('adds and removes members with the exact TF/SDK forms', async () => {
    const ann = sim.state.createUser({ userName: 'ann@example.com' });
    const etl = sim.state.createServicePrincipal({ displayName: 'etl' });
    const group = sim.state.createGroup({ displayName: 'team' });
    const added = await call(sim, 'PATCH', `${groups()}/${group.id}`, {
      body: patchOp({ op: 'add', path: 'members', value: [{ value: ann.id }, { value: etl.id }] }),
    });
    expect(added.status).toBe(204);
    expect(sim.state.members(group.id)).toEqual([ann.id, etl.id]);
    const removed = await call(sim, 'PATCH', `${groups()}/${group.id}`, {
      body: patchOp({ op: 'remove', path: `members[value eq "${ann.id}"]` }),
    });
    expect(removed.status).toBe(204);
    expect(sim.state.members(group.id)).toEqual([etl.id]);
  });

  it('refuses an unknown member, naming it, and applies nothing', async () => {
    const ann = sim.state.createUser({ userName: 'ann@example.com' });
    const group = sim.state.createGroup({ displayName: 'team' });
    const response = await call(sim, 'PATCH', `${groups()}/${group.id}`, {
      body: patchOp({ op: 'add', path: 'members', value: [{ value: ann.id }, { value: '999999' }] }),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ scimType: 'invalidValue', status: '400' });
    expect(response.body.detail).toContain('999999');
    expect(sim.state.members(group.id)).toEqual([]);
  });

  it('refuses to nest a workspace system group', async () => {
    const group = sim.state.createGroup({ displayName: 'team' });
    const users = sim.state.systemGroup(WS, 'users');
    const response = await call(sim, 'PATCH', `${groups()}/${group.id}`, {
      body: patchOp({ op: 'add', path: 'members', value: [{ value: users.id }] }),
    });
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/system groups cannot be nested/i);
  });

  it('renames with replace displayName, refusing a taken name', async () => {
    sim.state.createGroup({ displayName: 'taken' });
    const group = sim.state.createGroup({ displayName: 'old' });
    const renamed = await call(sim, 'PATCH', `${groups()}/${group.id}`, { body: patchOp({ op: 'replace', path: 'displayName', value: 'new' }) });
    expect(renamed.status).toBe(204);
    expect(sim.state.findGroup('new')?.id).toBe(group.id);
    const clash = await call(sim, 'PATCH', `${groups()}/${group.id}`, { body: patchOp({ op: 'replace', path: 'displayName', value: 'taken' }) });
    expect(clash.status).toBe(409);
  });

  it('refuses malformed patches', async () => {
    const group = sim.state.createGroup({ displayName: 'team' });
    const bodies = [
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] },
      patchOp({ op: 'ADD', path: 'members', value: [] }),
      patchOp({ op: 'merge', path: 'members', value: [] }),
      { Operations: [{ op: 'add', path: 'members', value: [] }] },
      'not json',
    ];
    for (const body of bodies) {
      const response = await call(sim, 'PATCH', `${groups()}/${group.id}`, { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.status).toBe('400');
    }
  });
});

describe('PUT groups', () => {
  it('replaces the whole group: omitted members are cleared', async () => {
    const ann = sim.state.createUser({ userName: 'ann@example.com' });
    const group = sim.state.createGroup({ displayName: 'team', externalId: 'x', members: [ann.id] });
    const put = await call(sim, 'PUT', `${groups()}/${group.id}`, { body: { displayName: 'team-renamed' } });
    expect(put.status).toBe(200);
    expect(put.body.members).toBeUndefined();
    expect(put.body.externalId).toBeUndefined();
    expect(sim.state.members(group.id)).toEqual([]);
    expect(sim.state.findGroup('team-renamed')?.id).toBe(group.id);
  });
});

describe('delete', () => {
  it('removes a user from memberships and workspace assignments', async () => {
    const ann = sim.state.createUser({ userName: 'ann@example.com' });
    const group = sim.state.createGroup({ displayName: 'team', members: [ann.id] });
    sim.state.assign(WS, ann.id, ['USER']);
    const response = await call(sim, 'DELETE', `${accountScim(sim, 'Users')}/${ann.id}`);
    expect(response.status).toBe(204);
    expect(sim.state.members(group.id)).toEqual([]);
    expect(sim.state.assignments(WS).map((a) => a.principalId)).not.toContain(ann.id);
    expect((await call(sim, 'GET', `${accountScim(sim, 'Users')}/${ann.id}`)).status).toBe(404);
    expect((await call(sim, 'DELETE', `${accountScim(sim, 'Users')}/${ann.id}`)).status).toBe(404);
  });

  it('deletes a group that is itself a member', async () => {
    const child = sim.state.createGroup({ displayName: 'child' });
    const parent = sim.state.createGroup({ displayName: 'parent', members: [child.id] });
    expect((await call(sim, 'DELETE', `${groups()}/${child.id}`)).status).toBe(204);
    expect(sim.state.members(parent.id)).toEqual([]);
    expect(sim.state.findGroup('child')).toBeUndefined();
  });
});
