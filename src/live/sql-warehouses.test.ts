import { describe, expect, it } from 'vitest';
import { useWorkspaceSim, WORKSPACE_ID } from '../../test/support/workspace-sim.js';
import { SqlWarehouses, type WarehouseSpec } from './sql-warehouses.js';

const spec: WarehouseSpec = {
  name: 'acme-bi',
  clusterSize: 'Small',
  minNumClusters: 1,
  maxNumClusters: 2,
  autoStopMins: 0,
  enableServerlessCompute: false,
  tags: { team: 'bi', customer_id: 'acme' },
};

describe('SqlWarehouses against the simulator', () => {
  const ws = useWorkspaceSim();

  it('creates with the whole object, zero and false included, and reads it back', async () => {
    const warehouses = new SqlWarehouses(ws.options);
    const { id } = await warehouses.create(spec);
    expect(await warehouses.get(id)).toMatchObject({ ...spec, id, warehouseType: 'PRO', state: 'RUNNING' });
    // auto_stop_mins 0 survives only because it is sent: the service default is 120.
    expect(ws.sim.state.findWarehouse(WORKSPACE_ID, 'acme-bi')).toMatchObject({ autoStopMins: 0, tags: { customer_id: 'acme', team: 'bi' } });
    expect(await warehouses.get('0000000000000000')).toBeNull();
  });

  it('edits as a full replacement and lists every page', async () => {
    const warehouses = new SqlWarehouses(ws.options, 1);
    const ids = [];
    for (const name of ['a', 'b', 'c']) ids.push((await warehouses.create({ ...spec, name })).id);
    await warehouses.edit(ids[0]!, { ...spec, name: 'a', autoStopMins: 30, tags: {} });
    const listed = await warehouses.list();
    expect(listed.map((w) => w.name).sort()).toEqual(['a', 'b', 'c']);
    expect(listed.find((w) => w.name === 'a')).toMatchObject({ autoStopMins: 30, tags: {} });
    expect(ws.sim.requests.filter((r) => r.method === 'GET' && r.path === '/api/2.0/sql/warehouses').length).toBeGreaterThanOrEqual(3);

    await warehouses.delete(ids[1]!);
    await warehouses.delete(ids[1]!); // already gone: still fine
    expect((await warehouses.list()).map((w) => w.name).sort()).toEqual(['a', 'c']);
  });

  it('surfaces the service refusing an invalid size', async () => {
    const warehouses = new SqlWarehouses(ws.options);
    await expect(warehouses.create({ ...spec, clusterSize: 'Huge' })).rejects.toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
  });
});
