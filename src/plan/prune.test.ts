import { describe, expect, it } from 'vitest';
import { revision, yaml } from '../../test/fixtures/desired/revision.js';
import { loadDesiredStateFromFiles } from '../desired/load.js';
import type { DesiredState } from '../domain/desired.js';
import { formatIssue } from '../domain/errors.js';
import { normaliseInventory, ownedKey, type Inventory, type OwnedObject } from '../domain/inventory.js';
import { emptyUnityCatalog, type LiveCatalog, type LiveGroup, type LiveState } from '../domain/live.js';
import { diff } from './diff.js';
import { diffPrune, RELEASE_AFTER_MS } from './prune.js';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
/** Records without a `recordedAt` count as old: an absence is trusted at once. */
const prune = (...args: [DesiredState, LiveState, Inventory]) => diffPrune(...args, NOW);

function load(changes: Record<string, string | undefined> = {}): DesiredState {
  const loaded = loadDesiredStateFromFiles(revision(changes));
  if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  return loaded.state;
}
// Declares workspace prod and customer acme: group customer-acme-analysts, catalog customer_acme with schema sales.
const BASE = load();

const at = (kind: OwnedObject['kind'], name: string, workspace = 'prod', customer = 'acme'): OwnedObject => ({ kind, name, customer, workspace });
const group = (name: string, customer = 'acme'): OwnedObject => ({ kind: 'group', name, customer });
const inventoryOf = (...objects: OwnedObject[]): Inventory => ({ objects });
const keys = (objects: readonly OwnedObject[]) => normaliseInventory(objects).objects.map(ownedKey);

/** Owned by acme, no longer declared: one of each kind, the old catalog with two schemas. */
const LEAVING: OwnedObject[] = [
  group('customer-acme-engineers'),
  at('catalog', 'customer_acme_old'),
  at('schema', 'customer_acme_old.raw'),
  at('schema', 'customer_acme_old.curated'),
  at('external-location', 'acme_old_raw'),
  at('warehouse', 'customer-acme-bi'),
  at('cluster-policy', 'customer-acme-policy'),
  at('notebook', '/Workspace/Customers/Acme/Old'),
];

const catalog = (name: string, schemas: string[], accessible = true): LiveCatalog => ({
  name,
  isolation: 'OPEN',
  accessible,
  bindings: {},
  schemas: schemas.map((s) => ({ name: s, fullName: `${name}.${s}` })),
});

function live(extra: { groups?: LiveGroup[]; catalogs?: LiveCatalog[]; workspace?: string } = {}): LiveState {
  const ws = extra.workspace ?? 'prod';
  return {
    groups: extra.groups ?? [],
    users: [],
    servicePrincipals: [],
    workspaces: [{ name: 'prod', workspaceId: '42', assignments: [], entitlements: {} }],
    unityCatalog: { ...emptyUnityCatalog(), catalogs: extra.catalogs ?? [] },
    assets: { [ws]: { warehouses: [], clusterPolicies: [], notebooks: [] } },
  };
}

/** Everything in LEAVING exists (in `workspace`, for workspace assets), plus a `default` schema nobody owns. */
function liveWithLeaving(workspace = 'prod'): LiveState {
  const state = live({ groups: [{ id: 'g-eng', displayName: 'Customer-Acme-Engineers' }], catalogs: [catalog('customer_acme_old', ['default', 'raw', 'curated'])], workspace });
  state.unityCatalog.externalLocations.push({ name: 'acme_old_raw', url: 's3://acme/old', credential: 'cred', readOnly: false });
  const w = { clusterSize: 'Small', minNumClusters: 1, maxNumClusters: 1, autoStopMins: 10, serverless: true, tags: {}, acl: [] };
  state.assets[workspace] = {
    warehouses: [{ id: 'w-bi', name: 'customer-acme-bi', ...w }],
    clusterPolicies: [{ id: 'p-1', name: 'customer-acme-policy', definition: {}, acl: [] }],
    notebooks: [{ path: '/Workspace/Customers/Acme/Old', objectId: 'n-1', contentHash: 'abc', acl: [] }],
  };
  return state;
}

