import { beforeAll, describe, expect, it } from 'vitest';
import { revision } from '../../test/fixtures/desired/revision.js';
import type { ActionResult, Outcome } from '../apply/executor.js';
import { loadDesiredStateFromFiles } from '../desired/load.js';
import type { DesiredState } from '../domain/desired.js';
import { formatIssue } from '../domain/errors.js';
import { normaliseInventory, ownedKey, type Inventory, type OwnedObject } from '../domain/inventory.js';
import type { Action, ActionStatus, Operation, Plan } from '../domain/plan.js';
import { summarize } from '../plan/diff.js';
import { nextInventory, ownedTarget } from './record.js';

// The base revision declares: group customer-acme-analysts, catalog customer_acme and schema customer_acme.sales (via prod).
let desired: DesiredState;
beforeAll(() => {
  const loaded = loadDesiredStateFromFiles(revision());
  if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  desired = loaded.state;
});

const NOW = new Date('2026-12-02T12:00:00.000Z');
const ANALYSTS: OwnedObject = { kind: 'group', name: 'customer-acme-analysts', customer: 'acme' };
const OLD_GROUP: OwnedObject = { kind: 'group', name: 'customer-acme-old', customer: 'acme' };
const DECLARED_KEYS = ['catalog||customer_acme', 'group||customer-acme-analysts', 'schema||customer_acme.sales'];

function action(change: Action['change'], op: Operation, status: ActionStatus = 'pending'): Action {
  return { id: `${change}:${JSON.stringify(op)}`, kind: 'group', change, customer: 'acme', target: '', before: null, after: null, details: [], dependsOn: [], wave: 0, status, op };
}
const createAnalysts = (status?: ActionStatus) => action('create', { type: 'createGroup', displayName: 'customer-acme-analysts' }, status);
const deleteOld = (status?: ActionStatus) => action('delete', { type: 'deleteGroup', id: '7', displayName: 'customer-acme-old' }, status);

function planOf(actions: Action[], released?: OwnedObject[]): Plan {
  return { actions, summary: summarize(actions), issues: [], ...(released ? { released } : {}) };
}
const ran = (a: Action, outcome: Outcome): ActionResult => ({ action: a, outcome, seconds: 0 });
const keys = (inventory: Inventory) => inventory.objects.map(ownedKey);
const next = (previous: OwnedObject[], plan: Plan, results: ActionResult[] = []) => keys(nextInventory({ objects: previous }, desired, plan, results, NOW));

// Promise: a declared object is owned once it exists or its create ran, never on the strength of a create that did not run.
describe('nextInventory: declared objects', () => {
  it('records every declared object that needed no create, with its customer', () => {
    const inventory = nextInventory({ objects: [] }, desired, planOf([]), [], NOW);
    expect(keys(inventory)).toEqual(DECLARED_KEYS);
    expect(inventory.objects.every((o) => o.customer === 'acme')).toBe(true);
  });

  it('records an object whose create succeeded', () => {
    const create = createAnalysts();
    expect(next([], planOf([create]), [ran(create, 'succeeded')])).toContain(ownedKey(ANALYSTS));
  });

  // A failed create counts as run: the failure may hide a success (record.ts, "a failure may hide a success").
  it('records an object whose create ran and failed', () => {
    const create = createAnalysts();
    expect(next([], planOf([create]), [ran(create, 'failed')])).toEqual(DECLARED_KEYS);
  });

  it('does not record an object whose create was skipped', () => {
    const create = createAnalysts();
    expect(next([], planOf([create]), [ran(create, 'skipped')])).toEqual(DECLARED_KEYS.filter((k) => k !== ownedKey(ANALYSTS)));
  });

  it.each(['pending', 'waiting', 'observed'] as const)('does not record an object whose %s create never ran (no result)', (status) => {
    expect(next([], planOf([createAnalysts(status)]))).not.toContain(ownedKey(ANALYSTS));
  });

  it('does not take a create of something else for the declared object', () => {
    const other = action('create', { type: 'createGroup', displayName: 'customer-acme-other' });
    expect(next([], planOf([createAnalysts(), other]), [ran(other, 'succeeded')])).not.toContain(ownedKey(ANALYSTS));
  });

  it('keeps an object already owned when its re-create (it was deleted out of band) did not run', () => {
    const create = createAnalysts();
    expect(next([ANALYSTS], planOf([create]), [ran(create, 'skipped')])).toContain(ownedKey(ANALYSTS));
    expect(next([ANALYSTS], planOf([createAnalysts('waiting')]))).toContain(ownedKey(ANALYSTS));
  });
});

