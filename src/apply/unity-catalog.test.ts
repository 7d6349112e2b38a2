import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testHttp, type TestHttp } from '../../test/support/live.js';
import type { UnityCatalogOperation } from '../domain/plan.js';
import { patTokenSource } from '../live/auth.js';
import { UnityCatalog } from '../live/unity-catalog.js';
import { createSimulator, DEFAULT_PAT, type Simulator } from '../simulator/index.js';
import { createUnityCatalogRunner, PrincipalNotVisibleError } from './unity-catalog.js';

const WS = '1234567890123456';

describe('the Unity Catalog applier against the simulator', () => {
  let sim: Simulator;
  let t: TestHttp;
  let clock: number;
  let slept: number[];
  let run: (op: UnityCatalogOperation) => Promise<void>;

  beforeEach(async () => {
    clock = 1_000_000;
    slept = [];
    sim = createSimulator({ now: () => clock, storageCredentials: ['cred'], workspaces: [{ workspaceId: WS, name: 'prod' }] });
    await sim.listen();
    t = testHttp();
    const uc = new UnityCatalog({ http: t.http, auth: patTokenSource(DEFAULT_PAT), baseUrl: sim.url, workspaceId: WS });
    run = createUnityCatalogRunner({
      client: () => uc,
      principalExists: async (name) => sim.state.findGroup(name) !== undefined,
      visibilityTimeoutMs: 10_000,
      // Simulated time: each wait moves the simulator's clock on.
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
    });
    sim.state.uc.createCatalog({ name: 'acme' });
  });
  afterEach(async () => {
    await t.http.close();
    await sim.close();
  });

  const grant = (principal: string): UnityCatalogOperation => ({
    type: 'updateGrants',
    via: 'prod',
    securable: { type: 'catalog', fullName: 'acme' },
    changes: [{ principal, add: ['USE_CATALOG'], remove: [] }],
  });

  it('waits for a group that is still propagating, then grants', async () => {
    sim.faults.principalPropagationMs = 3_000;
    sim.state.createGroup({ displayName: 'acme-readers' });
    await run(grant('acme-readers'));
    expect(sim.state.uc.grants('catalog', 'acme')).toEqual([{ principal: 'acme-readers', privileges: ['USE_CATALOG'] }]);
    expect(slept).toEqual([500, 1_000, 2_000]);
  });

  it('gives up after the bound with "not yet visible" when the account has the principal', async () => {
    sim.faults.principalPropagationMs = 600_000;
    sim.state.createGroup({ displayName: 'acme-readers' });
    const error = await run(grant('acme-readers')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrincipalNotVisibleError);
    expect((error as Error).message).toMatch(/^acme-readers exists in the account but is not yet visible to Unity Catalog after \d+ s/);
    expect(slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
  });

  it('fails at once, saying so, for a principal the account does not have', async () => {
    const error = await run(grant('ghost-group')).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PrincipalNotVisibleError);
    expect((error as Error).message).toMatch(/^principal ghost-group does not exist in the account \(PATCH .* PRINCIPAL_DOES_NOT_EXIST/);
    expect(slept).toEqual([]);
  });

  it('adopts a catalog, schema or location that already exists instead of failing the create', async () => {
    sim.state.uc.createSchema({ catalogName: 'acme', name: 'sales' });
    sim.state.uc.createExternalLocation({ name: 'landing', url: 's3://bucket/landing', credentialName: 'cred' });
    await run({ type: 'createCatalog', via: 'prod', name: 'acme' });
    await run({ type: 'createSchema', via: 'prod', catalog: 'acme', name: 'sales' });
    await run({ type: 'createExternalLocation', via: 'prod', name: 'landing', url: 's3://bucket/landing', credential: 'cred', readOnly: false });
    expect(sim.state.uc.catalogs).toHaveLength(1);
    expect(sim.state.uc.schemas('acme').map((s) => s.name)).toEqual(['default', 'sales']);
    expect(sim.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([409, 409, 409]);
  });
});
