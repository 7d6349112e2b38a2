/**
 * Protected groups (issue 6, acceptance 4): `users`, `admins` and
 * `users-clone-*` are never modified, deleted or nested, and their
 * entitlements are never touched.
 *
 * - Every attempt in YAML to make one a persona group is a located
 *   validation error (random estates, any persona, any case).
 * - Over random estates applied to the simulator, with the protected groups
 *   drifted by hand (members, entitlements, a Unity Catalog grant) and an
 *   inventory edited to claim them, no plan action names one, and apply
 *   leaves them exactly as they were, with no write naming them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDesiredStateFromFiles } from '../../src/desired/load.js';
import { formatIssue } from '../../src/domain/errors.js';
import { isProtectedGroup } from '../../src/domain/identity.js';
import { inventoryFileName, serialiseInventory } from '../../src/inventory/document.js';
import type { Simulator } from '../../src/simulator/index.js';
import { runCli, startSimulatedAccount } from '../support/harness.js';
import { RANDOM_CREDENTIALS, RANDOM_WORKSPACES, randomEstate, writeEstate } from '../support/random-estate.js';

const PROTECTED_NAMES = ['users', 'admins', 'Admins', 'USERS', 'users-clone-1', 'Users-Clone-42'];
const PEOPLE = ['ana', 'bo', 'cy'].map((n) => `${n}@example.com`);
const ENTITLEMENTS = ['workspace-access', 'databricks-sql-access', 'allow-cluster-create'];

/** Every string anywhere in a value: an op names a group however deep it sits. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('protected groups in YAML', () => {
  it('making one a persona group is a located validation error, for any estate and persona', () => {
    fc.assert(
      fc.property(randomEstate, fc.nat(), fc.constantFrom(...PROTECTED_NAMES), (estate, pick, name) => {
        const files = { ...estate.files };
        const customerFiles = Object.keys(files).filter((f) => f.startsWith('customers/'));
        const file = customerFiles[pick % customerFiles.length]!;
        const [customerDoc, ...rest] = files[file]!.split('\n---\n');
        const customer = JSON.parse(customerDoc!) as { spec: { personas: Record<string, Record<string, unknown>> } };
        const personas = Object.keys(customer.spec.personas);
        const persona = personas[pick % personas.length]!;
        customer.spec.personas[persona] = { ...customer.spec.personas[persona], group: name };
        files[file] = [JSON.stringify(customer, null, 2), ...rest].join('\n---\n');

        const loaded = loadDesiredStateFromFiles(files);
        expect(loaded.ok).toBe(false);
        if (loaded.ok) return;
        const issue = loaded.issues.find((i) => i.message.includes('is a protected group'));
        expect(issue, loaded.issues.map(formatIssue).join('\n')).toBeDefined();
        expect(issue!.file).toBe(file);
        expect(issue!.line).toBeGreaterThan(1);
        expect(issue!.path).toBe(`spec.personas.${persona}.group`);
      }),
      { numRuns: 200 },
    );
  });
});

const drift = fc.record({
  clones: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  cloneMembers: fc.subarray(PEOPLE),
  cloneEntitlements: fc.subarray(ENTITLEMENTS),
  usersEntitlements: fc.subarray(ENTITLEMENTS),
  tamperedInventory: fc.boolean(),
  grantToClone: fc.boolean(),
});

/** Everything about the protected groups that onboarder must leave alone, as one comparable text. */
function protectedSnapshot(sim: Simulator): string {
  const { state } = sim;
  const clones = state.groups.filter((g) => isProtectedGroup(g.displayName));
  return JSON.stringify({
    clones: clones.map((g) => ({ name: g.displayName, members: state.members(g.id).sort() })),
    entitlements: RANDOM_WORKSPACES.map((w) => [
      ...(['users', 'admins'] as const).map((name) => state.entitlements(w.id, state.systemGroup(w.id, name).id).sort()),
      ...clones.map((g) => state.entitlements(w.id, g.id).sort()),
    ]),
    grants: state.uc.catalogs.flatMap((c) =>
      state.uc
        .grants('catalog', c.name)
        .filter((a) => isProtectedGroup(a.principal))
        .map((a) => [c.name, a.principal, [...a.privileges].sort()]),
    ),
  });
}

