/**
 * Soak (issue 6, acceptance 1): 200 random desired-state changes, each
 * applied by a reconcile pass under injected faults (10% 5xx, 5% dropped
 * connections, half of them after the write happened, 429 bursts, a 2 s
 * list lag), end with live == desired, no duplicates, the inventory equal
 * to what is declared, and not one write to an object outside the
 * inventory: objects made by hand, some named like onboarder's, are never
 * named by any write in the simulator's request log.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { connectLive } from '../../src/connect.js';
import { parseConfig } from '../../src/config.js';
import { loadDesiredStateFromFiles } from '../../src/desired/load.js';
import type { DesiredState } from '../../src/domain/desired.js';
import { ownedKey } from '../../src/domain/inventory.js';
import { declaredObjects } from '../../src/kinds/registry.js';
import { applyPass, planPass, type ReconcileDeps } from '../../src/loop/reconciler.js';
import { RELEASE_AFTER_MS } from '../../src/plan/prune.js';
import { DEFAULT_PAT, type Simulator } from '../../src/simulator/index.js';
import { startSimulatedAccount } from '../support/harness.js';
import { initialSoakEstate, mutateSoakEstate, seededRandom, SOAK_CREDENTIAL, SOAK_WORKSPACE, soakFiles } from '../support/soak-estate.js';

const CHANGES = 200;
const SEED = Number(process.env.SOAK_SEED ?? 20261202);
const WS = SOAK_WORKSPACE.id;

function load(files: Record<string, string>): DesiredState {
  const result = loadDesiredStateFromFiles(files);
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.file}:${i.line}: ${i.message}`).join('\n'));
  return result.state;
}

/** Objects made by hand before onboarder ever ran; the identifiers by which a write could name them. */
async function seedForeignObjects(sim: Simulator): Promise<{ identifiers: string[]; snapshot: () => string }> {
  const { state } = sim;
  const lookalike = state.createGroup({ displayName: 'customer-c0-interns' });
  const finance = state.createGroup({ displayName: 'finance-team' });
  state.uc.createCatalog({ name: 'finance' });
  state.uc.createSchema({ catalogName: 'finance', name: 'ledger' });
  state.uc.createCatalog({ name: 'customer_c0' });
  state.uc.createSchema({ catalogName: 'customer_c0', name: 'scratch' });
  state.uc.createExternalLocation({ name: 'finance_files', url: 's3://finance/files', credentialName: SOAK_CREDENTIAL });
  const warehouse = state.assets.createWarehouse(WS, { name: 'customer-c1-adhoc', clusterSize: 'Small' });
  const policy = await createPolicy(sim, 'legacy-policy');
  state.assets.tree(WS).mkdirs('/Customers/c0');
  state.assets.tree(WS).importNotebook('/Customers/c0/Scratch', { language: 'PYTHON', content: 'print(1)\n', overwrite: false });
  const identifiers = [
    lookalike.id,
    lookalike.displayName,
    finance.id,
    finance.displayName,
    'finance',
    'customer_c0.scratch',
    'finance_files',
    warehouse.id,
    warehouse.name,
    policy,
    'legacy-policy',
    'Customers/c0/Scratch',
  ];
  const snapshot = () =>
    JSON.stringify({
      groups: [lookalike.id, finance.id].map((id) => [state.findGroup(id === lookalike.id ? 'customer-c0-interns' : 'finance-team'), state.members(id)]),
      catalogs: [state.uc.catalog('finance'), state.uc.schema('finance.ledger'), state.uc.schema('customer_c0.scratch')],
      location: state.uc.externalLocations.find((l) => l.name === 'finance_files'),
      warehouse: state.findWarehouse(WS, 'customer-c1-adhoc'),
      policy: state.findClusterPolicy(WS, 'legacy-policy'),
      notebook: state.workspaceObject(WS, '/Customers/c0/Scratch'),
    });
  return { identifiers, snapshot };
}

/** The simulator's state API makes no cluster policies: this one comes over HTTP, as a person would make it. */
async function createPolicy(sim: Simulator, name: string): Promise<string> {
  const response = await fetch(`${sim.url}/api/2.0/policies/clusters/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEFAULT_PAT}`, 'x-databricks-workspace-id': WS, 'content-type': 'application/json' },
    body: JSON.stringify({ name, definition: '{}' }),
  });
  return ((await response.json()) as { policy_id: string }).policy_id;
}