// Promise: an owned object leaves the inventory only when its delete succeeded or the plan released it.
describe('nextInventory: objects no longer declared', () => {
  it('keeps one the plan does nothing about', () => {
    expect(next([OLD_GROUP], planOf([]))).toContain(ownedKey(OLD_GROUP));
  });

  it('forgets one whose delete succeeded', () => {
    const remove = deleteOld();
    expect(next([OLD_GROUP], planOf([remove]), [ran(remove, 'succeeded')])).toEqual(DECLARED_KEYS);
  });

  it.each(['failed', 'skipped'] as const)('keeps one whose delete %s', (outcome) => {
    const remove = deleteOld();
    expect(next([OLD_GROUP], planOf([remove]), [ran(remove, outcome)])).toContain(ownedKey(OLD_GROUP));
  });

  it('keeps one whose delete was blocked by the guards (never ran)', () => {
    expect(next([OLD_GROUP], planOf([deleteOld('blocked')]))).toContain(ownedKey(OLD_GROUP));
  });

  it('forgets one the plan released, matching the name case-insensitively', () => {
    expect(next([OLD_GROUP], planOf([], [{ ...OLD_GROUP, name: 'Customer-Acme-Old' }]))).toEqual(DECLARED_KEYS);
  });

  it('keeps a warehouse when the succeeded delete was of its namesake in another workspace', () => {
    const owned: OwnedObject = { kind: 'warehouse', name: 'customer-acme-bi', customer: 'acme', workspace: 'prod' };
    const remove = action('delete', { type: 'deleteWarehouse', workspace: 'dev', id: 'w1', name: 'customer-acme-bi' });
    expect(next([owned], planOf([remove]), [ran(remove, 'succeeded')])).toContain(ownedKey(owned));
  });

  it('keeps the previous entry (customer included) of a declared object, without a duplicate', () => {
    const inventory = nextInventory({ objects: [OLD_GROUP, ANALYSTS] }, desired, planOf([]), [], NOW);
    expect(keys(inventory).filter((k) => k === ownedKey(ANALYSTS))).toHaveLength(1);
    expect(inventory.objects.find((o) => o.name === 'customer-acme-old')).toEqual(OLD_GROUP);
  });
});

// Promise: the result is normalised, so equal inventories serialise the same.
describe('nextInventory: normal form', () => {
  it('is sorted by key and holds each object once, whatever the previous order and case', () => {
    const zed: OwnedObject = { kind: 'group', name: 'zed', customer: 'acme' };
    const previous = [zed, { ...OLD_GROUP, name: 'CUSTOMER-ACME-OLD' }, OLD_GROUP, zed];
    const inventory = nextInventory({ objects: previous }, desired, planOf([]), [], NOW);
    const result = keys(inventory);
    expect(result).toEqual([...new Set(result)].sort());
    expect(result).toEqual([...DECLARED_KEYS, 'group||customer-acme-old', 'group||zed'].sort());
    expect(inventory).toEqual(normaliseInventory(inventory.objects));
  });
});

