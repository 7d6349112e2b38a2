import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMINS_ENTITLEMENTS, createSimulator, type Simulator } from './index.js';
import { assignmentsPath, call, patchOp, workspaceScim } from './test-helpers.js';

const WS = '1234567890123456';
const OTHER = '2222222222222222';
let sim: Simulator;

beforeEach(async () => {
  sim = createSimulator({ workspaces: [{ workspaceId: WS, name: 'prod' }, { workspaceId: OTHER }] });
  await sim.listen();
});
afterEach(() => sim.close());

const ws = (method: string, resource: string, body?: unknown) =>
  call(sim, method, workspaceScim(resource), body === undefined ? { workspaceId: WS } : { workspaceId: WS, body });

describe('permission assignments', () => {
  it('lists the seeded controller as ADMIN with a numeric principal id', async () => {
    const response = await call(sim, 'GET', assignmentsPath(sim, WS));
    expect(response.status).toBe(200);
    expect(response.body.permission_assignments).toEqual([
      {
        principal: {
          principal_id: Number(sim.state.controller.id),
          display_name: 'onboarder-controller',
          service_principal_name: sim.state.controller.applicationId,
        },
        permissions: ['ADMIN'],
      },
    ]);
  });

  it('upserts and deletes an assignment', async () => {
    const group = sim.state.createGroup({ displayName: 'team' });
    const put = await call(sim, 'PUT', `${assignmentsPath(sim, WS)}/principals/${group.id}`, { body: { permissions: ['USER'] } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      principal: { principal_id: Number(group.id), display_name: 'team', group_name: 'team' },
      permissions: ['USER'],
    });
    const upgraded = await call(sim, 'PUT', `${assignmentsPath(sim, WS)}/principals/${group.id}`, { body: { permissions: ['ADMIN'] } });
    expect(upgraded.body.permissions).toEqual(['ADMIN']);
    expect(sim.state.assignments(WS).filter((a) => a.principalId === group.id)).toHaveLength(1);

    expect((await call(sim, 'DELETE', `${assignmentsPath(sim, WS)}/principals/${group.id}`)).status).toBe(200);
    const again = await call(sim, 'DELETE', `${assignmentsPath(sim, WS)}/principals/${group.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('refuses invalid permissions, unknown principals and unknown workspaces', async () => {
    const user = sim.state.createUser({ userName: 'ann@example.com' });
    const bad = await call(sim, 'PUT', `${assignmentsPath(sim, WS)}/principals/${user.id}`, { body: { permissions: ['OWNER'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const unknown = await call(sim, 'PUT', `${assignmentsPath(sim, WS)}/principals/999`, { body: { permissions: ['USER'] } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const workspace = await call(sim, 'GET', assignmentsPath(sim, '404404'));
    expect(workspace.status).toBe(404);
  });
});

describe('workspace visibility', () => {
  it('shows system groups, assigned groups and members of assigned groups, transitively', async () => {
    const ann = sim.state.createUser({ userName: 'ann@example.com' });
    const bob = sim.state.createUser({ userName: 'bob@example.com' });
    const carol = sim.state.createUser({ userName: 'carol@example.com' });
    const inner = sim.state.createGroup({ displayName: 'inner', members: [bob.id] });
    const team = sim.state.createGroup({ displayName: 'team', members: [ann.id, inner.id] });
    sim.state.createGroup({ displayName: 'unassigned', members: [carol.id] });
    sim.state.assign(WS, team.id, ['USER']);

    const groups = await ws('GET', 'Groups');
    expect(groups.body.Resources.map((g: { displayName: string; meta: { resourceType: string } }) => [g.displayName, g.meta.resourceType])).toEqual([
      ['users', 'WorkspaceGroup'],
      ['admins', 'WorkspaceGroup'],
      ['team', 'Group'],
    ]);
    const users = await ws('GET', 'Users');
    expect(users.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['ann@example.com', 'bob@example.com']);
    expect((await ws('GET', `Users/${carol.id}`)).status).toBe(404);
    const other = await call(sim, 'GET', workspaceScim('Users'), { workspaceId: OTHER });
    expect(other.body.totalResults).toBe(0);

    const sps = await ws('GET', 'ServicePrincipals');
    expect(sps.body.Resources.map((s: { displayName: string }) => s.displayName)).toEqual(['onboarder-controller']);
  });

  it('GET /Me returns the controller, a member of admins', async () => {
    const me = await ws('GET', 'Me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: sim.state.controller.id, userName: sim.state.controller.applicationId, displayName: 'onboarder-controller' });
    expect(me.body.groups.map((g: { display: string }) => g.display)).toContain('admins');
    const admins = await ws('GET', `Groups/${sim.state.systemGroup(WS, 'admins').id}`);
    expect(admins.body.members.map((m: { value: string }) => m.value)).toEqual([sim.state.controller.id]);
    expect(admins.body.entitlements.map((e: { value: string }) => e.value)).toEqual([...ADMINS_ENTITLEMENTS]);
  });
});

describe('entitlements', () => {
  function assignedUser() {
    const user = sim.state.createUser({ userName: 'ann@example.com' });
    sim.state.assign(WS, user.id, ['USER']);
    return user;
  }

  it('adds, removes and replaces entitlements on a visible user, and lists them', async () => {
    const user = assignedUser();
    expect((await ws('GET', `Users/${user.id}`)).body.entitlements).toBeUndefined();
    const add = await ws('PATCH', `Users/${user.id}`, patchOp({ op: 'add', path: 'entitlements', value: [{ value: 'workspace-access' }, { value: 'databricks-sql-access' }] }));
    expect(add.status).toBe(204);
    expect(sim.state.entitlements(WS, user.id)).toEqual(['workspace-access', 'databricks-sql-access']);
    await ws('PATCH', `Users/${user.id}`, patchOp({ op: 'remove', path: 'entitlements', value: [{ value: 'databricks-sql-access' }] }));
    expect(sim.state.entitlements(WS, user.id)).toEqual(['workspace-access']);
    await ws('PATCH', `Users/${user.id}`, patchOp({ op: 'replace', path: 'entitlements', value: [{ value: 'allow-cluster-create' }] }));
    const listed = await ws('GET', 'Users');
    expect(listed.body.Resources[0].entitlements).toEqual([{ value: 'allow-cluster-create' }]);
    expect(sim.state.entitlements(OTHER, user.id)).toEqual([]);
  });

  it('clears with [{value:""}] and refuses value:null', async () => {
    const group = sim.state.createGroup({ displayName: 'team' });
    sim.state.assign(WS, group.id, ['USER']);
    sim.state.setEntitlements(WS, group.id, ['workspace-access']);
    const cleared = await ws('PATCH', `Groups/${group.id}`, patchOp({ op: 'replace', path: 'entitlements', value: [{ value: '' }] }));
    expect(cleared.status).toBe(204);
    expect(sim.state.entitlements(WS, group.id)).toEqual([]);
    const nulled = await ws('PATCH', `Groups/${group.id}`, patchOp({ op: 'replace', path: 'entitlements', value: null }));
    expect(nulled.status).toBe(400);
    expect(nulled.body.detail).toBe('Error in performing the patch operation on group resource.');
  });

  it('refuses removing entitlements from a principal that has none with invalidPath', async () => {
    const user = assignedUser();
    const response = await ws('PATCH', `Users/${user.id}`, patchOp({ op: 'remove', path: 'entitlements', value: [{ value: 'workspace-access' }] }));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      scimType: 'invalidPath',
      detail: 'No such attribute with the name : entitlements in the current resource',
    });
  });

  it('refuses unknown entitlement values without applying the rest', async () => {
    const user = assignedUser();
    const response = await ws(
      'PATCH',
      `Users/${user.id}`,
      patchOp(
        { op: 'add', path: 'entitlements', value: [{ value: 'workspace-access' }] },
        { op: 'add', path: 'entitlements', value: [{ value: 'superpowers' }] },
      ),
    );
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('superpowers');
    expect(sim.state.entitlements(WS, user.id)).toEqual([]);
  });

  it('keeps the system groups fixed: no entitlement changes, no members', async () => {
    const users = sim.state.systemGroup(WS, 'users');
    const admins = sim.state.systemGroup(WS, 'admins');
    const grant = await ws('PATCH', `Groups/${users.id}`, patchOp({ op: 'add', path: 'entitlements', value: [{ value: 'workspace-access' }] }));
    expect(grant.status).toBe(400);
    expect(grant.body.detail).toMatch(/system group 'users' are fixed/);
    const strip = await ws('PATCH', `Groups/${admins.id}`, patchOp({ op: 'remove', path: 'entitlements', value: [{ value: 'allow-cluster-create' }] }));
    expect(strip.status).toBe(400);
    expect(sim.state.entitlements(WS, admins.id)).toEqual([...ADMINS_ENTITLEMENTS]);
    const user = assignedUser();
    const join = await ws('PATCH', `Groups/${users.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user.id }] }));
    expect(join.status).toBe(400);
    expect(join.body.detail).toMatch(/members/);
    expect(sim.state.entitlements(WS, users.id)).toEqual([]);
  });

  it('answers 404 for a principal not visible in the workspace', async () => {
    const user = sim.state.createUser({ userName: 'ann@example.com' });
    const response = await ws('PATCH', `Users/${user.id}`, patchOp({ op: 'add', path: 'entitlements', value: [{ value: 'workspace-access' }] }));
    expect(response.status).toBe(404);
    expect(response.body.status).toBe('404');
  });

  it('refuses membership and name changes on account groups', async () => {
    const group = sim.state.createGroup({ displayName: 'team' });
    const user = assignedUser();
    sim.state.assign(WS, group.id, ['USER']);
    const join = await ws('PATCH', `Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user.id }] }));
    expect(join.status).toBe(400);
    expect(join.body.detail).toMatch(/account level/);
    const rename = await ws('PATCH', `Groups/${group.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' }));
    expect(rename.status).toBe(400);
    expect(sim.state.members(group.id)).toEqual([]);
  });

  it('setEntitlements bypasses the rules to make drift', async () => {
    const users = sim.state.systemGroup(WS, 'users');
    sim.state.setEntitlements(WS, users.id, ['workspace-access']);
    const got = await ws('GET', `Groups/${users.id}?attributes=entitlements`);
    expect(got.body).toEqual({ id: users.id, schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], entitlements: [{ value: 'workspace-access' }] });
  });

  it('unassigning a principal drops its workspace entitlements', async () => {
    const user = assignedUser();
    sim.state.setEntitlements(WS, user.id, ['workspace-access']);
    await call(sim, 'DELETE', `${assignmentsPath(sim, WS)}/principals/${user.id}`);
    expect(sim.state.entitlements(WS, user.id)).toEqual([]);
    expect((await ws('GET', `Users/${user.id}`)).status).toBe(404);
  });
});
