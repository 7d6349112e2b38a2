import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { call, ucPath } from './test-helpers.js';

const WS = '1234567890123456';
const OTHER = '2222222222222222';
const THIRD = '33';
let sim: Simulator;

beforeEach(async () => {
  sim = createSimulator({
    workspaces: [{ workspaceId: WS }, { workspaceId: OTHER }, { workspaceId: THIRD }],
    storageCredentials: ['lake-role', 'Other-Role'],
    ucPageSize: 2,
  });
  await sim.listen();
});
afterEach(() => sim.close());

const uc = (method: string, resource: string, body?: unknown, workspaceId = WS) =>
  call(sim, method, ucPath(resource), body === undefined ? { workspaceId } : { workspaceId, body });
const createLocation = (name: string, url: string, extra: Record<string, unknown> = {}) =>
  uc('POST', 'external-locations', { name, url, credential_name: 'lake-role', ...extra });

describe('storage credentials', () => {
  it('lists and gets the seeded credentials, read-only', async () => {
    sim.state.uc.addStorageCredential('third', { comment: 'added by a test' });
    const first = await uc('GET', 'storage-credentials');
    expect(first.body.storage_credentials.map((c: { name: string }) => c.name)).toEqual(['lake-role', 'other-role']);
    const second = await uc('GET', `storage-credentials?page_token=${first.body.next_page_token}`);
    expect(second.body).toEqual({ storage_credentials: [expect.objectContaining({ name: 'third', comment: 'added by a test' })] });
    const got = await uc('GET', 'storage-credentials/Lake-Role');
    expect(got.body).toMatchObject({
      name: 'lake-role',
      full_name: 'lake-role',
      owner: sim.state.controller.applicationId,
      read_only: false,
      isolation_mode: 'ISOLATION_MODE_OPEN',
      metastore_id: sim.state.uc.metastoreId,
      aws_iam_role: { role_arn: expect.stringContaining('lake-role') },
    });
    expect((await uc('GET', 'storage-credentials/nope')).body.error_code).toBe('STORAGE_CREDENTIAL_DOES_NOT_EXIST');
    expect((await uc('DELETE', 'storage-credentials/lake-role')).body.error_code).toBe('ENDPOINT_NOT_FOUND');
    expect(() => sim.state.uc.addStorageCredential('LAKE-ROLE')).toThrow(/already exists/);
  });
});