// Promise: each create/delete operation names the owned object it makes or removes; other operations name none.
describe('ownedTarget', () => {
  const spec = { name: 'wh', clusterSize: 'Small', minNumClusters: 1, maxNumClusters: 1, autoStopMins: 10, enableServerlessCompute: true, tags: {} };
  it.each<[Operation, ReturnType<typeof ownedTarget>]>([
    [{ type: 'createGroup', displayName: 'g' }, { kind: 'group', name: 'g' }],
    [{ type: 'deleteGroup', id: '1', displayName: 'g' }, { kind: 'group', name: 'g' }],
    [{ type: 'createCatalog', via: 'prod', name: 'c' }, { kind: 'catalog', name: 'c', workspace: 'prod' }],
    [{ type: 'deleteCatalog', via: 'prod', name: 'c' }, { kind: 'catalog', name: 'c', workspace: 'prod' }],
    [{ type: 'createSchema', via: 'prod', catalog: 'c', name: 's' }, { kind: 'schema', name: 'c.s', workspace: 'prod' }],
    [{ type: 'deleteSchema', via: 'prod', fullName: 'c.s' }, { kind: 'schema', name: 'c.s', workspace: 'prod' }],
    [
      { type: 'createExternalLocation', via: 'prod', name: 'l', url: 's3://b', credential: 'cr', readOnly: false },
      { kind: 'external-location', name: 'l', workspace: 'prod' },
    ],
    [{ type: 'deleteExternalLocation', via: 'prod', name: 'l' }, { kind: 'external-location', name: 'l', workspace: 'prod' }],
    [{ type: 'createWarehouse', workspace: 'dev', spec }, { kind: 'warehouse', name: 'wh', workspace: 'dev' }],
    [{ type: 'deleteWarehouse', workspace: 'dev', id: '9', name: 'wh' }, { kind: 'warehouse', name: 'wh', workspace: 'dev' }],
    [{ type: 'createClusterPolicy', workspace: 'dev', name: 'p', definition: {} }, { kind: 'cluster-policy', name: 'p', workspace: 'dev' }],
    [{ type: 'deleteClusterPolicy', workspace: 'dev', id: '3', name: 'p' }, { kind: 'cluster-policy', name: 'p', workspace: 'dev' }],
    [{ type: 'importNotebook', workspace: 'dev', path: '/N', language: 'SQL', content: '' }, { kind: 'notebook', name: '/N', workspace: 'dev' }],
    [{ type: 'deleteNotebook', workspace: 'dev', path: '/N' }, { kind: 'notebook', name: '/N', workspace: 'dev' }],
  ])('maps %j', (op, expected) => {
    expect(ownedTarget(op)).toEqual(expected);
  });

  it.each<Operation>([
    { type: 'updateCatalog', via: 'prod', name: 'c', comment: 'x' },
    { type: 'updateGrants', via: 'prod', securable: { type: 'catalog', fullName: 'c' }, changes: [] },
    { type: 'editWarehouse', workspace: 'dev', id: '9', spec },
    { type: 'patchMembers', group: { type: 'group', displayName: 'g' }, add: [], remove: [] },
    { type: 'createUser', userName: 'jane@acme.com' },
  ])('maps $type to nothing', (op) => {
    expect(ownedTarget(op)).toBeUndefined();
  });
});

// Promise: a record keeps the time it was first made, so a fresh one is told from an old one (see plan/prune.ts).
describe('nextInventory: record times', () => {
  it('stamps what is recorded for the first time, and keeps the stamp of what was recorded before', () => {
    const earlier = { ...ANALYSTS, recordedAt: '2026-11-01T00:00:00.000Z' };
    const inventory = nextInventory({ objects: [earlier] }, desired, planOf([]), [], NOW);
    expect(inventory.objects.find((o) => o.name === ANALYSTS.name)!.recordedAt).toBe(earlier.recordedAt);
    expect(inventory.objects.find((o) => o.kind === 'catalog')!.recordedAt).toBe(NOW.toISOString());
  });

  it('stamps again an object whose create ran this pass (it may be missing from a lagging list)', () => {
    const earlier = { ...ANALYSTS, recordedAt: '2026-11-01T00:00:00.000Z' };
    const create = createAnalysts();
    const inventory = nextInventory({ objects: [earlier] }, desired, planOf([create]), [ran(create, 'failed')], NOW);
    expect(inventory.objects.find((o) => o.name === ANALYSTS.name)!.recordedAt).toBe(NOW.toISOString());
  });
});