/** A write names an identifier when it appears, whole, in its path or body. */
function namesIdentifier(text: string, identifier: string): boolean {
  const escaped = identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`).test(text);
}

describe('soak', () => {
  it(`${CHANGES} random changes under faults converge, with no duplicates and no write outside the inventory`, async () => {
    const account = await startSimulatedAccount({ storageCredentials: [SOAK_CREDENTIAL] });
    const { sim } = account;
    const foreign = await seedForeignObjects(sim);
    const before = foreign.snapshot();
    sim.clearRequests();
    const config = parseConfig(['apply', '.'], account.env, false).config!;
    const logger = pino({ level: 'silent' });
    const connection = connectLive(config, {
      logger,
      // Fast retries: the faults, not the backoff, are under test.
      retry: { baseDelayMs: 2, maxDelayMs: 40, maxRetryAfterMs: 50, totalBudgetMs: 2_000 },
      visibilityTimeoutMs: 2_000,
    });
    const deps: ReconcileDeps = { live: connection.port, inventory: connection.inventory, logger, diffOptions: { principals: 'create' } };
    const random = seededRandom(SEED);
    let estate = initialSoakEstate();
    let desired = load(soakFiles(estate));
    const history: string[] = [];
    let failedPasses = 0;
    const unreadable: string[] = [];
    try {
      // The seeded storage credential must not fall under the list lag itself: it is older than 2 s when the lag starts.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      sim.faults.listLagMs = 2_000;
      sim.faults.chaos = { errorRate: 0.1, dropRate: 0.05, random: seededRandom(SEED + 1) };
      for (let change = 0; change < CHANGES; change++) {
        const next = mutateSoakEstate(estate, random);
        estate = next.estate;
        history.push(next.change);
        desired = load(soakFiles(estate));
        // A 429 burst every 25 changes: the account allows 5 requests a second for that pass.
        sim.faults.rateLimit = change % 25 === 24 ? { requestsPerSecond: 5, retryAfterSeconds: 1 } : null;
        try {
          const { report } = await applyPass(desired, deps);
          if ((report?.failed ?? 0) > 0) failedPasses++;
        } catch (error) {
          // Live state unreadable this pass, or the inventory write failed: the next pass goes on.
          failedPasses++;
          unreadable.push(error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 160) : String(error));
        }
      }
      const faulty = sim.requests.filter((r) => r.status === 0 || r.status >= 500 || r.status === 429).length;
      sim.faults.reset();
      // The faults stop; at most a few clean passes finish the work. They run as if a quarter of an hour had
      // passed, so records of objects a lagging list hid are old enough to be released when the objects are gone.
      deps.now = () => Date.now() + RELEASE_AFTER_MS;
      const cleanFailures: string[] = [];
      for (let pass = 0; pass < 3; pass++) {
        // Every pass applies, even one with nothing to change: its inventory write releases what is gone.
        const { plan, report } = await applyPass(desired, deps);
        for (const r of report?.results ?? []) if (r.outcome !== 'succeeded') cleanFailures.push(`${r.action.id}: ${r.error ?? r.outcome}`);
        if (plan.actions.every((a) => a.status !== 'pending')) break;
      }
      const context =
        `seed ${SEED}; ${failedPasses} passes hit faults (${faulty} faulty answers), ${unreadable.length} could not read live state ` +
        `(${[...new Set(unreadable)].slice(0, 4).join(' | ')}); last changes: ${history.slice(-5).join(' | ')}; ` +
        `failed after the faults stopped: ${cleanFailures.join(' | ') || 'none'}`;

      console.info(`soak: ${context}`);

      // live == desired: nothing left to do, checked by the diff and against the simulator itself.
      const { plan, inventory } = await planPass(desired, deps);
      const left = plan.actions.filter((a) => a.status === 'pending');
      expect(left.map((a) => `${a.id}: ${JSON.stringify(a.before)} -> ${JSON.stringify(a.after)}`), context).toEqual([]);
      const { state } = sim;
      for (const group of desired.groups) {
        const live = state.findGroup(group.displayName);
        expect(live, `${group.displayName}; ${context}`).toBeDefined();
        const members = state.members(live!.id).map((id) => state.users.find((u) => u.id === id)?.userName).sort();
        expect(members, context).toEqual(desired.principals.filter((p) => group.members.includes(p.key)).map((p) => p.userName).sort());
      }
      for (const customer of estate.customers) {
        for (const persona of ['analysts', 'engineers', 'viewers']) {
          expect(state.findGroup(`customer-${customer.name}-${persona}`) !== undefined, `${customer.name} ${persona}; ${context}`).toBe(
            customer.personas.includes(persona as never),
          );
        }
        expect(state.findWarehouse(WS, `customer-${customer.name}-wh`)?.clusterSize, context).toBe(customer.warehouse?.size);
        expect(state.findClusterPolicy(WS, `customer-${customer.name}-policy`) !== undefined, context).toBe(customer.policy !== undefined);
        expect(state.workspaceObject(WS, `/Customers/${customer.name}/Start`)?.content, context).toBe(
          customer.notebook ? `# Databricks notebook source\nprint("welcome, ${customer.name}: v${customer.notebook.version}")\n` : undefined,
        );
        const schemas = state.uc.schemas(`customer_${customer.name}`).map((s) => s.name).filter((n) => !['default', 'information_schema', 'scratch'].includes(n));
        expect(schemas.sort(), context).toEqual([...customer.schemas].sort());
        expect(state.uc.externalLocations.some((l) => l.name === `customer_${customer.name}_files`), context).toBe(customer.location);
      }

      // No duplicates, of any kind that has names.
      const unique = (names: string[]) => expect(names.length, context).toBe(new Set(names.map((n) => n.toLowerCase())).size);
      unique(state.groups.map((g) => g.displayName));
      unique(state.users.map((u) => u.userName));
      unique(state.warehouses(WS).map((w) => w.name));
      unique(state.clusterPolicies(WS).map((p) => p.name));
      unique(state.uc.catalogs.map((c) => c.name));
      unique(state.uc.externalLocations.map((l) => l.name));

      // The inventory is exactly what is declared (everything exists now), and what it owns exists.
      expect(inventory.objects.map(ownedKey).sort(), context).toEqual(declaredObjects(desired).map(ownedKey).sort());

      // Objects onboarder never made: untouched, and never named by a write.
      expect(foreign.snapshot(), context).toBe(before);
      const writes = sim.requests.filter((r) => r.method !== 'GET' && r.family !== 'oauth');
      expect(writes.length, context).toBeGreaterThan(CHANGES);
      const offending = writes.filter((r) => foreign.identifiers.some((id) => namesIdentifier(`${r.path} ${r.body ?? ''}`, id)));
      expect(offending.map((r) => `${r.method} ${r.path} ${r.body ?? ''}`), context).toEqual([]);
      // The faults were real: every kind was seen many times.
      expect(faulty, context).toBeGreaterThan(100);
    } finally {
      await connection.close();
      await account.close();
    }
  }, 300_000);
});
