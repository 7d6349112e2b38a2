import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { call } from './test-helpers.js';

const WS = '1234567890123456';
const OTHER = '2222222222222222';
let sim: Simulator;

beforeEach(async () => {
  sim = createSimulator({ workspaces: [{ workspaceId: WS }, { workspaceId: OTHER }] });
  await sim.listen();
});
afterEach(() => sim.close());

const perms = (method: string, resource: string, body?: unknown, workspaceId = WS) =>
  call(sim, method, `/api/2.0/permissions/${resource}`, body === undefined ? { workspaceId } : { workspaceId, body });
const acl = (...entries: Record<string, string>[]) => ({ access_control_list: entries });

async function warehouse(workspaceId = WS): Promise<string> {
  const created = await call(sim, 'POST', '/api/2.0/sql/warehouses', { workspaceId, body: { name: `w-${Math.random()}`, cluster_size: 'Small' } });
  expect(created.status).toBe(200);
  return created.body.id as string;
}
async function policy(): Promise<string> {
  const created = await call(sim, 'POST', '/api/2.0/policies/clusters/create', { workspaceId: WS, body: { name: 'p', definition: '{}' } });
  return created.body.policy_id as string;
}
async function notebook(path: string): Promise<number> {
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  await call(sim, 'POST', '/api/2.0/workspace/mkdirs', { workspaceId: WS, body: { path: parent } });
  const body = { path, format: 'SOURCE', language: 'PYTHON', content: Buffer.from('x').toString('base64') };
  expect((await call(sim, 'POST', '/api/2.0/workspace/import', { workspaceId: WS, body })).status).toBe(200);
  return (await call(sim, 'GET', `/api/2.0/workspace/get-status?path=${encodeURIComponent(path)}`, { workspaceId: WS })).body.object_id as number;
}
/** An account group assigned to WS. */
function assignedGroup(name: string) {
  const group = sim.state.createGroup({ displayName: name });
  sim.state.assign(WS, group.id, ['USER']);
  return group;
}

const admins = (from: string) => ({ group_name: 'admins', all_permissions: [{ permission_level: 'CAN_MANAGE', inherited: true, inherited_from_object: [from] }] });

