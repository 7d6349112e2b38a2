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
