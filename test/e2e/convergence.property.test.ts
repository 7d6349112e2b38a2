/**
 * Property: for any estate, and whatever the account already holds,
 * plan -> apply -> plan is empty. Random desired states from
 * test/support/random-estate.ts, applied by the real CLI to the simulator.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RANDOM_WORKSPACES, randomEstate, writeEstate } from '../support/random-estate.js';
import { runCli, startSimulatedAccount } from '../support/harness.js';

/** Pre-existing live objects: some users already in the account, strays in the groups, hand-set entitlements. */
const preexisting = fc.record({
  users: fc.subarray(['ana', 'bo', 'cy', 'di'].map((n) => `${n}@example.com`)),
  strayUser: fc.boolean(),
  group: fc.constantFrom(undefined, 'customer-c0-analysts', 'customer-c0-engineers'),
  entitlement: fc.constantFrom(undefined, 'allow-cluster-create', 'workspace-access'),
});

describe('convergence', () => {
  it('plan -> apply -> plan is empty for random estates and random starting points', async () => {
    await fc.assert(
      fc.asyncProperty(randomEstate, preexisting, async (estate, live) => {
        const account = await startSimulatedAccount({ workspaces: RANDOM_WORKSPACES.map((w) => ({ workspaceId: w.id, name: w.name })) });
        try {
          const { state } = account.sim;
          for (const userName of live.users) state.createUser({ userName: userName.toUpperCase() });
          if (live.group) {
            const group = state.createGroup({ displayName: live.group });
            if (live.strayUser) state.addMember(group.id, state.createUser({ userName: 'stray@example.com' }).id);
            state.assign(RANDOM_WORKSPACES[0]!.id, group.id, ['USER']);
            if (live.entitlement) state.setEntitlements(RANDOM_WORKSPACES[0]!.id, group.id, [live.entitlement]);
          }
          const dir = await writeEstate(estate.files);
          const applied = await runCli(['apply', dir], account.env);
          expect(applied.stderr).toBe('');
          expect(applied.code).toBe(0);
          const again = await runCli(['plan', dir, '--detailed-exitcode'], account.env);
          expect(again.stdout).toContain('No changes.');
          expect(again.code).toBe(0);
          // No duplicates: one account object per name.
          const names = state.groups.map((g) => g.displayName.toLowerCase());
          expect(new Set(names).size).toBe(names.length);
          const users = state.users.map((u) => u.userName.toLowerCase());
          expect(new Set(users).size).toBe(users.length);
        } finally {
          await account.close();
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
