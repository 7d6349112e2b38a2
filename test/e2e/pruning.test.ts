/**
 * What onboarder owns, end to end against the simulator: the inventory kept
 * in the workspace, pruning of what the desired state dropped, and the
 * guards that make a bad sync delete nothing.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExampleAccount } from '../support/example-account.js';
import { dropAcmeScientistsAndAssets } from '../support/example-edits.js';
import { runCli } from '../support/harness.js';
import { storedInventory as stored } from '../support/stored-inventory.js';

const example = useExampleAccount();
const PROD = '1234567890123456';

const writes = () => example.account.sim.requests.filter((r) => r.method !== 'GET');
const storedInventory = () => stored(example.account.sim);
const owned = (kind: string) =>
  storedInventory()
    .inventory.objects.filter((o) => o.kind === kind)
    .map((o) => o.name);

describe('the inventory', () => {
  it('records what the first apply made, in the workspace, and is not rewritten by a no-op apply', async () => {
    expect((await example.apply()).code).toBe(0);
    const first = storedInventory();
    expect(owned('group')).toContain('customer-acme-analysts');
    expect(owned('schema')).toEqual(expect.arrayContaining(['customer_acme.raw', 'customer_globex.curated']));
    expect(owned('warehouse')).toEqual(['customer-acme-analytics', 'customer-globex-bi']);
    expect(owned('notebook')).toContain('/Workspace/Customers/Acme/Getting Started');
    example.account.sim.clearRequests();
    expect((await example.apply()).code).toBe(0);
    expect(writes()).toEqual([]);
    expect(storedInventory().generation).toBe(first.generation);
  });
});

describe('the inventory workspace', () => {
  it('must be named once more than one workspace is declared, so adding one never moves the inventory', async () => {
    await writeFile(
      path.join(example.dir, 'workspaces/dev.yaml'),
      'apiVersion: onboarder/v1\nkind: Workspace\nmetadata: { name: dev }\nspec: { workspaceId: "2234567890123456" }\n',
    );
    const { ONBOARDER_INVENTORY_WORKSPACE: _named, ...unnamed } = example.account.env;
    const run = await runCli(['plan', example.dir], unnamed);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2 workspaces are declared: set --inventory-workspace \(ONBOARDER_INVENTORY_WORKSPACE\)/);
    expect((await runCli(['plan', example.dir, '--inventory-workspace=nope'], unnamed)).stderr).toMatch(/the inventory workspace nope is not a declared Workspace/);
  });
});

describe('pruning', () => {
  it('deletes what onboarder made and the desired state dropped, leaves look-alikes it never made, and forgets it', async () => {
    expect((await example.apply()).code).toBe(0);
    const { state } = example.account.sim;
    // Made by hand, named like onboarder's objects, never declared: never onboarder's to touch.
    state.createGroup({ displayName: 'customer-acme-interns' });
    state.uc.createSchema({ catalogName: 'customer_acme', name: 'scratch' });

    await dropAcmeScientistsAndAssets(example.dir);
    const planned = await example.plan();
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/- group\s+customer-acme-scientists/);
    expect(planned.stdout).toMatch(/- warehouse\s+customer-acme-analytics @ prod/);

    const applied = await example.apply();
    expect(applied.code).toBe(0);
    expect(state.findGroup('customer-acme-scientists')).toBeUndefined();
    expect(state.uc.schema('customer_acme.marketing')).toBeUndefined();
    expect(state.findWarehouse(PROD, 'customer-acme-analytics')).toBeUndefined();
    expect(state.workspaceObject(PROD, '/Workspace/Customers/Acme/Getting Started')).toBeUndefined();
    // Untouched: what nobody declared, and what is still declared.
    expect(state.findGroup('customer-acme-interns')).toBeDefined();
    expect(state.uc.schema('customer_acme.scratch')).toBeDefined();
    expect(state.findWarehouse(PROD, 'customer-globex-bi')).toBeDefined();
    expect(owned('group')).not.toContain('customer-acme-scientists');
    expect(owned('warehouse')).toEqual(['customer-globex-bi']);
    // Deletes run after every create and update, in reverse dependency order: the group last.
    const order = applied.stdout.split('\n').filter((line) => /^\s+done\s+-/.test(line));
    expect(order.at(-1)).toMatch(/group\s+customer-acme-scientists/);
    expect((await example.plan('--detailed-exitcode')).code).toBe(0);
  });
});

describe('a sync that lost customers', () => {
  it('deletes nothing when a whole customer vanished, says why, and deletes on --allow-mass-delete', async () => {
    expect((await example.apply()).code).toBe(0);
    const { state } = example.account.sim;
    await rm(path.join(example.dir, 'customers/globex'), { recursive: true });
    example.account.sim.clearRequests();

    const applied = await example.apply();
    expect(applied.code).toBe(0);
    expect(writes()).toEqual([]);
    expect(applied.stdout).toMatch(/deletions BLOCKED \(customer globex no longer declared; --allow-mass-delete to confirm\)/);
    expect(applied.logs).toMatch(/customer globex is no longer declared at all/);
    expect(state.findGroup('customer-globex-analysts')).toBeDefined();
    expect(state.uc.catalog('customer_globex')).toBeDefined();
    expect(owned('group')).toContain('customer-globex-analysts');

    const confirmed = await runCli(['apply', example.dir, '--allow-mass-delete'], example.account.env);
    expect(confirmed.code).toBe(0);
    expect(state.findGroup('customer-globex-analysts')).toBeUndefined();
    expect(state.uc.catalog('customer_globex')).toBeUndefined();
    expect(state.findWarehouse(PROD, 'customer-globex-bi')).toBeUndefined();
    expect(storedInventory().inventory.objects.filter((o) => o.customer === 'globex')).toEqual([]);
    expect(state.findGroup('customer-acme-analysts')).toBeDefined();
  });

  it('deletes nothing when the whole folder is gone or empty, and reports it', async () => {
    expect((await example.apply()).code).toBe(0);
    const before = JSON.stringify(storedInventory());
    await rm(path.join(example.dir), { recursive: true });
    example.account.sim.clearRequests();
    const missing = await runCli(['apply', example.dir, '--allow-mass-delete'], example.account.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/the desired-state folder does not exist/);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(example.dir);
    const empty = await runCli(['apply', example.dir, '--allow-mass-delete'], example.account.env);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/an empty desired state is never applied/);
    expect(example.account.sim.requests).toEqual([]);
    expect(JSON.stringify(storedInventory())).toBe(before);
  });
});
