/**
 * What every interrupted-apply test checks afterwards: the next apply
 * converges, and nothing was created twice.
 */
import { expect } from 'vitest';
import type { SimulatorState } from '../../src/simulator/index.js';
import { runCli, type SimulatedAccount } from './harness.js';

/** The example's workspace. */
export const EXAMPLE_WORKSPACE_ID = '1234567890123456';

/** The next apply converges: exit 0, then a plan with no changes. */
export async function expectConverges(account: SimulatedAccount, dir: string): Promise<void> {
  const applied = await runCli(['apply', dir], account.env);
  expect(applied.code, applied.stderr + applied.stdout).toBe(0);
  const planned = await runCli(['plan', dir, '--detailed-exitcode'], account.env);
  expect(planned.code, planned.stdout).toBe(0);
}

function expectUnique(what: string, names: readonly string[]): void {
  const lower = names.map((name) => name.toLowerCase());
  expect(lower.filter((name, i) => lower.indexOf(name) !== i), `duplicate ${what}`).toEqual([]);
}

export function expectNoDuplicates(state: SimulatorState, workspaceId: string = EXAMPLE_WORKSPACE_ID): void {
  expectUnique('groups', state.groups.map((g) => g.displayName));
  expectUnique('users', state.users.map((u) => u.userName));
  expectUnique('service principals', state.servicePrincipals.map((sp) => sp.displayName));
  expectUnique('warehouses', state.warehouses(workspaceId).map((w) => w.name));
  expectUnique('cluster policies', state.clusterPolicies(workspaceId).map((p) => p.name));
  expectUnique('catalogs', state.uc.catalogs.map((c) => c.name));
  expectUnique('external locations', state.uc.externalLocations.map((l) => l.name));
}