describe('warehouses', () => {
  it('answers the creator as IS_OWNER and admins as inherited, under both path spellings', async () => {
    const id = await warehouse();
    const expected = {
      object_id: `/sql/warehouses/${id}`,
      object_type: 'warehouses',
      access_control_list: [
        {
          service_principal_name: sim.state.controller.applicationId,
          display_name: 'onboarder-controller',
          all_permissions: [{ permission_level: 'IS_OWNER', inherited: false }],
        },
        admins('/sql/warehouses/'),
      ],
    };
    expect((await perms('GET', `warehouses/${id}`)).body).toEqual(expected);
    expect((await perms('GET', `sql/warehouses/${id}`)).body).toEqual(expected);
  });

  it('PUT replaces the direct entries but keeps the owner and the inherited admins', async () => {
    const id = await warehouse();
    assignedGroup('analysts');
    assignedGroup('engineers');
    sim.state.setPermission(WS, 'warehouses', id, { principal: 'someone@example.com', kind: 'user', level: 'CAN_MONITOR' });
    const put = await perms('PUT', `warehouses/${id}`, acl({ group_name: 'analysts', permission_level: 'CAN_USE' }, { group_name: 'engineers', permission_level: 'CAN_MANAGE' }));
    expect(put.status).toBe(200);
    expect(put.body.access_control_list).toContainEqual(admins('/sql/warehouses/'));
    expect(sim.state.permissions(WS, 'warehouses', id)).toEqual([
      { principal: sim.state.controller.applicationId, kind: 'servicePrincipal', level: 'IS_OWNER' },
      { principal: 'analysts', kind: 'group', level: 'CAN_USE' },
      { principal: 'engineers', kind: 'group', level: 'CAN_MANAGE' },
    ]);
    expect((await perms('GET', `warehouses/${id}`)).body).toEqual(put.body);

    expect((await perms('PUT', `warehouses/${id}`, acl())).status).toBe(200);
    expect(sim.state.permissions(WS, 'warehouses', id).map((e) => e.level)).toEqual(['IS_OWNER']);
  });

  it('a new IS_OWNER replaces the owner (PUT and PATCH); groups cannot own, and one owner only', async () => {
    const id = await warehouse();
    const ann = sim.state.createUser({ userName: 'ann@example.com', displayName: 'Ann' });
    const bob = sim.state.createUser({ userName: 'bob@example.com' });
    for (const user of [ann, bob]) sim.state.assign(WS, user.id, ['USER']);
    assignedGroup('analysts');

    const put = await perms('PUT', `warehouses/${id}`, acl({ user_name: 'ANN@example.com', permission_level: 'IS_OWNER' }));
    expect(put.body.access_control_list[0]).toEqual({
      user_name: 'ann@example.com',
      display_name: 'Ann',
      all_permissions: [{ permission_level: 'IS_OWNER', inherited: false }],
    });
    expect(sim.state.permissions(WS, 'warehouses', id)).toEqual([{ principal: 'ann@example.com', kind: 'user', level: 'IS_OWNER' }]);

    await perms('PATCH', `warehouses/${id}`, acl({ user_name: 'bob@example.com', permission_level: 'IS_OWNER' }));
    expect(sim.state.permissions(WS, 'warehouses', id)).toEqual([{ principal: 'bob@example.com', kind: 'user', level: 'IS_OWNER' }]);

    const groupOwner = await perms('PUT', `warehouses/${id}`, acl({ group_name: 'analysts', permission_level: 'IS_OWNER' }));
    expect(groupOwner.status).toBe(400);
    const twoOwners = await perms('PUT', `warehouses/${id}`, acl(
      { user_name: 'ann@example.com', permission_level: 'IS_OWNER' },
      { user_name: 'bob@example.com', permission_level: 'IS_OWNER' },
    ));
    expect(twoOwners.status).toBe(400);
    expect(sim.state.permissions(WS, 'warehouses', id)).toEqual([{ principal: 'bob@example.com', kind: 'user', level: 'IS_OWNER' }]);
  });

  it('PATCH merges: listed principals get the listed level, others stay', async () => {
    const id = await warehouse();
    assignedGroup('analysts');
    assignedGroup('engineers');
    await perms('PUT', `warehouses/${id}`, acl({ group_name: 'analysts', permission_level: 'CAN_MANAGE' }, { group_name: 'engineers', permission_level: 'CAN_USE' }));
    const patched = await perms('PATCH', `warehouses/${id}`, acl({ group_name: 'analysts', permission_level: 'CAN_VIEW' }, { group_name: 'users', permission_level: 'CAN_USE' }));
    expect(patched.status).toBe(200);
    const direct = sim.state.permissions(WS, 'warehouses', id);
    expect(direct).toContainEqual({ principal: 'analysts', kind: 'group', level: 'CAN_VIEW' });
    expect(direct).toContainEqual({ principal: 'engineers', kind: 'group', level: 'CAN_USE' });
    expect(direct).toContainEqual({ principal: 'users', kind: 'group', level: 'CAN_USE' });
    expect(direct.filter((e) => e.principal === 'analysts')).toHaveLength(1);
    expect(direct).toHaveLength(4);
  });

  it('refuses unsupported levels, admins, malformed entries and duplicate principals', async () => {
    const id = await warehouse();
    assignedGroup('analysts');
    const level = await perms('PUT', `warehouses/${id}`, acl({ group_name: 'analysts', permission_level: 'CAN_READ' }));
    expect(level.status).toBe(400);
    expect(level.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Permission level CAN_READ is not supported for warehouses; use one of CAN_VIEW, CAN_MONITOR, CAN_USE, CAN_MANAGE, IS_OWNER.',
    });
    const adminsEntry = await perms('PATCH', `warehouses/${id}`, acl({ group_name: 'admins', permission_level: 'CAN_MANAGE' }));
    expect(adminsEntry.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Cannot change permissions of group admins' });
    const twoKeys = await perms('PUT', `warehouses/${id}`, acl({ group_name: 'analysts', user_name: 'a@b.c', permission_level: 'CAN_USE' }));
    expect(twoKeys.status).toBe(400);
    expect((await perms('PUT', `warehouses/${id}`, acl({ permission_level: 'CAN_USE' }))).status).toBe(400);
    const twice = await perms('PUT', `warehouses/${id}`, acl({ group_name: 'analysts', permission_level: 'CAN_USE' }, { group_name: 'Analysts', permission_level: 'CAN_VIEW' }));
    expect(twice.status).toBe(400);
    expect((await perms('PUT', `warehouses/${id}`, {})).status).toBe(400);
    expect(sim.state.permissions(WS, 'warehouses', id)).toHaveLength(1);
  });

  it('refuses principals that are not visible in the workspace', async () => {
    const id = await warehouse();
    const unassigned = sim.state.createGroup({ displayName: 'outsiders' });
    sim.state.assign(OTHER, unassigned.id, ['USER']);
    const stranger = sim.state.createUser({ userName: 'stranger@example.com' });
    const robot = sim.state.createServicePrincipal({ displayName: 'robot' });
    for (const [entry, message] of [
      [{ group_name: 'outsiders' }, 'Principal: GroupName(outsiders) does not exist'],
      [{ group_name: 'nobody' }, 'Principal: GroupName(nobody) does not exist'],
      [{ user_name: 'stranger@example.com' }, 'Principal: UserName(stranger@example.com) does not exist'],
      [{ service_principal_name: robot.applicationId }, `Principal: ServicePrincipalName(${robot.applicationId}) does not exist`],
    ] as const) {
      const refused = await perms('PATCH', `warehouses/${id}`, acl({ ...entry, permission_level: 'CAN_USE' }));
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message });
    }
    // Membership of an assigned group makes a user visible, as in workspace SCIM.
    const team = assignedGroup('team');
    sim.state.addMember(team.id, stranger.id);
    expect((await perms('PATCH', `warehouses/${id}`, acl({ user_name: 'stranger@example.com', permission_level: 'CAN_USE' }))).status).toBe(200);
  });
});

