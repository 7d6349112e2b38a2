/**
 * SQL warehouses, cluster policies, template notebooks and their
 * permissions end to end: the real CLI against the simulator over real HTTP.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useExampleAccount } from '../support/example-account.js';

const PROD = '1234567890123456';
const WAREHOUSE = 'customer-acme-analytics';
const POLICY = 'customer-acme-policy';
const NOTEBOOK = '/Workspace/Customers/Acme/Getting Started';

const example = useExampleAccount();
const { plan, apply } = example;
const state = () => example.account.sim.state;
const groupLevels = (type: 'warehouses' | 'cluster-policies' | 'notebooks', id: string) =>
  state()
    .permissions(PROD, type, id)
    .filter((e) => e.kind === 'group')
    .map((e) => `${e.principal}=${e.level}`)
    .sort();

describe("the example's workspace assets", () => {
  it('are created by apply with the tags, definition and permissions the YAML implies; a second plan is empty', async () => {
    const applied = await apply();
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);

    const warehouse = state().findWarehouse(PROD, WAREHOUSE)!;
    expect(warehouse).toMatchObject({ clusterSize: 'Medium', minNumClusters: 1, maxNumClusters: 3, autoStopMins: 15, enableServerlessCompute: true });
    expect(warehouse.tags).toEqual({ customer_id: 'acme_corp', environment: 'production', service: 'analytics' });
    expect(groupLevels('warehouses', warehouse.id)).toEqual([
      'acme-platform-admins=CAN_MANAGE',
      'customer-acme-analysts=CAN_USE',
      'customer-acme-engineers=CAN_USE',
      'customer-acme-scientists=CAN_USE',
    ]);
    // The creator stays the owner: onboarder's PUT kept it.
    expect(state().permissions(PROD, 'warehouses', warehouse.id)).toContainEqual(expect.objectContaining({ level: 'IS_OWNER' }));

    const policy = state().findClusterPolicy(PROD, POLICY)!;
    expect(JSON.parse(policy.definition)).toEqual({
      autotermination_minutes: { type: 'fixed', value: 30 },
      'custom_tags.customer_id': { type: 'fixed', value: 'acme_corp' },
      'custom_tags.environment': { type: 'fixed', value: 'production' },
      node_type_id: { type: 'allowlist', values: ['i3.xlarge', 'i3.2xlarge'], defaultValue: 'i3.xlarge' },
      spark_version: { type: 'regex', pattern: '1[4-9]\\..*' },
    });
    expect(groupLevels('cluster-policies', policy.id)).toEqual([
      'acme-platform-admins=CAN_USE',
      'customer-acme-engineers=CAN_USE',
      'customer-acme-scientists=CAN_USE',
    ]);

    const notebook = state().workspaceObject(PROD, NOTEBOOK)!;
    expect(notebook.content).toContain('Welcome to Databricks, Acme Corp');
    expect(notebook.content).toContain('customer_acme');
    expect(notebook.content).not.toContain('${');
    expect(groupLevels('notebooks', notebook.objectId)).toEqual([
      'acme-platform-admins=CAN_MANAGE',
      'customer-acme-analysts=CAN_READ',
      'customer-acme-auditors=CAN_READ',
      'customer-acme-engineers=CAN_EDIT',
      'customer-acme-scientists=CAN_RUN',
    ]);
    expect(state().findWarehouse(PROD, 'customer-globex-bi')?.tags).toEqual({ customer_id: 'globex_corp', environment: 'production' });

    example.account.sim.clearRequests();
    const again = await plan('--detailed-exitcode');
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);
    // Unchanged notebooks cost no write: the no-op plan only reads.
    expect(example.account.sim.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('hand-made drift', () => {
  beforeEach(async () => {
    expect((await apply()).code).toBe(0);
  });

  it.each([
    {
      drift: 'auto-stop changed to 120',
      make: () => void (state().findWarehouse(PROD, WAREHOUSE)!.autoStopMins = 120),
      shown: /~ warehouse\s+customer-acme-analytics @ prod[\s\S]*autoStopMins: 120 -> 15/,
      repaired: () => expect(state().findWarehouse(PROD, WAREHOUSE)!.autoStopMins).toBe(15),
    },
    {
      drift: 'a tag removed',
      make: () => void delete state().findWarehouse(PROD, WAREHOUSE)!.tags.environment,
      shown: /\+ tag environment=production/,
      repaired: () => expect(state().findWarehouse(PROD, WAREHOUSE)!.tags.environment).toBe('production'),
    },
    {
      drift: "the policy's autotermination changed",
      make: () => {
        const policy = state().findClusterPolicy(PROD, POLICY)!;
        policy.definition = JSON.stringify({ ...JSON.parse(policy.definition), autotermination_minutes: { type: 'fixed', value: 240 } });
      },
      shown: /~ autotermination_minutes: \{"type":"fixed","value":240\} -> \{"type":"fixed","value":30\}/,
      repaired: () => expect(JSON.parse(state().findClusterPolicy(PROD, POLICY)!.definition).autotermination_minutes.value).toBe(30),
    },
    {
      drift: 'a permission raised to CAN_MANAGE',
      make: () => {
        const warehouse = state().findWarehouse(PROD, WAREHOUSE)!;
        state().setPermission(PROD, 'warehouses', warehouse.id, { principal: 'customer-acme-analysts', kind: 'group', level: 'CAN_MANAGE' });
      },
      shown: /~ customer-acme-analysts: CAN_MANAGE -> CAN_USE/,
      repaired: () => expect(groupLevels('warehouses', state().findWarehouse(PROD, WAREHOUSE)!.id)).toContain('customer-acme-analysts=CAN_USE'),
    },
    {
      drift: 'the notebook edited',
      make: () => state().setNotebookSource(PROD, NOTEBOOK, '# Databricks notebook source\nprint("edited by hand")\n'),
      shown: /~ notebook\s+\/Workspace\/Customers\/Acme\/Getting Started @ prod/,
      repaired: () => expect(state().workspaceObject(PROD, NOTEBOOK)!.content).toContain('Welcome to Databricks, Acme Corp'),
    },
  ])('$drift is shown by plan and repaired by apply', async ({ make, shown, repaired }) => {
    make();
    const planned = await plan('--detailed-exitcode');
    expect(planned.code).toBe(2);
    expect(planned.stdout).toMatch(shown);
    expect(planned.stdout).toMatch(/Plan: 0 to create, 1 to update, 0 to delete\./);
    expect((await apply()).code).toBe(0);
    repaired();
    expect((await plan('--detailed-exitcode')).code).toBe(0);
  });

  it('leaves alone what it does not manage: a person given access by hand', async () => {
    const warehouse = state().findWarehouse(PROD, WAREHOUSE)!;
    state().setPermission(PROD, 'warehouses', warehouse.id, { principal: 'consultant@partnerfirm.com', kind: 'user', level: 'CAN_MONITOR' });
    state().setPermission(PROD, 'warehouses', warehouse.id, { principal: 'customer-acme-analysts', kind: 'group', level: 'CAN_VIEW' });
    expect((await apply()).code).toBe(0);
    expect(state().permissions(PROD, 'warehouses', warehouse.id)).toContainEqual({ principal: 'consultant@partnerfirm.com', kind: 'user', level: 'CAN_MONITOR' });
    expect(groupLevels('warehouses', warehouse.id)).toContain('customer-acme-analysts=CAN_USE');
  });
});

describe('key order', () => {
  it('in a policy definition or a tag map produces no plan', async () => {
    expect((await apply()).code).toBe(0);
    const policy = state().findClusterPolicy(PROD, POLICY)!;
    const reversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    policy.definition = JSON.stringify(reversed(JSON.parse(policy.definition) as Record<string, unknown>), null, 4);
    const warehouse = state().findWarehouse(PROD, WAREHOUSE)!;
    warehouse.tags = reversed(warehouse.tags) as Record<string, string>;
    expect((await plan('--detailed-exitcode')).code).toBe(0);
  });
});