// Promise: each owned object the desired state dropped gets a delete of the live object, with the right operation.
describe('diffPrune: deleting what left', () => {
  it('deletes one object of every kind, naming the live object', () => {
    const { actions, released } = prune(BASE, liveWithLeaving(), inventoryOf(...LEAVING));
    expect(released).toEqual([]);
    expect(Object.fromEntries(actions.map((a) => [a.id, a.op]))).toEqual({
      'group:Customer-Acme-Engineers': { type: 'deleteGroup', id: 'g-eng', displayName: 'Customer-Acme-Engineers' },
      'catalog:customer_acme_old': { type: 'deleteCatalog', via: 'prod', name: 'customer_acme_old' },
      'schema:customer_acme_old.raw': { type: 'deleteSchema', via: 'prod', fullName: 'customer_acme_old.raw' },
      'schema:customer_acme_old.curated': { type: 'deleteSchema', via: 'prod', fullName: 'customer_acme_old.curated' },
      'external-location:acme_old_raw': { type: 'deleteExternalLocation', via: 'prod', name: 'acme_old_raw' },
      'warehouse:customer-acme-bi @ prod': { type: 'deleteWarehouse', workspace: 'prod', id: 'w-bi', name: 'customer-acme-bi' },
      'cluster-policy:customer-acme-policy @ prod': { type: 'deleteClusterPolicy', workspace: 'prod', id: 'p-1', name: 'customer-acme-policy' },
      'notebook:/Workspace/Customers/Acme/Old @ prod': { type: 'deleteNotebook', workspace: 'prod', path: '/Workspace/Customers/Acme/Old' },
    });
    for (const a of actions) expect(a).toMatchObject({ change: 'delete', status: 'pending', customer: 'acme', after: null, kind: a.id.split(':')[0] });
  });

  it("makes the catalog's delete wait for the deletes of its owned schemas (and only those)", () => {
    const { actions } = prune(BASE, liveWithLeaving(), inventoryOf(...LEAVING));
    const byId = new Map(actions.map((a) => [a.id, a]));
    expect([...byId.get('catalog:customer_acme_old')!.dependsOn].sort()).toEqual(['schema:customer_acme_old.curated', 'schema:customer_acme_old.raw']);
    expect(byId.has('schema:customer_acme_old.default')).toBe(false);
    expect(actions.filter((a) => a.id !== 'catalog:customer_acme_old').every((a) => a.dependsOn.length === 0)).toBe(true);
  });
});

// Promise: an owned object that is gone already, or not onboarder's to delete, is released instead.
describe('diffPrune: releasing', () => {
  it('releases every kind that no longer exists, and deletes nothing', () => {
    const { actions, released } = prune(BASE, live(), inventoryOf(...LEAVING));
    expect(actions).toEqual([]);
    expect(keys(released)).toEqual(keys(LEAVING));
  });

  it("releases an identity provider's group instead of deleting it", () => {
    const idp = live({ groups: [{ id: 'g-eng', displayName: 'customer-acme-engineers', externalId: 'entra-1' }] });
    expect(prune(BASE, idp, inventoryOf(group('customer-acme-engineers')))).toEqual({ actions: [], released: [group('customer-acme-engineers')] });
  });

  it('releases a notebook whose path now holds something else', () => {
    const state = liveWithLeaving();
    state.assets.prod!.notebooks[0]!.occupiedBy = 'DIRECTORY';
    const notebook = at('notebook', '/Workspace/Customers/Acme/Old');
    expect(prune(BASE, state, inventoryOf(notebook))).toEqual({ actions: [], released: [notebook] });
  });

  it.each(['users', 'admins', 'users-clone-1', 'Admins'])('never deletes the protected group %s', (name) => {
    const state = live({ groups: [{ id: 'g-p', displayName: name }] });
    const { actions, released } = prune(BASE, state, inventoryOf(group(name)));
    expect(actions).toEqual([]);
    expect(released).toEqual([group(name)]);
  });
});

// Promise: nothing the inventory does not own, or cannot reach, is touched.
describe('diffPrune: what it leaves alone', () => {
  it('never deletes an object the inventory does not hold, however onboarder-like its name', () => {
    const state = liveWithLeaving();
    state.groups.push({ id: 'g-x', displayName: 'customer-acme-analysts-old' });
    expect(prune(BASE, state, inventoryOf())).toEqual({ actions: [], released: [] });
    // Owning a warehouse of that name elsewhere does not make this one onboarder's.
    expect(prune(BASE, state, inventoryOf(at('warehouse', 'customer-acme-bi', 'staging')))).toEqual({ actions: [], released: [] });
  });

  it('neither deletes nor releases objects of a workspace that is no longer declared', () => {
    const staging = LEAVING.filter((o) => o.kind !== 'group').map((o) => ({ ...o, workspace: 'staging' }));
    expect(prune(BASE, liveWithLeaving('staging'), inventoryOf(...staging))).toEqual({ actions: [], released: [] });
  });

  it('leaves a schema of a still-declared catalog to the Unity Catalog diff, releasing it only once gone', () => {
    const schema = at('schema', 'customer_acme.old');
    const withSchema = live({ catalogs: [catalog('customer_acme', ['sales', 'old'])] });
    expect(prune(BASE, withSchema, inventoryOf(schema))).toEqual({ actions: [], released: [] });
    const withoutSchema = live({ catalogs: [catalog('customer_acme', ['sales'])] });
    expect(prune(BASE, withoutSchema, inventoryOf(schema))).toEqual({ actions: [], released: [schema] });
  });

  it('neither deletes nor releases an isolated catalog (nor its schemas) it cannot read', () => {
    const isolated = live({ catalogs: [catalog('customer_acme_old', [], false)] });
    const owned = LEAVING.filter((o) => o.kind === 'catalog' || o.kind === 'schema');
    expect(prune(BASE, isolated, inventoryOf(...owned))).toEqual({ actions: [], released: [] });
  });
});