describe('cluster policies, notebooks and directories', () => {
  it('cluster policies support CAN_USE only and inherit admins from /cluster-policies/', async () => {
    const id = await policy();
    assignedGroup('engineers');
    const put = await perms('PUT', `cluster-policies/${id}`, acl({ group_name: 'engineers', permission_level: 'CAN_USE' }));
    expect(put.body).toEqual({
      object_id: `/cluster-policies/${id}`,
      object_type: 'cluster-policy',
      access_control_list: [
        { group_name: 'engineers', all_permissions: [{ permission_level: 'CAN_USE', inherited: false }] },
        admins('/cluster-policies/'),
      ],
    });
    const refused = await perms('PATCH', `cluster-policies/${id}`, acl({ group_name: 'engineers', permission_level: 'CAN_MANAGE' }));
    expect(refused.body.message).toBe('Permission level CAN_MANAGE is not supported for cluster-policies; use one of CAN_USE.');
    expect((await perms('GET', `cluster-policies/${id}/permissionLevels`)).body).toEqual({
      permission_levels: [{ permission_level: 'CAN_USE', description: expect.any(String) }],
    });
  });

  it('notebooks are keyed by object_id and inherit admins and their folders’ entries', async () => {
    const id = await notebook('/Customers/Acme/nb');
    const folder = sim.state.workspaceObject(WS, '/Customers/Acme')!;
    assignedGroup('readers');
    assignedGroup('editors');
    expect((await perms('PUT', `directories/${folder.objectId}`, acl({ group_name: 'readers', permission_level: 'CAN_READ' }))).status).toBe(200);
    const put = await perms('PUT', `notebooks/${id}`, acl({ group_name: 'readers', permission_level: 'CAN_RUN' }, { group_name: 'editors', permission_level: 'CAN_EDIT' }));
    expect(put.body).toEqual({
      object_id: `/notebooks/${id}`,
      object_type: 'notebook',
      access_control_list: [
        {
          group_name: 'readers',
          all_permissions: [
            { permission_level: 'CAN_RUN', inherited: false },
            { permission_level: 'CAN_READ', inherited: true, inherited_from_object: [`/directories/${folder.objectId}`] },
          ],
        },
        { group_name: 'editors', all_permissions: [{ permission_level: 'CAN_EDIT', inherited: false }] },
        admins('/directories/0'),
      ],
    });
    expect(sim.state.permissions(WS, 'notebooks', id).map((e) => `${e.principal}=${e.level}`)).toEqual(['readers=CAN_RUN', 'editors=CAN_EDIT']);
    expect((await perms('PUT', `notebooks/${id}`, acl({ group_name: 'readers', permission_level: 'IS_OWNER' }))).status).toBe(400);
  });

  it('the root directory is 0; a notebook id is not a directory', async () => {
    const root = await perms('GET', 'directories/0');
    expect(root.body).toEqual({ object_id: '/directories/0', object_type: 'directory', access_control_list: [admins('/directories/0')] });
    const id = await notebook('/nb');
    expect((await perms('GET', `directories/${id}`)).status).toBe(404);
    expect((await perms('GET', `notebooks/${id}/permissionLevels`)).body.permission_levels.map((l: { permission_level: string }) => l.permission_level)).toEqual([
      'CAN_READ',
      'CAN_RUN',
      'CAN_EDIT',
      'CAN_MANAGE',
    ]);
  });
});