describe('protected groups live', () => {
  it('no plan over a random estate has an action on one, and apply leaves them as they were', async () => {
    await fc.assert(
      fc.asyncProperty(randomEstate, drift, async (estate, hand) => {
        const account = await startSimulatedAccount({
          workspaces: RANDOM_WORKSPACES.map((w) => ({ workspaceId: w.id, name: w.name })),
          storageCredentials: RANDOM_CREDENTIALS,
        });
        try {
          const { sim } = account;
          const { state } = sim;
          const prod = RANDOM_WORKSPACES[0]!.id;
          const protectedIds = RANDOM_WORKSPACES.flatMap((w) => (['users', 'admins'] as const).map((name) => state.systemGroup(w.id, name).id));
          for (const n of hand.clones) {
            const clone = state.createGroup({ displayName: `users-clone-${n}` });
            protectedIds.push(clone.id);
            for (const person of hand.cloneMembers) state.addMember(clone.id, (state.findUser(person) ?? state.createUser({ userName: person })).id);
            state.assign(prod, clone.id, ['USER']);
            state.setEntitlements(prod, clone.id, hand.cloneEntitlements);
          }
          state.setEntitlements(prod, state.systemGroup(prod, 'users').id, hand.usersEntitlements);
          if (hand.tamperedInventory) {
            // A hand edit of the inventory claiming the protected groups: still never onboarder's to touch.
            const folder = `/Users/${state.controller.applicationId}/.onboarder/inventory`;
            const names = ['users', 'admins', ...hand.clones.map((n) => `users-clone-${n}`)];
            const text = serialiseInventory(
              { generation: 1, inventory: { objects: names.map((name) => ({ kind: 'group' as const, name, customer: 'c0' })) } },
              { writtenAt: new Date() },
            );
            state.assets.tree(prod).mkdirs(folder);
            state.assets.tree(prod).importFile(`${folder}/${inventoryFileName(1)}`, { content: text, overwrite: false });
          }
          const dir = await writeEstate(estate.files);
          const before = protectedSnapshot(sim);
          /** No write names a protected group, by id in its path or by name in its body. */
          const expectNoWriteNamesThem = () => {
            const naming = sim.requests
              .filter((r) => r.method !== 'GET')
              .filter((r) => protectedIds.some((id) => r.path.split('/').includes(id)) || strings(safeJson(r.body)).some((s) => isProtectedGroup(s)));
            expect(naming.map((r) => `${r.method} ${r.path}`)).toEqual([]);
          };
          sim.clearRequests();
          const first = await runCli(['apply', dir], account.env);
          expect(first.code, first.stdout + first.stderr).toBe(0);
          expect(protectedSnapshot(sim)).toBe(before);
          expectNoWriteNamesThem();

          // A grant to a protected group on a declared, authoritative catalog: drift onboarder must not "repair".
          const catalog = estate.customers.find((c) => c.catalog && c.grants === 'authoritative')?.catalog;
          const clone = hand.clones[0];
          if (hand.grantToClone && catalog && clone !== undefined) state.uc.grant('catalog', catalog.name, `users-clone-${clone}`, ['SELECT']);
          const held = protectedSnapshot(sim);
          sim.clearRequests();

          const planned = await runCli(['plan', dir, '--json'], account.env);
          expect(planned.code, planned.stderr).toBe(0);
          type JsonAction = { id: string; target: string; before: object | null; after: object | null; details: string[] };
          for (const action of (JSON.parse(planned.stdout) as { actions: JsonAction[] }).actions) {
            // What the action names: its target, the fields and values it changes, the principal of each detail line.
            const named = [
              action.target.split(' @ ')[0]!,
              ...[action.before, action.after].flatMap((side) => (side ? [...Object.keys(side), ...strings(Object.values(side))] : [])),
              ...action.details.map((line) => /^[-+~] ([^:]+)/.exec(line)?.[1] ?? ''),
            ];
            expect(named.filter((name) => isProtectedGroup(name)), action.id).toEqual([]);
          }
          expect((await runCli(['apply', dir], account.env)).code).toBe(0);
          expect(protectedSnapshot(sim)).toBe(held);
          expectNoWriteNamesThem();
        } finally {
          await account.close();
        }
      }),
      { numRuns: 15 },
    );
  }, 180_000);
});

function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
