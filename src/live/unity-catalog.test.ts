import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testHttp, useMswServer, useRecorded, type TestHttp, apiFailure } from '../../test/support/live.js';
import { createSimulator, DEFAULT_PAT, type Simulator } from '../simulator/index.js';
import { patTokenSource } from './auth.js';
import { UnityCatalog } from './unity-catalog.js';

const WS = '1234567890123456';
const DEV_WS = '2000000000000002';
const QA_WS = '3000000000000003';
const UC = '/api/2.1/unity-catalog';

describe('UnityCatalog against the simulator', () => {
  let sim: Simulator;
  let t: TestHttp;
  let uc: UnityCatalog;
  let clock: number;

  beforeEach(async () => {
    clock = 1_000_000;
    sim = createSimulator({
      now: () => clock,
      // Small pages, so every list below spans several.
      ucPageSize: 2,
      storageCredentials: ['cred-a', 'cred-b', 'cred-c'],
      workspaces: [
        { workspaceId: WS, name: 'prod' },
        { workspaceId: DEV_WS, name: 'dev' },
        { workspaceId: QA_WS, name: 'qa' },
      ],
    });
    await sim.listen();
    t = testHttp();
    uc = new UnityCatalog({ http: t.http, auth: patTokenSource(DEFAULT_PAT), baseUrl: sim.url, workspaceId: WS });
  });
  afterEach(async () => {
    await t.http.close();
    await sim.close();
  });

  const requests = (method: string, pathIncludes: string) => sim.requests.filter((r) => r.method === method && r.path.includes(pathIncludes));

  describe('catalogs', () => {
    it('creates (without owner or isolation, which the service refuses), reads, updates and deletes', async () => {
      const controller = sim.state.controller.applicationId;
      // The simulator answers 400 to a create carrying owner or isolation_mode, so this passing is the proof.
      expect(await uc.createCatalog({ name: 'acme', comment: 'Acme data' })).toEqual({ name: 'acme', owner: controller, comment: 'Acme data', isolation: 'OPEN' });
      expect(await uc.getCatalog('ACME')).toEqual({ name: 'acme', owner: controller, comment: 'Acme data', isolation: 'OPEN' });
      expect(requests('GET', '/catalogs/ACME')[0]?.workspaceId).toBe(WS);

      await uc.updateBindings('catalog', 'acme', { add: [{ workspaceId: WS, bindingType: 'READ_WRITE' }], remove: [] });
      expect(await uc.updateCatalog('acme', { comment: 'Acme, isolated', isolation: 'ISOLATED' })).toEqual({
        name: 'acme',
        owner: controller,
        comment: 'Acme, isolated',
        isolation: 'ISOLATED',
      });
      // An empty comment clears it; the client reads "no comment" as absent.
      expect(await uc.updateCatalog('acme', { comment: '' })).toEqual({ name: 'acme', owner: controller, isolation: 'ISOLATED' });

      await uc.deleteCatalog('acme');
      expect(await uc.getCatalog('acme')).toBeNull();
      await expect(uc.deleteCatalog('acme')).resolves.toBeUndefined();
    });

    it('answers null for a missing catalog and throws 403 for one isolated away from the workspace', async () => {
      expect(await uc.getCatalog('nope')).toBeNull();
      await uc.createCatalog({ name: 'hidden' });
      await uc.updateCatalog('hidden', { isolation: 'ISOLATED' });
      const error = await apiFailure(uc.getCatalog('hidden'));
      expect(error.status).toBe(403);
      expect(error.errorCode).toBe('PERMISSION_DENIED');
    });

    it('sends an owner change in its own PATCH, before the other fields', async () => {
      sim.state.createGroup({ displayName: 'acme-owners' });
      await uc.createCatalog({ name: 'acme' });
      sim.clearRequests();
      expect(await uc.updateCatalog('acme', { owner: 'acme-owners', comment: 'owned' })).toMatchObject({ owner: 'acme-owners', comment: 'owned' });
      expect(requests('PATCH', '/catalogs/acme')).toHaveLength(2);
    });

    it('deletes a non-empty catalog only with force', async () => {
      await uc.createCatalog({ name: 'acme' });
      await uc.createSchema({ catalogName: 'acme', name: 'raw' });
      const error = await apiFailure(uc.deleteCatalog('acme'));
      expect(error.errorCode).toBe('INVALID_STATE');
      await uc.deleteCatalog('acme', { force: true });
      expect(requests('DELETE', '/catalogs/acme').map((r) => r.query)).toEqual(['', 'force=true']);
      expect(await uc.getCatalog('acme')).toBeNull();
    });
  });

  describe('schemas', () => {
    it('lists every page with max_results=0', async () => {
      await uc.createCatalog({ name: 'acme' });
      for (const name of ['e', 'd', 'c', 'b', 'a']) await uc.createSchema({ catalogName: 'acme', name, comment: `schema ${name}` });
      sim.clearRequests();
      const schemas = await uc.listSchemas('acme');
      expect(schemas.map((s) => s.fullName)).toEqual(['acme.a', 'acme.b', 'acme.c', 'acme.d', 'acme.default', 'acme.e']);
      expect(schemas[0]).toEqual({ name: 'a', catalogName: 'acme', fullName: 'acme.a', owner: sim.state.controller.applicationId, comment: 'schema a' });
      const pages = requests('GET', '/schemas');
      expect(pages.length).toBeGreaterThan(1);
      for (const page of pages) expect(new URLSearchParams(page.query).get('max_results')).toBe('0');
    });

    it('keeps following the token past an empty page', async () => {
      await uc.createCatalog({ name: 'acme' });
      sim.state.uc.createSchema({ catalogName: 'acme', name: 'old' });
      sim.faults.listLagMs = 10_000;
      clock += 60_000;
      // Sorted first and still within the list lag: the first page scans them, shows nothing and carries a token.
      sim.state.uc.createSchema({ catalogName: 'acme', name: 'a1' });
      sim.state.uc.createSchema({ catalogName: 'acme', name: 'a2' });
      expect((await uc.listSchemas('acme')).map((s) => s.name)).toEqual(['default', 'old']);
    });

    it('updates and deletes by full name, dots kept in the path; a missing schema counts as deleted', async () => {
      await uc.createCatalog({ name: 'acme' });
      expect(await uc.createSchema({ catalogName: 'acme', name: 'raw' })).toMatchObject({ fullName: 'acme.raw' });
      expect(await uc.updateSchema('acme.raw', { comment: 'landing zone' })).toMatchObject({ fullName: 'acme.raw', comment: 'landing zone' });
      expect(requests('PATCH', '/schemas/')[0]?.path).toBe(`${UC}/schemas/acme.raw`);
      await uc.deleteSchema('acme.raw');
      await expect(uc.deleteSchema('acme.raw')).resolves.toBeUndefined();
      await expect(uc.deleteSchema('gone.raw')).resolves.toBeUndefined();
      expect((await uc.listSchemas('acme')).map((s) => s.name)).toEqual(['default']);
    });
  });

  describe('storage credentials and external locations', () => {
    it('lists every storage credential', async () => {
      expect(await uc.listStorageCredentials()).toEqual([{ name: 'cred-a' }, { name: 'cred-b' }, { name: 'cred-c' }]);
      expect(requests('GET', '/storage-credentials').length).toBeGreaterThan(1);
    });

    it('creates, reads, updates and deletes an external location', async () => {
      const owner = sim.state.controller.applicationId;
      const created = await uc.createExternalLocation({ name: 'landing', url: 's3://acme/landing', credentialName: 'cred-a', readOnly: true, comment: 'raw drops' });
      expect(created).toEqual({ name: 'landing', url: 's3://acme/landing', credentialName: 'cred-a', readOnly: true, owner, comment: 'raw drops' });
      expect(await uc.getExternalLocation('landing')).toEqual(created);

      const updated = await uc.updateExternalLocation('landing', { url: 's3://acme/landing-v2', credentialName: 'cred-b', readOnly: false, comment: 'v2' });
      expect(updated).toEqual({ name: 'landing', url: 's3://acme/landing-v2', credentialName: 'cred-b', readOnly: false, owner, comment: 'v2' });

      await uc.deleteExternalLocation('landing');
      expect(await uc.getExternalLocation('landing')).toBeNull();
      await expect(uc.deleteExternalLocation('landing')).resolves.toBeUndefined();
    });

    it('surfaces a missing credential as an ApiError with the API error code', async () => {
      const error = await apiFailure(uc.createExternalLocation({ name: 'landing', url: 's3://acme/landing', credentialName: 'nope' }));
      expect(error.status).toBe(404);
      expect(error.errorCode).toBe('STORAGE_CREDENTIAL_DOES_NOT_EXIST');
    });
  });

  describe('grants', () => {
    beforeEach(async () => {
      await uc.createCatalog({ name: 'acme' });
      sim.state.createGroup({ displayName: 'analysts' });
    });

    it('reads no grants as []', async () => {
      expect(await uc.getGrants('catalog', 'acme')).toEqual([]);
      expect(new URLSearchParams(requests('GET', '/permissions/catalog/acme')[0]?.query).get('max_results')).toBe('0');
    });

    it('adds and removes for several principals in one PATCH; no request without changes', async () => {
      await uc.updateGrants('catalog', 'acme', [{ principal: 'analysts', add: ['USE_CATALOG', 'SELECT'], remove: [] }]);
      sim.clearRequests();
      await uc.updateGrants('catalog', 'acme', [
        { principal: 'analysts', add: ['USE_SCHEMA'], remove: ['SELECT'] },
        { principal: 'account users', add: ['BROWSE'], remove: [] },
      ]);
      expect(requests('PATCH', '/permissions/')).toHaveLength(1);
      expect(await uc.getGrants('catalog', 'acme')).toEqual([
        { principal: 'account users', privileges: ['BROWSE'] },
        { principal: 'analysts', privileges: ['USE_CATALOG', 'USE_SCHEMA'] },
      ]);

      sim.clearRequests();
      await uc.updateGrants('catalog', 'acme', []);
      await uc.updateGrants('catalog', 'acme', [{ principal: 'analysts', add: [], remove: [] }]);
      expect(sim.requests).toEqual([]);
    });

    it('grants on schemas and external locations', async () => {
      await uc.createSchema({ catalogName: 'acme', name: 'raw' });
      await uc.createExternalLocation({ name: 'landing', url: 's3://acme/landing', credentialName: 'cred-a' });
      await uc.updateGrants('schema', 'acme.raw', [{ principal: 'analysts', add: ['USE_SCHEMA'], remove: [] }]);
      await uc.updateGrants('external_location', 'landing', [{ principal: 'analysts', add: ['READ_FILES'], remove: [] }]);
      expect(await uc.getGrants('schema', 'acme.raw')).toEqual([{ principal: 'analysts', privileges: ['USE_SCHEMA'] }]);
      expect(await uc.getGrants('external_location', 'landing')).toEqual([{ principal: 'analysts', privileges: ['READ_FILES'] }]);
    });

    it('reads grants across pages, privileges sorted', async () => {
      const seeded = Array.from({ length: 7 }, (_, i) => ({ principal: `group-${i}`, privileges: ['USE_CATALOG', 'BROWSE'] }));
      sim.state.uc.setGrants('catalog', 'acme', seeded);
      const grants = await uc.getGrants('catalog', 'acme');
      expect(grants).toEqual(seeded.map((g) => ({ principal: g.principal, privileges: ['BROWSE', 'USE_CATALOG'] })));
      const pages = requests('GET', '/permissions/catalog/acme');
      expect(pages).toHaveLength(4);
      for (const page of pages) expect(new URLSearchParams(page.query).get('max_results')).toBe('0');
    });

    it('surfaces PRINCIPAL_DOES_NOT_EXIST for a workspace-local group', async () => {
      const error = await apiFailure(uc.updateGrants('catalog', 'acme', [{ principal: 'users', add: ['USE_CATALOG'], remove: [] }]));
      expect(error.errorCode).toBe('PRINCIPAL_DOES_NOT_EXIST');
      expect(error.details.apiMessage).toContain('Could not find principal with name users');
    });
  });

  describe('bindings', () => {
    it('binds, re-types and unbinds workspaces, reading every page', async () => {
      await uc.createCatalog({ name: 'acme' });
      expect(await uc.getBindings('catalog', 'acme')).toEqual([]);
      await uc.updateBindings('catalog', 'acme', {
        add: [
          { workspaceId: QA_WS, bindingType: 'READ_ONLY' },
          { workspaceId: WS, bindingType: 'READ_WRITE' },
          { workspaceId: DEV_WS, bindingType: 'READ_ONLY' },
        ],
        remove: [],
      });
      sim.clearRequests();
      expect(await uc.getBindings('catalog', 'acme')).toEqual([
        { workspaceId: WS, bindingType: 'READ_WRITE' },
        { workspaceId: DEV_WS, bindingType: 'READ_ONLY' },
        { workspaceId: QA_WS, bindingType: 'READ_ONLY' },
      ]);
      expect(requests('GET', '/bindings/catalog/acme')).toHaveLength(2);

      await uc.updateBindings('catalog', 'acme', { add: [{ workspaceId: DEV_WS, bindingType: 'READ_WRITE' }], remove: [QA_WS] });
      expect(await uc.getBindings('catalog', 'acme')).toEqual([
        { workspaceId: WS, bindingType: 'READ_WRITE' },
        { workspaceId: DEV_WS, bindingType: 'READ_WRITE' },
      ]);

      sim.clearRequests();
      await uc.updateBindings('catalog', 'acme', { add: [], remove: [] });
      expect(sim.requests).toEqual([]);
    });

    it('binds external locations and storage credentials', async () => {
      await uc.createExternalLocation({ name: 'landing', url: 's3://acme/landing', credentialName: 'cred-a' });
      await uc.updateBindings('external_location', 'landing', { add: [{ workspaceId: DEV_WS, bindingType: 'READ_WRITE' }], remove: [] });
      await uc.updateBindings('storage_credential', 'cred-a', { add: [{ workspaceId: WS, bindingType: 'READ_WRITE' }], remove: [] });
      expect(await uc.getBindings('external_location', 'landing')).toEqual([{ workspaceId: DEV_WS, bindingType: 'READ_WRITE' }]);
      expect(await uc.getBindings('storage_credential', 'cred-a')).toEqual([{ workspaceId: WS, bindingType: 'READ_WRITE' }]);
    });
  });
});