// Promise: a still-declared catalog or location is never pruned, even when the customer's home workspace changed.
describe('diffPrune: a declared object reached through a new home workspace', () => {
  const dev = yaml`
    apiVersion: onboarder/v1
    kind: Workspace
    metadata: { name: dev }
    spec:
      workspaceId: "43"
  `;
  const acme = yaml`
    apiVersion: onboarder/v1
    kind: Customer
    metadata: { name: acme }
    spec:
      workspaces: [dev, prod]
      personas:
        analysts: { template: analysts }
      catalog: { name: customer_acme, schemas: [{ name: sales }] }
      externalLocations: [{ name: acme_raw, url: "s3://acme/raw", credential: cred }]
  `;
  // Recorded while acme had prod only; the desired state now reaches both through dev (its first workspace).
  const owned = [at('catalog', 'customer_acme'), at('schema', 'customer_acme.sales'), at('external-location', 'acme_raw')];

  // Unity Catalog names are the metastore's: the workspace that reached an object is not part of its identity.
  it('plans no delete for them', () => {
    const desired = load({ 'workspaces/dev.yaml': dev, 'customers/acme.yaml': acme });
    const state = live({ catalogs: [catalog('customer_acme', ['default', 'sales'])] });
    state.unityCatalog.externalLocations.push({ name: 'acme_raw', url: 's3://acme/raw', credential: 'cred', readOnly: false });
    expect(prune(desired, state, inventoryOf(...owned)).actions).toEqual([]);
  });
});

// Promise: a customer the inventory knows but the desired state dropped blocks every delete of the plan, until confirmed.
describe('diff: a vanished customer', () => {
  const inventory = inventoryOf(group('customer-acme-engineers'), group('customer-globex-analysts', 'globex'));
  const state = live({
    groups: [
      { id: 'g-eng', displayName: 'customer-acme-engineers' },
      { id: 'g-glx', displayName: 'customer-globex-analysts' },
    ],
  });
  const deletes = (allowMassDelete?: boolean) => {
    const plan = diff(BASE, state, { principals: 'create', inventory, ...(allowMassDelete ? { allowMassDelete } : {}) });
    return { plan, deletes: plan.actions.filter((a) => a.change === 'delete') };
  };

  it('blocks every delete, including those of customers still declared, and says why', () => {
    const { plan, deletes: held } = deletes();
    expect(held.map((a) => [a.id, a.status])).toEqual([
      ['group:customer-acme-engineers', 'blocked'],
      ['group:customer-globex-analysts', 'blocked'],
    ]);
    expect(plan.pruneBlocked).toMatchObject({ deletes: 2, vanishedCustomers: ['globex'] });
    expect(plan.pruneBlocked!.reason).toMatch(/customer globex is no longer declared at all.*--allow-mass-delete/);
    expect(plan.summary).toMatchObject({ delete: 0, blocked: 2 });
  });

  it('lets the deletes through with allowMassDelete', () => {
    const { plan, deletes: allowed } = deletes(true);
    expect(allowed.map((a) => [a.id, a.status])).toEqual([
      ['group:customer-acme-engineers', 'pending'],
      ['group:customer-globex-analysts', 'pending'],
    ]);
    expect(plan.pruneBlocked).toBeUndefined();
    expect(plan.summary).toMatchObject({ delete: 2, blocked: 0 });
  });

  it('does not block when every customer the inventory knows is still declared', () => {
    const plan = diff(BASE, state, { principals: 'create', inventory: inventoryOf(group('customer-acme-engineers')) });
    expect(plan.pruneBlocked).toBeUndefined();
    expect(plan.actions.filter((a) => a.change === 'delete').map((a) => [a.id, a.status])).toEqual([['group:customer-acme-engineers', 'pending']]);
  });
});

// Promise: an absence is trusted only once the record is older than any list lag; a fresh record stays owned.
describe('diffPrune: a recently recorded object missing from live state', () => {
  const recorded = (minutesAgo: number): OwnedObject => ({
    kind: 'group',
    name: 'customer-acme-fresh',
    customer: 'acme',
    recordedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
  });

  it('stays owned (no delete, not released) while the record is younger than RELEASE_AFTER_MS', () => {
    const result = diffPrune(BASE, live({}), inventoryOf(recorded(1)), NOW);
    expect(result).toEqual({ actions: [], released: [] });
  });

  it('is released once the record is older', () => {
    const old = recorded(RELEASE_AFTER_MS / 60_000 + 1);
    expect(diffPrune(BASE, live({}), inventoryOf(old), NOW).released).toEqual([old]);
  });

  it('is released at once when it is read one by one (a 404 is not list lag)', () => {
    const notebook: OwnedObject = { ...recorded(1), kind: 'notebook', name: '/Workspace/Customers/Acme/Old', workspace: 'prod' };
    expect(diffPrune(BASE, live({}), inventoryOf(notebook), NOW).released).toEqual([notebook]);
  });
});
