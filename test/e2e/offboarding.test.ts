/**
 * Offboarding and confirming a blocked deletion once, end to end against the
 * simulator: a customer marked `offboard: true` is deleted in the next pass
 * (a folder merely removed stays blocked), and `--confirm-deletions` lets
 * exactly what a reviewed plan held through, once.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_WORKSPACE_ID as PROD } from '../support/convergence.js';
import { useExampleAccount } from '../support/example-account.js';
import { without } from '../support/example-edits.js';
import { runCli } from '../support/harness.js';
import { storedInventory } from '../support/stored-inventory.js';

const example = useExampleAccount();
const GLOBEX = 'customers/globex/customer.yaml';
const ACME = 'customers/acme/customer.yaml';
/** Schemas Acme gets and then drops: 11, one over the deletion budget of 10. */
const EXTRA_SCHEMAS = Array.from({ length: 11 }, (_, i) => `extra${String(i).padStart(2, '0')}`);

const writes = () => example.account.sim.requests.filter((r) => r.method !== 'GET');
const edit = async (file: string, change: (text: string) => string) => {
  const at = path.join(example.dir, file);
  await writeFile(at, change(await readFile(at, 'utf8')));
};
const offboardGlobex = () => edit(GLOBEX, (text) => text.replace('spec:\n', 'spec:\n  offboard: true\n'));
const ownedOf = (customer: string) => storedInventory(example.account.sim).inventory.objects.filter((o) => o.customer === customer);
const apply = (...flags: string[]) => runCli(['apply', example.dir, ...flags], example.account.env);
const tokenIn = (stdout: string) => /--confirm-deletions=([0-9a-f]{12})\n/.exec(stdout)?.[1];

/** Globex is fully there (the example converged). */
function expectGlobexThere(): void {
  const { state } = example.account.sim;
  expect(state.findGroup('customer-globex-analysts')).toBeDefined();
  expect(state.uc.catalog('customer_globex')).toBeDefined();
  expect(state.findWarehouse(PROD, 'customer-globex-bi')).toBeDefined();
}

/** Acme, untouched: its groups, catalog and compute, and the consultant it shares with Globex. */
function expectAcmeThere(): void {
  const { state } = example.account.sim;
  for (const group of ['customer-acme-analysts', 'customer-acme-engineers', 'acme-platform-admins']) expect(state.findGroup(group)).toBeDefined();
  expect(state.uc.catalog('customer_acme')).toBeDefined();
  expect(state.uc.schema('customer_acme.raw')).toBeDefined();
  expect(state.findWarehouse(PROD, 'customer-acme-analytics')).toBeDefined();
  expect(state.workspaceObject(PROD, '/Workspace/Customers/Acme/Getting Started')).toBeDefined();
  const analysts = state.findGroup('customer-acme-analysts')!;
  expect(state.members(analysts.id)).toContain(state.findUser('consultant@partnerfirm.com')!.id);
}

/** Acme gets 11 more schemas (applied), then drops them again: 11 deletions, over the budget. */
async function acmeOverBudget(): Promise<void> {
  const schemas = EXTRA_SCHEMAS.map((name) => `      - { name: ${name} }\n`).join('');
  await edit(ACME, (text) => text.replace('    schemas:\n', `    schemas:\n${schemas}`));
  expect((await example.apply()).code).toBe(0);
  for (const name of EXTRA_SCHEMAS) expect(example.account.sim.state.uc.schema(`customer_acme.${name}`)).toBeDefined();
  await edit(ACME, (text) => without(text, schemas));
}