describe('UnityCatalog wire details', () => {
  const mock = useMswServer();
  const BIG = '9007199254740993';

  function client(): UnityCatalog {
    const t = mock.http();
    return new UnityCatalog({ http: t.http, auth: patTokenSource('dapi-uc'), baseUrl: mock.server.url, workspaceId: BIG });
  }

  it('sends workspace ids beyond 2^53 as exact JSON numbers and reads them back as strings', async () => {
    const uc = client();
    const recorded = useRecorded(
      mock.server,
      http.patch(`${UC}/bindings/catalog/acme`, () => HttpResponse.json({})),
      // Raw text: a JSON number above 2^53 must survive parsing.
      http.get(`${UC}/bindings/catalog/acme`, () =>
        new HttpResponse(`{"bindings":[{"workspace_id":${BIG},"binding_type":"BINDING_TYPE_READ_ONLY"},{"workspace_id":42}]}`, {
          headers: { 'content-type': 'application/json' },
        }),
      ),
    );
    await uc.updateBindings('catalog', 'acme', { add: [{ workspaceId: BIG, bindingType: 'READ_ONLY' }], remove: ['9007199254740995'] });
    expect(recorded[0]?.body).toBe(`{"add":[{"workspace_id":${BIG},"binding_type":"BINDING_TYPE_READ_ONLY"}],"remove":[{"workspace_id":9007199254740995}]}`);
    expect(recorded[0]?.headers.get('x-databricks-workspace-id')).toBe(BIG);

    expect(await uc.getBindings('catalog', 'acme')).toEqual([
      { workspaceId: BIG, bindingType: 'READ_ONLY' },
      // binding_type omitted: the server default.
      { workspaceId: '42', bindingType: 'READ_WRITE' },
    ]);
  });

  it('round-trips workspace ids beyond 2^53 through the simulator', async () => {
    // The neighbour is what BIG becomes as a JS number: binding it instead would pass a looser check.
    const NEIGHBOUR = '9007199254740992';
    const sim = createSimulator({ workspaces: [{ workspaceId: BIG }, { workspaceId: NEIGHBOUR }] });
    await sim.listen();
    const t = testHttp();
    try {
      const uc = new UnityCatalog({ http: t.http, auth: patTokenSource(DEFAULT_PAT), baseUrl: sim.url, workspaceId: BIG });
      await uc.createCatalog({ name: 'acme' });
      await uc.updateBindings('catalog', 'acme', { add: [{ workspaceId: BIG, bindingType: 'READ_ONLY' }], remove: [] });
      expect(sim.state.uc.bindings('acme')).toEqual([{ workspaceId: BIG, bindingType: 'BINDING_TYPE_READ_ONLY' }]);
      expect(await uc.getBindings('catalog', 'acme')).toEqual([{ workspaceId: BIG, bindingType: 'READ_ONLY' }]);

      await uc.updateBindings('catalog', 'acme', { add: [{ workspaceId: NEIGHBOUR, bindingType: 'READ_WRITE' }], remove: [BIG] });
      expect(await uc.getBindings('catalog', 'acme')).toEqual([{ workspaceId: NEIGHBOUR, bindingType: 'READ_WRITE' }]);
    } finally {
      await t.http.close();
      await sim.close();
    }
  });

  it('leaves empty add and remove lists out of a grants PATCH', async () => {
    const uc = client();
    const recorded = useRecorded(mock.server, http.patch(`${UC}/permissions/schema/acme.raw`, () => HttpResponse.json({})));
    await uc.updateGrants('schema', 'acme.raw', [
      { principal: 'analysts', add: ['USE_SCHEMA'], remove: [] },
      { principal: 'engineers', add: [], remove: ['MODIFY'] },
    ]);
    expect(recorded.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { changes: [{ principal: 'analysts', add: ['USE_SCHEMA'] }, { principal: 'engineers', remove: ['MODIFY'] }] },
    ]);
  });

  it('percent-encodes each path segment', async () => {
    const uc = client();
    const recorded = useRecorded(mock.server, http.get(`${UC}/catalogs/*`, () => HttpResponse.json({ error_code: 'CATALOG_DOES_NOT_EXIST', message: 'no' }, { status: 404 })));
    expect(await uc.getCatalog('a/b c')).toBeNull();
    expect(recorded[0]?.path).toBe(`${UC}/catalogs/a%2Fb%20c`);
  });

  it('fails instead of looping when the server repeats a page token', async () => {
    const uc = client();
    useRecorded(mock.server, http.get(`${UC}/storage-credentials`, () => HttpResponse.json({ storage_credentials: [{ name: 'c' }], next_page_token: 'again' })));
    const error = await apiFailure(uc.listStorageCredentials());
    expect(error.errorCode).toBe('INVALID_RESPONSE');
  });

  it('throws other errors of a read', async () => {
    const uc = client();
    useRecorded(mock.server, http.get(`${UC}/external-locations/landing`, () => HttpResponse.json({ error_code: 'PERMISSION_DENIED', message: 'no' }, { status: 403 })));
    const error = await apiFailure(uc.getExternalLocation('landing'));
    expect(error.status).toBe(403);
  });
});
