import { describe, expect, it } from 'vitest';
import { useWorkspaceSim, WORKSPACE_ID } from '../../test/support/workspace-sim.js';
import { ObjectPermissions } from './permissions.js';
import { SqlWarehouses } from './sql-warehouses.js';

describe('ObjectPermissions against the simulator', () => {
  const ws = useWorkspaceSim();

  async function warehouseWithGroup(): Promise<string> {
    const { id } = await new SqlWarehouses(ws.options).create({
      name: 'bi',
      clusterSize: 'Small',
      minNumClusters: 1,
      maxNumClusters: 1,
      autoStopMins: 10,
      enableServerlessCompute: false,
      tags: {},
    });
    const group = ws.sim.state.createGroup({ displayName: 'acme-analysts' });
    ws.sim.state.assign(WORKSPACE_ID, group.id, ['USER']);
    return id;
  }

  it('flattens the ACL, marking inherited entries, and PUT replaces only direct ones', async () => {
    const id = await warehouseWithGroup();
    const acl = new ObjectPermissions(ws.options);
    const controller = ws.sim.state.controller.applicationId;
    const before = await acl.get('warehouses', id);
    expect(before).toContainEqual({ kind: 'group', principal: 'admins', level: 'CAN_MANAGE', inherited: true });
    expect(before).toContainEqual({ kind: 'servicePrincipal', principal: controller, level: 'IS_OWNER', inherited: false });

    const after = await acl.set('warehouses', id, [
      { kind: 'servicePrincipal', principal: controller, level: 'IS_OWNER' },
      { kind: 'group', principal: 'acme-analysts', level: 'CAN_USE' },
    ]);
    expect(after.filter((e) => !e.inherited)).toEqual([
      { kind: 'group', principal: 'acme-analysts', level: 'CAN_USE', inherited: false },
      { kind: 'servicePrincipal', principal: controller, level: 'IS_OWNER', inherited: false },
    ]);
    expect(await acl.update('warehouses', id, [{ kind: 'group', principal: 'acme-analysts', level: 'CAN_MONITOR' }])).toContainEqual({
      kind: 'group',
      principal: 'acme-analysts',
      level: 'CAN_MONITOR',
      inherited: false,
    });
  });

  it('surfaces a level the object type does not have', async () => {
    const id = await warehouseWithGroup();
    const acl = new ObjectPermissions(ws.options);
    await expect(acl.set('warehouses', id, [{ kind: 'group', principal: 'acme-analysts', level: 'CAN_EDIT' }])).rejects.toMatchObject({ status: 400 });
  });
});