describe('objects and workspaces', () => {
  it('answers 404 for unknown objects, objects of another workspace and deleted ones', async () => {
    const id = await warehouse();
    for (const [resource, workspaceId] of [
      ['warehouses/0123456789abcdef', WS],
      [`warehouses/${id}`, OTHER],
      [`sql/warehouses/${id}`, OTHER],
      ['notebooks/1000000000009999', WS],
      ['cluster-policies/FFFF', WS],
    ] as const) {
      const missing = await perms('GET', resource, undefined, workspaceId);
      expect(missing.status).toBe(404);
      expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    }
    expect((await perms('PUT', `warehouses/${id}`, acl(), OTHER)).status).toBe(404);
    await call(sim, 'DELETE', `/api/2.0/sql/warehouses/${id}`, { workspaceId: WS });
    expect((await perms('GET', `warehouses/${id}`)).status).toBe(404);
    expect(() => sim.state.permissions(WS, 'warehouses', id)).toThrow(/does not exist/);
  });

  it('other object types are not modelled; requests log the permissions family', async () => {
    const jobs = await perms('GET', 'jobs/1');
    expect(jobs.status).toBe(404);
    expect(jobs.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    expect(sim.requests.at(-1)).toMatchObject({ family: 'permissions', workspaceId: WS });
    expect((await call(sim, 'GET', '/api/2.0/permissions/directories/0')).status).toBe(400);
  });

  it('setPermission makes drift that GET shows and PUT repairs', async () => {
    const id = await warehouse();
    assignedGroup('analysts');
    await perms('PUT', `warehouses/${id}`, acl({ group_name: 'analysts', permission_level: 'CAN_USE' }));
    sim.state.setPermission(WS, 'warehouses', id, { principal: 'analysts', kind: 'group', level: 'CAN_MANAGE' });
    const drifted = await perms('GET', `warehouses/${id}`);
    expect(drifted.body.access_control_list).toContainEqual({ group_name: 'analysts', all_permissions: [{ permission_level: 'CAN_MANAGE', inherited: false }] });
    await perms('PUT', `warehouses/${id}`, acl({ group_name: 'analysts', permission_level: 'CAN_USE' }));
    expect(sim.state.permissions(WS, 'warehouses', id)).toContainEqual({ principal: 'analysts', kind: 'group', level: 'CAN_USE' });
  });
});
