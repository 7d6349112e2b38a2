// Promise: a plan whose deletions are blocked takes nothing away either: the groups leaving keep their grants and permissions.
import { describe, expect, it } from 'vitest';
import { loadExampleState } from '../../test/support/example-state.js';
import type { Inventory } from '../domain/inventory.js';
import { emptyUnityCatalog, securableKey, type LiveState } from '../domain/live.js';
import { diff } from './diff.js';

const example = await loadExampleState();

const LEAVING = 'customer-acme-retired';
/** The retired persona's group holds a grant on Acme's catalog and a level on Acme's warehouse. */
function live(): LiveState {
  const unityCatalog = emptyUnityCatalog();
  unityCatalog.catalogs.push({ name: 'customer_acme', isolation: 'ISOLATED', accessible: true, bindings: { '1234567890123456': 'READ_WRITE' }, schemas: [] });
  unityCatalog.grants[securableKey('catalog', 'customer_acme')] = [{ principal: LEAVING, privileges: ['USE_CATALOG'] }];
  return {
    groups: [
      { id: 'g-retired', displayName: LEAVING },
      { id: 'g-initech', displayName: 'customer-initech-analysts' },
    ],
    users: [],
    servicePrincipals: [],
    workspaces: [],
    unityCatalog,
    assets: {
      prod: {
        warehouses: [
          {
            id: 'w1',
            name: 'customer-acme-analytics',
            clusterSize: 'Medium',
            minNumClusters: 1,
            maxNumClusters: 3,
            autoStopMins: 15,
            serverless: true,
            tags: {},
            acl: [{ kind: 'group', principal: LEAVING, level: 'CAN_USE' }],
          },
        ],
        clusterPolicies: [],
        notebooks: [],
      },
    },
  };
}
// A customer the desired state lost entirely (initech) blocks the plan's deletions.
const inventory: Inventory = {
  objects: [
    { kind: 'group', name: LEAVING, customer: 'acme' },
    { kind: 'group', name: 'customer-initech-analysts', customer: 'initech' },
  ],
};
/** The actions that would take something from the leaving group (a `- group: ...` line). */
const touching = (plan: ReturnType<typeof diff>) =>
  plan.actions.filter((a) => a.details.some((line) => line.startsWith(`- ${LEAVING}:`))).map((a) => `${a.status} ${a.id}`);

describe('a blocked plan', () => {
  it("keeps the leaving groups' grants and permissions", () => {
    const plan = diff(example, live(), { principals: 'create', inventory });
    expect(plan.pruneBlocked).toMatchObject({ vanishedCustomers: ['initech'] });
    expect(plan.actions.filter((a) => a.change === 'delete').map((a) => `${a.status} ${a.id}`)).toEqual([
      `blocked group:${LEAVING}`,
      'blocked group:customer-initech-analysts',
    ]);
    expect(touching(plan)).toEqual([]);
  });

  it('takes them away once confirmed, before the groups go', () => {
    const plan = diff(example, live(), { principals: 'create', inventory, allowMassDelete: true });
    expect(plan.pruneBlocked).toBeUndefined();
    expect(touching(plan)).toEqual(['pending grants:catalog customer_acme', 'pending permissions:warehouse customer-acme-analytics @ prod']);
    // The group's delete waits for both: a failed revocation keeps the group.
    expect(plan.actions.find((a) => a.id === `group:${LEAVING}`)!.dependsOn).toEqual(
      expect.arrayContaining(['grants:catalog customer_acme', 'permissions:warehouse customer-acme-analytics @ prod']),
    );
    // Only those: another customer's failing permissions must not hold Acme's group back.
    expect(plan.actions.find((a) => a.id === `group:${LEAVING}`)!.dependsOn.filter((id) => id.includes('globex'))).toEqual([]);
  });
});

describe('--confirm-deletions', () => {
  const blocked = diff(example, live(), { principals: 'create', inventory });
  const heldIds = blocked.actions.filter((a) => a.status === 'blocked').map((a) => a.id);

  it('is offered by a blocked plan, and its token lets exactly the held actions through', () => {
    expect(blocked.confirmToken).toMatch(/^[0-9a-f]{12}$/);
    const confirmed = diff(example, live(), { principals: 'create', inventory, confirmDeletions: blocked.confirmToken! });
    expect(confirmed.confirmation).toEqual({ token: blocked.confirmToken, confirmed: true, actions: 2 });
    expect(confirmed.pruneBlocked).toBeUndefined();
    expect(confirmed.confirmToken).toBeUndefined();
    expect(confirmed.actions.filter((a) => a.change === 'delete').map((a) => `${a.status} ${a.id}`)).toEqual(heldIds.map((id) => `pending ${id}`));
    // As for any group leaving: its grants and permissions go first.
    expect(touching(confirmed)).toEqual(['pending grants:catalog customer_acme', 'pending permissions:warehouse customer-acme-analytics @ prod']);
  });

  it('lets nothing through when the token is not the one of what the plan holds, and names the one that is', () => {
    const stale = diff(example, live(), { principals: 'create', inventory, confirmDeletions: '0123456789ab' });
    expect(stale.confirmation).toEqual({ token: '0123456789ab', confirmed: false, reason: `what the plan holds now has the token ${blocked.confirmToken}` });
    expect(stale.actions.filter((a) => a.status === 'blocked').map((a) => a.id)).toEqual(heldIds);
    expect(touching(stale)).toEqual([]);
    const nothingHeld = diff(example, live(), { principals: 'create', confirmDeletions: blocked.confirmToken! });
    expect(nothingHeld.confirmation).toMatchObject({ confirmed: false, reason: 'the plan holds nothing now' });
  });
});

describe('an offboarded customer', () => {
  const source = { file: 'customers/initech/customer.yaml', line: 4, column: 9, path: ['metadata', 'name'] };
  const offboarded = { ...example, offboarded: [{ name: 'initech', source }] };

  it("has its deletions through the guards in the next pass, while another's leaving alone stays blocked", () => {
    const plan = diff(offboarded, live(), { principals: 'create', inventory });
    expect(plan.pruneBlocked).toBeUndefined();
    expect(plan.actions.filter((a) => a.change === 'delete').map((a) => `${a.status} ${a.id}`)).toEqual([`pending group:${LEAVING}`, 'pending group:customer-initech-analysts']);
    expect(plan.offboarding).toEqual([{ customer: 'initech', source, owned: 1 }]);

    // Umbrella vanished without `offboard: true`: its deletion is held, Initech's is not.
    const withUmbrella: Inventory = { objects: [...inventory.objects, { kind: 'group', name: 'customer-umbrella-analysts', customer: 'umbrella' }] };
    const state = live();
    state.groups.push({ id: 'g-umbrella', displayName: 'customer-umbrella-analysts' });
    const mixed = diff(offboarded, state, { principals: 'create', inventory: withUmbrella });
    expect(mixed.pruneBlocked).toMatchObject({ vanishedCustomers: ['umbrella'] });
    expect(mixed.actions.filter((a) => a.change === 'delete').map((a) => `${a.status} ${a.id}`)).toEqual([
      `blocked group:${LEAVING}`,
      'pending group:customer-initech-analysts',
      'blocked group:customer-umbrella-analysts',
    ]);
  });

  it('says when nothing of it is left', () => {
    const plan = diff(offboarded, live(), { principals: 'create', inventory: { objects: inventory.objects.filter((o) => o.customer !== 'initech') } });
    expect(plan.offboarding).toEqual([{ customer: 'initech', source, owned: 0 }]);
  });
});
