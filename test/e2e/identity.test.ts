/**
 * Identity onboarding end to end: the real CLI against the simulator over
 * real HTTP, from the bundled example and from hand-made drift.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useExampleAccount } from '../support/example-account.js';

const example = useExampleAccount();
const { plan, apply } = example;

describe('the bundled example', () => {
  it('converges with apply, after which plan is empty', async () => {
    const before = await plan('--detailed-exitcode');
    expect(before.code).toBe(2);
    expect(before.stdout).toMatch(/Plan: \d+ to create, \d+ to update, 0 to delete\./);

    const applied = await apply();
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('0 failed, 0 skipped');

    const { sim } = example.account;
    const analysts = sim.state.findGroup('customer-acme-analysts');
    expect(analysts).toBeDefined();
    const memberNames = sim.state.members(analysts!.id).map((id) => {
      const principal = sim.state.principal(id);
      return principal && 'userName' in principal ? principal.userName : principal?.displayName;
    });
    expect(memberNames).toContain('jane.doe@acmecorp.com');
    expect(sim.state.findServicePrincipal('acme-etl-pipeline')).toBeDefined();
    expect(sim.state.assignments('1234567890123456').some((a) => a.principalId === analysts!.id)).toBe(true);
    expect(sim.state.entitlements('1234567890123456', analysts!.id)).toEqual(['databricks-sql-access']);

    const after = await plan('--detailed-exitcode');
    expect(after.stdout).toContain('No changes.');
    expect(after.code).toBe(0);
  });

  it('plan --json gives the plan as data', async () => {
    const { stdout, code } = await plan('--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { summary: { create: number }; actions: { id: string; kind: string; change: string }[] };
    expect(parsed.summary.create).toBeGreaterThan(0);
    expect(parsed.actions).toContainEqual(expect.objectContaining({ id: 'group:customer-acme-analysts', kind: 'group', change: 'create' }));
  });
});

describe('hand-made drift', () => {
  beforeEach(async () => {
    expect((await apply()).code).toBe(0);
  });

  it('a removed member, an added entitlement and a deleted group show in plan exactly, and apply repairs them', async () => {
    const { state } = example.account.sim;
    const workspaceId = '1234567890123456';
    const analysts = state.findGroup('customer-acme-analysts')!;
    const jane = state.findUser('jane.doe@acmecorp.com')!;
    state.removeMember(analysts.id, jane.id);
    const john = state.findUser('john.smith@acmecorp.com')!;
    state.setEntitlements(workspaceId, john.id, ['allow-cluster-create']);
    state.deleteGroup(state.findGroup('customer-globex-analysts')!.id);

    const drift = await plan('--json');
    const actions = (JSON.parse(drift.stdout) as { actions: { id: string; change: string; details: string[] }[] }).actions;
    expect(actions.map((a) => `${a.change} ${a.id}`)).toEqual([
      'create group:customer-globex-analysts',
      'create workspace-assignment:customer-globex-analysts @ prod',
      'update membership:customer-acme-analysts',
      'update membership:customer-globex-analysts',
      'update entitlements:customer-globex-analysts @ prod',
      'update entitlements:john.smith@acmecorp.com @ prod',
      // A deleted group's entries go with it: its permissions come back too.
      'update permissions:notebook /Workspace/Customers/Globex/Getting Started @ prod',
      'update permissions:warehouse customer-globex-bi @ prod',
    ]);
    expect(actions.find((a) => a.id === 'membership:customer-acme-analysts')?.details).toEqual(['+ jane.doe@acmecorp.com']);
    expect(actions.find((a) => a.id === 'entitlements:john.smith@acmecorp.com @ prod')?.details).toEqual(['- allow-cluster-create']);

    expect((await apply()).code).toBe(0);
    expect(state.members(analysts.id)).toContain(jane.id);
    expect(state.entitlements(workspaceId, john.id)).toEqual([]);
    expect(state.findGroup('customer-globex-analysts')).toBeDefined();
    expect((await plan('--detailed-exitcode')).code).toBe(0);
  });
});