describe('external locations', () => {
  it('creates with a required, existing credential', async () => {
    const created = await createLocation('Landing', 's3://bucket/landing/', { comment: 'raw', read_only: true, skip_validation: true });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: 'landing',
      url: 's3://bucket/landing',
      credential_name: 'lake-role',
      credential_id: sim.state.uc.storageCredential('lake-role')?.id,
      owner: sim.state.controller.applicationId,
      comment: 'raw',
      read_only: true,
      isolation_mode: 'ISOLATION_MODE_OPEN',
    });
    const noCredential = await uc('POST', 'external-locations', { name: 'x', url: 's3://bucket/x' });
    expect(noCredential.status).toBe(400);
    expect(noCredential.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const unknown = await createLocation('x', 's3://bucket/x', { credential_name: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('STORAGE_CREDENTIAL_DOES_NOT_EXIST');
    expect((await createLocation('x', 'not a url')).status).toBe(400);
    const duplicate = await createLocation('LANDING', 's3://bucket/elsewhere');
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error_code).toBe('EXTERNAL_LOCATION_ALREADY_EXISTS');
    expect(sim.state.uc.externalLocations.map((l) => l.name)).toEqual(['landing']);
  });

  it('refuses overlapping URLs: equal, parent or child paths', async () => {
    expect((await createLocation('data', 's3://bucket/data')).status).toBe(200);
    for (const url of ['s3://bucket/data', 's3://bucket/data/', 's3://bucket/data/sub', 's3://bucket']) {
      const response = await createLocation('clash', url);
      expect(response.status, url).toBe(400);
      expect(response.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(response.body.message).toContain("'data'");
    }
    expect((await createLocation('sibling', 's3://bucket/data2')).status).toBe(200);
    expect((await createLocation('other-bucket', 's3://other/data')).status).toBe(200);
    expect((await uc('PATCH', 'external-locations/sibling', { url: 's3://bucket/data/x' })).status).toBe(400);
    // Moving a location under its own old URL is no overlap.
    expect((await uc('PATCH', 'external-locations/data', { url: 's3://bucket/data/v2' })).status).toBe(200);
  });

  it('updates, lists and deletes', async () => {
    await createLocation('landing', 's3://bucket/landing');
    sim.state.createGroup({ displayName: 'stewards' });
    const patched = await uc('PATCH', 'external-locations/landing', {
      comment: 'new',
      read_only: true,
      owner: 'stewards',
      credential_name: 'other-role',
      url: 's3://bucket/landing2',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ comment: 'new', read_only: true, owner: 'stewards', credential_name: 'other-role', url: 's3://bucket/landing2' });
    expect((await uc('PATCH', 'external-locations/landing', { credential_name: 'nope' })).body.error_code).toBe('STORAGE_CREDENTIAL_DOES_NOT_EXIST');
    expect((await uc('PATCH', 'external-locations/landing', { isolation_mode: 'ISOLATED' })).status).toBe(400);
    expect((await uc('PATCH', 'external-locations/landing', { owner: 'users' })).body.error_code).toBe('PRINCIPAL_DOES_NOT_EXIST');

    await createLocation('archive', 's3://bucket/archive');
    await createLocation('zz', 's3://bucket/zz');
    const first = await uc('GET', 'external-locations?max_results=0');
    expect(first.body.external_locations.map((l: { name: string }) => l.name)).toEqual(['archive', 'landing']);
    expect(first.body.next_page_token).toBeDefined();

    expect((await uc('DELETE', 'external-locations/landing?force=true')).status).toBe(200);
    const gone = await uc('GET', 'external-locations/landing');
    expect(gone.status).toBe(404);
    expect(gone.body.error_code).toBe('EXTERNAL_LOCATION_DOES_NOT_EXIST');
  });

  it('an ISOLATION_MODE_ISOLATED location is hidden from unbound workspaces', async () => {
    await createLocation('landing', 's3://bucket/landing');
    expect((await uc('PATCH', 'external-locations/landing', { isolation_mode: 'ISOLATION_MODE_ISOLATED' })).status).toBe(200);
    expect((await uc('GET', 'external-locations/landing')).status).toBe(403);
    expect((await uc('GET', 'external-locations')).body).toEqual({});
    await uc('PATCH', 'bindings/external_location/landing', { add: [{ workspace_id: Number(WS) }] });
    expect((await uc('GET', 'external-locations/landing')).status).toBe(200);
    expect((await uc('GET', 'external-locations/landing', undefined, OTHER)).status).toBe(403);
    expect((await uc('GET', 'permissions/external_location/landing', undefined, OTHER)).status).toBe(403);
  });
});

describe('workspace bindings', () => {
  beforeEach(() => {
    sim.state.uc.createCatalog({ name: 'main' });
    sim.state.uc.createExternalLocation({ name: 'landing', url: 's3://bucket/landing', credentialName: 'lake-role' });
  });

  it('the bindings API adds (READ_WRITE by default), retypes and removes, answering the full list', async () => {
    expect((await uc('GET', 'bindings/catalog/main')).body).toEqual({});
    const added = await uc('PATCH', 'bindings/catalog/main', {
      add: [{ workspace_id: Number(OTHER), binding_type: 'BINDING_TYPE_READ_ONLY' }, { workspace_id: Number(WS) }],
    });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({
      bindings: [
        { workspace_id: Number(WS), binding_type: 'BINDING_TYPE_READ_WRITE' },
        { workspace_id: Number(OTHER), binding_type: 'BINDING_TYPE_READ_ONLY' },
      ],
    });
    const retyped = await uc('PATCH', 'bindings/catalog/main', { add: [{ workspace_id: Number(OTHER), binding_type: 'BINDING_TYPE_READ_WRITE' }] });
    expect(retyped.body.bindings[1]).toEqual({ workspace_id: Number(OTHER), binding_type: 'BINDING_TYPE_READ_WRITE' });
    const removed = await uc('PATCH', 'bindings/catalog/main', { remove: [{ workspace_id: Number(WS) }, { workspace_id: Number(THIRD) }] });
    expect(removed.body).toEqual({ bindings: [{ workspace_id: Number(OTHER), binding_type: 'BINDING_TYPE_READ_WRITE' }] });
    expect(sim.state.uc.bindings('main')).toEqual([{ workspaceId: OTHER, bindingType: 'BINDING_TYPE_READ_WRITE' }]);
  });

  it('refuses READ_ONLY outside catalogs, unknown workspaces, string ids, unknown types and securables', async () => {
    const readOnly = await uc('PATCH', 'bindings/external_location/landing', { add: [{ workspace_id: Number(WS), binding_type: 'BINDING_TYPE_READ_ONLY' }] });
    expect(readOnly.status).toBe(400);
    expect(readOnly.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await uc('PATCH', 'bindings/external_location/landing', { add: [{ workspace_id: Number(WS) }] })).status).toBe(200);
    expect((await uc('PATCH', 'bindings/storage_credential/lake-role', { add: [{ workspace_id: Number(WS) }] })).status).toBe(200);
    const unknownWorkspace = await uc('PATCH', 'bindings/catalog/main', { add: [{ workspace_id: 999 }] });
    expect(unknownWorkspace.status).toBe(400);
    expect(unknownWorkspace.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await uc('PATCH', 'bindings/catalog/main', { add: [{ workspace_id: WS }] })).status).toBe(400);
    expect((await uc('PATCH', 'bindings/catalog/main', { add: [{ workspace_id: Number(WS), binding_type: 'RW' }] })).status).toBe(400);
    expect((await uc('GET', 'bindings/schema/main.default')).status).toBe(400);
    expect((await uc('GET', 'bindings/catalog/nope')).body.error_code).toBe('CATALOG_DOES_NOT_EXIST');
    expect(sim.state.uc.bindings('main')).toEqual([]);
  });

  it('paginates bindings in numeric workspace id order', async () => {
    await uc('PATCH', 'bindings/catalog/main', { add: [WS, OTHER, THIRD].map((id) => ({ workspace_id: Number(id) })) });
    const first = await uc('GET', 'bindings/catalog/main?max_results=0');
    expect(first.body.bindings.map((b: { workspace_id: number }) => b.workspace_id)).toEqual([Number(THIRD), Number(WS)]);
    const second = await uc('GET', `bindings/catalog/main?page_token=${first.body.next_page_token}`);
    expect(second.body).toEqual({ bindings: [{ workspace_id: Number(OTHER), binding_type: 'BINDING_TYPE_READ_WRITE' }] });
  });

  it('the old workspace-bindings API assigns and unassigns, sharing state with the new one', async () => {
    await uc('PATCH', 'bindings/catalog/main', { add: [{ workspace_id: Number(OTHER), binding_type: 'BINDING_TYPE_READ_ONLY' }] });
    const assigned = await uc('PATCH', 'workspace-bindings/catalogs/MAIN', { assign_workspaces: [Number(WS), Number(OTHER)] });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toEqual({ workspaces: [Number(WS), Number(OTHER)] });
    // Re-assigning through the old API keeps the existing type.
    expect(sim.state.uc.bindings('main')).toEqual([
      { workspaceId: WS, bindingType: 'BINDING_TYPE_READ_WRITE' },
      { workspaceId: OTHER, bindingType: 'BINDING_TYPE_READ_ONLY' },
    ]);
    const unassigned = await uc('PATCH', 'workspace-bindings/catalogs/main', { unassign_workspaces: [Number(OTHER)] });
    expect(unassigned.body).toEqual({ workspaces: [Number(WS)] });
    expect((await uc('GET', 'workspace-bindings/catalogs/main')).body).toEqual({ workspaces: [Number(WS)] });
    expect((await uc('PATCH', 'workspace-bindings/catalogs/main', { assign_workspaces: [404] })).status).toBe(400);
    expect((await uc('GET', 'workspace-bindings/catalogs/nope')).body.error_code).toBe('CATALOG_DOES_NOT_EXIST');
    await uc('PATCH', 'workspace-bindings/catalogs/main', { unassign_workspaces: [Number(WS)] });
    expect((await uc('GET', 'workspace-bindings/catalogs/main')).body).toEqual({});
  });

  it('bindings follow a rename and go with a delete', async () => {
    await uc('PATCH', 'bindings/catalog/main', { add: [{ workspace_id: Number(WS) }] });
    await uc('PATCH', 'catalogs/main', { new_name: 'renamed' });
    expect(sim.state.uc.bindings('renamed')).toHaveLength(1);
    await uc('DELETE', 'catalogs/renamed');
    sim.state.uc.createCatalog({ name: 'renamed' });
    expect(sim.state.uc.bindings('renamed')).toEqual([]);
  });
});
