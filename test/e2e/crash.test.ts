/**
 * Crash safety (issue 6, item 2): an `apply` process killed with SIGKILL
 * mid-way does no harm the next `apply` cannot mend. The next apply converges
 * without duplicates, and the inventory it writes matches live state.
 *
 * The killed apply is a real child process (the CLI from source, via tsx)
 * that talks real HTTP to the simulator served from this test process. The
 * simulator adds latency so the kill lands between writes, before the
 * inventory (written only after the actions) is saved.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/desired/load.js';
import { ownedKey, type Inventory, type OwnedObject } from '../../src/domain/inventory.js';
import { parseInventory } from '../../src/inventory/document.js';
import { declaredObjects } from '../../src/kinds/registry.js';
import { RELEASE_AFTER_MS } from '../../src/plan/prune.js';
import type { RecordedRequest, SimulatorState } from '../../src/simulator/index.js';
import { dropAcmeScientistsAndAssets } from '../support/example-edits.js';
import { EXAMPLE_WORKSPACE_ID as PROD, expectConverges, expectNoDuplicates } from '../support/convergence.js';
import { copyWithoutHosts, runCli, spawnCli, startSimulatedAccount, type SimulatedAccount } from '../support/harness.js';

const LATENCY_MS = 50;

let account: SimulatedAccount;
let dir: string;
beforeEach(async () => {
  account = await startSimulatedAccount();
  dir = await copyWithoutHosts();
});
afterEach(() => account.close());

const isWrite = (r: RecordedRequest) => r.method !== 'GET' && r.status >= 200 && r.status < 300;
const isDelete = (r: RecordedRequest) => isWrite(r) && (r.method === 'DELETE' || r.path === '/api/2.0/workspace/delete');
const isInventoryWrite = (r: RecordedRequest) => r.path === '/api/2.0/workspace/import' && (r.body ?? '').includes('.onboarder/inventory');

/** The inventory generations in the workspace, oldest first, read the way the store reads them. */
function generations(): { generation: number; inventory: Inventory }[] {
  const { state } = account.sim;
  const folder = `/Users/${state.controller.applicationId}/.onboarder/inventory`;
  if (!state.workspaceObject(PROD, folder)) return [];
  return state.assets
    .tree(PROD)
    .list(folder)
    .map((file) => {
      const generation = Number(/(\d+)\.json$/.exec(file.path)![1]);
      const parsed = parseInventory(file.content!, generation);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.stored;
    });
}

/**
 * Runs `apply` in a child process and SIGKILLs it as soon as the request log
 * satisfies `killWhen`; fails if it finishes first. Returns the successful
 * writes seen at the kill, and once the requests it had in flight landed.
 */
async function applyKilledWhen(killWhen: (log: readonly RecordedRequest[]) => boolean): Promise<string> {
  account.sim.faults.latencyMs = LATENCY_MS;
  const { child, output, exited } = spawnCli(['apply', dir], { ...account.env, ONBOARDER_LOG_LEVEL: 'warn' });
  let atKill: number;
  try {
    const deadline = Date.now() + 30_000;
    while (!killWhen(account.sim.requests)) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`apply ended on its own (exit ${child.exitCode}) before the kill point:\n${output()}`);
      }
      if (Date.now() > deadline) throw new Error(`the kill point was never reached:\n${output()}`);
      await delay(5);
    }
    const inventoryWritesAtKill = account.sim.requests.filter(isInventoryWrite).length;
    atKill = account.sim.requests.filter(isWrite).length;
    child.kill('SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(inventoryWritesAtKill).toBe(0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  // What the dead process had sent still lands (as on a real service); wait until the log is quiet.
  let seen = account.sim.requests.length;
  let quietSince = Date.now();
  while (Date.now() - quietSince < 6 * LATENCY_MS) {
    await delay(10);
    if (account.sim.requests.length !== seen) [seen, quietSince] = [account.sim.requests.length, Date.now()];
  }
  account.sim.faults.latencyMs = 0;
  return `killed after ${atKill} successful writes (${account.sim.requests.filter(isWrite).length} once in-flight ones landed)`;
}