describe('offboarding', () => {
  it('stays blocked when the folder is merely removed; offboard: true deletes everything of the customer in the next pass, and nothing else', async () => {
    expect((await example.apply()).code).toBe(0);
    const aside = path.join(path.dirname(example.dir), `${path.basename(example.dir)}-globex`);
    await rename(path.join(example.dir, 'customers/globex'), aside);
    example.account.sim.clearRequests();
    const removed = await example.apply();
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/deletions BLOCKED \(customer globex no longer declared/);
    expect(removed.logs).toMatch(/to offboard, restore its Customer with offboard: true/);
    expect(writes()).toEqual([]);
    expectGlobexThere();

    await rename(aside, path.join(example.dir, 'customers/globex'));
    await offboardGlobex();
    expect((await runCli(['validate', example.dir])).stdout).toMatch(/1 customer, 5 persona groups, .*\(offboarding: globex\)/);
    const owned = ownedOf('globex').length;
    expect(owned).toBeGreaterThanOrEqual(7);
    const planned = await example.plan();
    expect(planned.code).toBe(0);
    expect(planned.stdout).not.toContain('BLOCKED');
    expect(planned.stdout).toMatch(/- group\s+customer-globex-analysts/);
    expect(planned.stdout).toMatch(/- catalog\s+customer_globex/);
    expect(planned.stdout).toContain(`Offboarding globex: onboarder still owns ${owned} of its objects. Keep its Customer (${GLOBEX})`);
    // Nothing of Acme's goes: every delete is Globex's.
    const json = JSON.parse((await example.plan('--json')).stdout) as { actions: { change: string; customer: string | null }[]; offboarding: unknown[] };
    const deletes = json.actions.filter((a) => a.change === 'delete');
    expect(deletes.length).toBeGreaterThanOrEqual(7);
    expect(deletes.every((a) => a.customer === 'globex')).toBe(true);
    expect(json.offboarding).toEqual([{ customer: 'globex', owned, document: GLOBEX, complete: false }]);

    const applied = await example.apply();
    expect(applied.code).toBe(0);
    const { state } = example.account.sim;
    for (const group of ['customer-globex-analysts', 'customer-globex-engineers']) expect(state.findGroup(group)).toBeUndefined();
    expect(state.uc.catalog('customer_globex')).toBeUndefined();
    expect(state.findWarehouse(PROD, 'customer-globex-bi')).toBeUndefined();
    expect(state.workspaceObject(PROD, '/Workspace/Customers/Globex/Getting Started')).toBeUndefined();
    expect(ownedOf('globex')).toEqual([]);
    // People keep their accounts; what Acme gives them stays.
    expect(state.findUser('hank.scorpio@globexcorp.com')).toBeDefined();
    expectAcmeThere();

    const after = await example.plan('--detailed-exitcode');
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`Offboarding globex is complete: onboarder owns nothing of it any more. Its Customer (${GLOBEX}) and Roster can be deleted now.`);
    // And once its documents are gone, nothing is held: there is nothing of it left to delete.
    await rename(path.join(example.dir, 'customers/globex'), aside);
    const gone = await example.plan('--detailed-exitcode');
    expect(gone.code).toBe(0);
    expect(gone.stdout).toMatch(/^No changes\./);
  });

  it("deletes the offboarded customer while another customer's deletions over the budget stay blocked, until their token confirms them once", async () => {
    expect((await example.apply()).code).toBe(0);
    await acmeOverBudget();
    await offboardGlobex();

    const planned = await example.plan();
    expect(planned.stdout).toContain('11 deletions BLOCKED (budget 10;');
    const token = tokenIn(planned.stdout)!;
    expect(planned.stdout).toContain(`To let exactly the 11 held actions through, once: onboarder apply ${example.dir} --confirm-deletions=${token}`);
    const json = JSON.parse((await example.plan('--json')).stdout) as { confirmToken: string; actions: { id: string; status: string; customer: string }[] };
    expect(json.confirmToken).toBe(token);
    const held = json.actions.filter((a) => a.status === 'blocked');
    expect(held.map((a) => a.id).sort()).toEqual(EXTRA_SCHEMAS.map((name) => `schema:customer_acme.${name}`));

    // The next pass: Globex goes, Acme's schemas stay.
    const applied = await example.apply();
    expect(applied.code).toBe(0);
    const { state } = example.account.sim;
    expect(state.findGroup('customer-globex-analysts')).toBeUndefined();
    expect(state.uc.catalog('customer_globex')).toBeUndefined();
    for (const name of EXTRA_SCHEMAS) expect(state.uc.schema(`customer_acme.${name}`)).toBeDefined();
    expectAcmeThere();
    // Still held, with the same token: the held set did not change.
    expect(tokenIn(applied.stdout)).toBe(token);

    example.account.sim.clearRequests();
    const confirmed = await apply(`--confirm-deletions=${token}`);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain(`Confirmed by --confirm-deletions=${token}: the 11 actions the guards held are planned above.`);
    for (const name of EXTRA_SCHEMAS) expect(state.uc.schema(`customer_acme.${name}`)).toBeUndefined();
    // Exactly those: 11 schema deletes, then the inventory that records them.
    const deleted = writes().filter((r) => r.method === 'DELETE').map((r) => decodeURIComponent(r.path.split('/').at(-1)!)).sort();
    expect(deleted).toEqual(EXTRA_SCHEMAS.map((name) => `customer_acme.${name}`));
    expect(writes().filter((r) => r.method !== 'DELETE').map((r) => r.path)).toEqual(['/api/2.0/workspace/import']);
    expectAcmeThere();

    // Once: the token confirms nothing any more, and that apply writes nothing.
    example.account.sim.clearRequests();
    const again = await apply(`--confirm-deletions=${token}`);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`--confirm-deletions=${token} does not match what the plan holds (the plan holds nothing now): nothing was applied`);
    expect(writes()).toEqual([]);
  });

  it('lets nothing through with a stale token (the held set changed since the plan), and reports the new one', async () => {
    expect((await example.apply()).code).toBe(0);
    await acmeOverBudget();
    const reviewed = tokenIn((await example.plan()).stdout)!;
    expect(reviewed).toBeDefined();

    // Between plan and apply, one more schema leaves: the held set is no longer the one reviewed.
    await edit(ACME, (text) => without(text, '      - { name: marketing, comment: Acme Corp marketing data }\n', '        - on: { schema: customer_acme.marketing }\n          privileges: [USE_SCHEMA, SELECT]\n'));
    example.account.sim.clearRequests();
    const stale = await apply(`--confirm-deletions=${reviewed}`);
    expect(stale.code).toBe(1);
    const current = tokenIn(stale.stdout)!;
    expect(current).toMatch(/^[0-9a-f]{12}$/);
    expect(current).not.toBe(reviewed);
    expect(stale.stderr).toContain(`--confirm-deletions=${reviewed} does not match what the plan holds (what the plan holds now has the token ${current}): nothing was applied`);
    expect(stale.stdout).toContain('12 deletions BLOCKED (budget 10;');
    expect(writes()).toEqual([]);
    expect(example.account.sim.state.uc.schema('customer_acme.marketing')).toBeDefined();
    for (const name of EXTRA_SCHEMAS) expect(example.account.sim.state.uc.schema(`customer_acme.${name}`)).toBeDefined();

    // The new token, reviewed, confirms the new set.
    expect((await apply(`--confirm-deletions=${current}`)).code).toBe(0);
    expect(example.account.sim.state.uc.schema('customer_acme.marketing')).toBeUndefined();
    expect((await example.plan('--detailed-exitcode')).code).toBe(0);
  });
});

describe('one token for everything held', () => {
  it("confirms the access-loss guard's held membership removals with the deletions' token", async () => {
    expect((await example.apply()).code).toBe(0);
    await acmeOverBudget();
    await edit('customers/acme/roster.yaml', () => ''); // an emptied roster: Acme's memberships are held too
    const planned = await example.plan();
    expect(planned.stdout).toContain('11 deletions BLOCKED');
    expect(planned.stdout).toContain('9 membership removals BLOCKED');
    const token = tokenIn(planned.stdout)!;
    expect(planned.stdout).toContain(`To let exactly the 16 held actions through, once: onboarder apply ${example.dir} --confirm-deletions=${token}`);

    expect((await apply(`--confirm-deletions=${token}`)).code).toBe(0);
    const { state } = example.account.sim;
    expect(state.members(state.findGroup('customer-acme-analysts')!.id)).toEqual([]);
    for (const name of EXTRA_SCHEMAS) expect(state.uc.schema(`customer_acme.${name}`)).toBeUndefined();
    expect((await example.plan('--detailed-exitcode')).code).toBe(0);
  });
});
