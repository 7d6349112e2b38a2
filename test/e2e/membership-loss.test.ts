/**
 * The access-loss guard end to end against the simulator: a roster that
 * would take most members out of a persona group keeps them until
 * `--allow-mass-delete` confirms, while a few leaving flows as always.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExampleAccount } from '../support/example-account.js';
import { without } from '../support/example-edits.js';
import { runCli } from '../support/harness.js';

const example = useExampleAccount();
const ROSTER = 'customers/acme/roster.yaml';

const members = (group: string): string[] => {
  const { state } = example.account.sim;
  const found = state.findGroup(group);
  if (!found) throw new Error(`no group ${group}`);
  const names = new Map([...state.users.map((u) => [u.id, u.userName] as const), ...state.servicePrincipals.map((sp) => [sp.id, sp.displayName] as const)]);
  return state.members(found.id).map((id) => names.get(id) ?? id).sort();
};
/** PATCH requests sent to a group's members. */
const membershipWrites = (group: string) => {
  const id = example.account.sim.state.findGroup(group)!.id;
  return example.account.sim.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/Groups/${id}`));
};
const editRoster = async (change: (text: string) => string) => {
  const file = path.join(example.dir, ROSTER);
  await writeFile(file, change(await readFile(file, 'utf8')));
};
const ANALYSTS = 'customer-acme-analysts';
const ENGINEERS = 'customer-acme-engineers';

describe('an emptied roster', () => {
  it('keeps the members of the groups it would empty, says so, and removes them on --allow-mass-delete', async () => {
    expect((await example.apply()).code).toBe(0);
    const analysts = members(ANALYSTS);
    const engineers = members(ENGINEERS);
    expect(analysts).toEqual(['consultant@partnerfirm.com', 'jane.doe@acmecorp.com', 'sarah.jones@acmecorp.com']);
    expect(engineers).toHaveLength(3);

    await editRoster(() => ''); // what a truncate-then-write editor leaves for a moment
    const planned = await example.plan();
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain(
      '9 membership removals BLOCKED (acme-platform-admins 1 of 1, customer-acme-analysts 3 of 3, customer-acme-auditors 1 of 1, customer-acme-engineers 3 of 3, customer-acme-scientists 1 of 1; --allow-mass-delete to confirm)',
    );
    const held = planned.stdout.slice(planned.stdout.indexOf('Drift onboarder reports but will not change now:'));
    expect(held).toMatch(/~ membership\s+customer-acme-analysts \(removals held\)\s+\(acme\)\n\s+- consultant@partnerfirm.com\n\s+- jane.doe@acmecorp.com\n\s+- sarah.jones@acmecorp.com\n\s+membership removals blocked: 3 of the 3 members of customer-acme-analysts would be removed/);
    const json = JSON.parse((await example.plan('--json')).stdout) as { actions: { id: string; status: string; details: string[] }[] };
    expect(json.actions.filter((a) => a.status === 'blocked').map((a) => a.id).sort()).toEqual(
      ['acme-platform-admins', ANALYSTS, 'customer-acme-auditors', ENGINEERS, 'customer-acme-scientists'].map((g) => `membership:${g} (removals held)`).sort(),
    );
    expect(json.actions.find((a) => a.id === `membership:${ANALYSTS} (removals held)`)!.details).toHaveLength(3);

    example.account.sim.clearRequests();
    const applied = await example.apply();
    expect(applied.code).toBe(0);
    expect(applied.logs).toMatch(/membership removals blocked, those members stay: .*customer-acme-analysts would lose 3 of 3 members/);
    expect(members(ANALYSTS)).toEqual(analysts);
    expect(members(ENGINEERS)).toEqual(engineers);
    expect(membershipWrites(ANALYSTS)).toEqual([]);
    expect(membershipWrites(ENGINEERS)).toEqual([]);
    // Groups of one are below the per-group floor, but the customer as a whole loses everything: they keep their member too.
    expect(members('customer-acme-auditors')).toEqual(['pat.reviewer@acmecorp.com']);
    expect(membershipWrites('customer-acme-auditors')).toEqual([]);

    const confirmed = await runCli(['apply', example.dir, '--allow-mass-delete'], example.account.env);
    expect(confirmed.code).toBe(0);
    expect(members(ANALYSTS)).toEqual([]);
    expect(members(ENGINEERS)).toEqual([]);
    // Accounts stay, and the consultant keeps Globex's group.
    expect(example.account.sim.state.findUser('jane.doe@acmecorp.com')).toBeDefined();
    expect(members('customer-globex-analysts')).toContain('consultant@partnerfirm.com');
    expect((await example.plan('--detailed-exitcode')).code).toBe(0);
  });
});

describe('a roster losing part of a group', () => {
  /** Acme's analysts grow to 5: jane, sarah, the consultant, and two more. */
  const fiveAnalysts = async () => {
    await editRoster((t) =>
      t.replace('  users:\n', '  users:\n    - { userName: ann@acmecorp.com, personas: [analysts] }\n    - { userName: bob@acmecorp.com, personas: [analysts] }\n'),
    );
    expect((await example.apply()).code).toBe(0);
    expect(members(ANALYSTS)).toHaveLength(5);
  };

  it('holds the removals when 3 of 5 (60%) would leave, while a new member joins in the same pass', async () => {
    await fiveAnalysts();
    await editRoster((t) =>
      without(
        t,
        '    - { userName: ann@acmecorp.com, personas: [analysts] }\n',
        '    - { userName: jane.doe@acmecorp.com, displayName: Jane Doe, personas: [analysts] }\n',
        '    - { userName: consultant@partnerfirm.com, displayName: Casey Consultant, personas: [analysts] }\n',
      ).replace('  users:\n', '  users:\n    - { userName: carol@acmecorp.com, personas: [analysts] }\n'),
    );
    example.account.sim.clearRequests();
    const applied = await example.apply();
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('3 membership removals BLOCKED (customer-acme-analysts 3 of 5; --allow-mass-delete to confirm)');
    expect(members(ANALYSTS)).toEqual(['ann@acmecorp.com', 'bob@acmecorp.com', 'carol@acmecorp.com', 'consultant@partnerfirm.com', 'jane.doe@acmecorp.com', 'sarah.jones@acmecorp.com']);
    // The one write to the group added carol and removed nobody.
    const writes = membershipWrites(ANALYSTS).map((r) => r.body ?? '');
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('"add"');
    expect(writes[0]).not.toContain('"remove"');
  });

  it('lets 1 of 5 leave as always', async () => {
    await fiveAnalysts();
    await editRoster((t) => without(t, '    - { userName: ann@acmecorp.com, personas: [analysts] }\n'));
    const applied = await example.apply();
    expect(applied.code).toBe(0);
    expect(applied.stdout).not.toContain('BLOCKED');
    expect(members(ANALYSTS)).toEqual(['bob@acmecorp.com', 'consultant@partnerfirm.com', 'jane.doe@acmecorp.com', 'sarah.jones@acmecorp.com']);
    expect((await example.plan('--detailed-exitcode')).code).toBe(0);
  });
});