function existsLive(state: SimulatorState, object: OwnedObject, workspaceId: string): boolean {
  switch (object.kind) {
    case 'group': return state.findGroup(object.name) !== undefined;
    case 'catalog': return state.uc.catalog(object.name) !== undefined;
    case 'schema': return state.uc.schema(object.name) !== undefined;
    case 'external-location': return state.uc.externalLocation(object.name) !== undefined;
    case 'warehouse': return state.findWarehouse(workspaceId, object.name) !== undefined;
    case 'cluster-policy': return state.findClusterPolicy(workspaceId, object.name) !== undefined;
    case 'notebook': return state.workspaceObject(workspaceId, object.name) !== undefined;
  }
}

/**
 * The newest inventory owns what is declared, once each, and all of it
 * exists. Beyond that it may only still hold a fresh record of an object
 * read by listing that is gone: its absence is trusted once the record is
 * RELEASE_AFTER_MS old (src/plan/prune.ts), since a list may lag.
 */
async function expectInventoryMatchesLive(): Promise<void> {
  const loaded = await loadDesiredState(dir);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  const { objects } = generations().at(-1)!.inventory;
  const workspaceIds = new Map(loaded.state.workspaces.map((w) => [w.name, w.workspaceId]));
  const exists = (o: OwnedObject) => existsLive(account.sim.state, o, workspaceIds.get(o.workspace ?? '') ?? '');
  const declared = new Set(declaredObjects(loaded.state).map(ownedKey));
  const keys = objects.map(ownedKey);
  expect(keys.filter((key, i) => keys.indexOf(key) !== i), 'owned twice').toEqual([]);
  expect([...declared].filter((key) => !keys.includes(key)), 'declared but not owned').toEqual([]);
  expect(objects.filter((o) => declared.has(ownedKey(o)) && !exists(o)), 'owned, declared and missing').toEqual([]);
  const lingering = objects.filter((o) => !declared.has(ownedKey(o)));
  for (const o of lingering) {
    expect(exists(o), `${ownedKey(o)} is still there`).toBe(false);
    expect(['group', 'warehouse', 'cluster-policy', 'schema'], ownedKey(o)).toContain(o.kind);
    expect(Date.now() - Date.parse(o.recordedAt!), ownedKey(o)).toBeLessThan(RELEASE_AFTER_MS);
  }
}

describe('an apply killed with SIGKILL mid-way', () => {
  it.each([15, 45])('before the first inventory, after %i writes: the next apply converges', async (writes) => {
    console.info('first apply', await applyKilledWhen((log) => log.filter(isWrite).length >= writes));
    expect(generations()).toEqual([]);
    expect(account.sim.state.groups.length).toBeGreaterThan(0);

    await expectConverges(account, dir);
    expectNoDuplicates(account.sim.state);
    await expectInventoryMatchesLive();
  }, 60_000);

  it('while pruning: the next apply finishes the deletes and forgets what is gone', async () => {
    expect((await runCli(['apply', dir], account.env)).code).toBe(0);
    await dropAcmeScientistsAndAssets(dir);
    account.sim.clearRequests();

    console.info('pruning apply', await applyKilledWhen((log) => log.some(isDelete)));
    const { state } = account.sim;
    // The kill came before the new inventory: the stored one still owns the notebook that is gone.
    expect(generations().map((g) => g.generation)).toEqual([1]);
    expect(state.workspaceObject(PROD, '/Workspace/Customers/Acme/Getting Started')).toBeUndefined();
    expect(generations()[0]!.inventory.objects.map((o) => o.name)).toContain('/Workspace/Customers/Acme/Getting Started');

    await expectConverges(account, dir);
    expectNoDuplicates(account.sim.state);
    await expectInventoryMatchesLive();
    expect(state.findGroup('customer-acme-scientists')).toBeUndefined();
    expect(state.uc.schema('customer_acme.marketing')).toBeUndefined();
    expect(state.findWarehouse(PROD, 'customer-acme-analytics')).toBeUndefined();
    expect(state.findGroup('customer-acme-analysts')).toBeDefined();
  }, 60_000);
});
