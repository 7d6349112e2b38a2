import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { call, ucPath } from './test-helpers.js';

// Above 2^53: as a JS number it would become its neighbour, which also exists here.
const BIG = '9007199254740993';
const NEIGHBOUR = '9007199254740992';
let sim: Simulator;

beforeEach(async () => {
  sim = createSimulator({ workspaces: [{ workspaceId: BIG }, { workspaceId: NEIGHBOUR }] });
  await sim.listen();
  sim.state.uc.createCatalog({ name: 'main' });
});
afterEach(() => sim.close());

/** `body` is sent as raw text, so int64 literals reach the simulator exactly. */
const uc = (method: string, resource: string, body?: string, workspaceId = BIG) =>
  call(sim, method, ucPath(resource), body === undefined ? { workspaceId } : { workspaceId, body });

describe('int64 workspace ids', () => {
  it('the bindings API binds, answers and unbinds a workspace id above 2^53 exactly', async () => {
    const added = await uc('PATCH', 'bindings/catalog/main', `{"add":[{"workspace_id":${BIG},"binding_type":"BINDING_TYPE_READ_ONLY"}]}`);
    expect(added.status).toBe(200);
    const expected = `{"bindings":[{"workspace_id":${BIG},"binding_type":"BINDING_TYPE_READ_ONLY"}]}`;
    expect(added.text).toBe(expected);
    expect(sim.state.uc.bindings('main')).toEqual([{ workspaceId: BIG, bindingType: 'BINDING_TYPE_READ_ONLY' }]);
    expect((await uc('GET', 'bindings/catalog/main')).text).toBe(expected);

    const removed = await uc('PATCH', 'bindings/catalog/main', `{"remove":[{"workspace_id":${NEIGHBOUR}}]}`);
    expect(removed.text).toBe(expected);
    expect((await uc('PATCH', 'bindings/catalog/main', `{"remove":[{"workspace_id":${BIG}}]}`)).text).toBe('{}');
    expect(sim.state.uc.bindings('main')).toEqual([]);
  });

  it('the old workspace-bindings API assigns, answers and unassigns it exactly', async () => {
    const assigned = await uc('PATCH', 'workspace-bindings/catalogs/main', `{"assign_workspaces":[${BIG}]}`);
    expect(assigned.status).toBe(200);
    expect(assigned.text).toBe(`{"workspaces":[${BIG}]}`);
    expect((await uc('GET', 'workspace-bindings/catalogs/main')).text).toBe(`{"workspaces":[${BIG}]}`);
    expect(sim.state.uc.bindings('main')).toEqual([{ workspaceId: BIG, bindingType: 'BINDING_TYPE_READ_WRITE' }]);

    const both = await uc('PATCH', 'workspace-bindings/catalogs/main', `{"assign_workspaces":[${NEIGHBOUR}],"unassign_workspaces":[${BIG}]}`);
    expect(both.text).toBe(`{"workspaces":[${NEIGHBOUR}]}`);
  });

  it('current-metastore-assignment answers the calling workspace id exactly', async () => {
    const response = await uc('GET', 'current-metastore-assignment');
    expect(response.text).toBe(`{"workspace_id":${BIG},"metastore_id":"${sim.state.uc.metastoreId}","default_catalog_name":"main"}`);
  });

  it('reads only int64 values as ids: string ids, fractions and lookalikes inside strings are not', async () => {
    const refused = [`{"add":[{"workspace_id":"${BIG}"}]}`, '{"add":[{"workspace_id":1.5}]}', '{"add":[{"workspace_id":-1}]}', `{"assign_workspaces":["${BIG}"]}`];
    for (const body of refused) {
      const path = body.includes('assign') ? 'workspace-bindings/catalogs/main' : 'bindings/catalog/main';
      const response = await uc('PATCH', path, body);
      expect(response.status, body).toBe(400);
      expect(response.body.error_code, body).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await uc('PATCH', 'bindings/catalog/main', `{"add":[{"workspace_id":${BIG}]}`)).body.error_code).toBe('MALFORMED_REQUEST');
    expect(sim.state.uc.bindings('main')).toEqual([]);

    // An unknown field that mentions workspace_id inside a string is left alone.
    const noted = await uc('PATCH', 'bindings/catalog/main', `{"note":"{\\"workspace_id\\":\\"x\\"}","add":[{"workspace_id":${BIG}}]}`);
    expect(noted.status).toBe(200);
    expect(sim.state.uc.bindings('main')).toEqual([{ workspaceId: BIG, bindingType: 'BINDING_TYPE_READ_WRITE' }]);
  });
});
