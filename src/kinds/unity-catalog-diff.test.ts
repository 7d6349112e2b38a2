import { describe, expect, it } from 'vitest';
import { loadExampleState } from '../../test/support/example-state.js';
import { homeWorkspace, type DesiredState } from '../domain/desired.js';
import { formatIssue } from '../domain/errors.js';
import type { Inventory } from '../domain/inventory.js';
import { emptyUnityCatalog, securableKey, type LiveState, type LiveUnityCatalog } from '../domain/live.js';
import type { Action } from '../domain/plan.js';
import { diff } from '../plan/diff.js';
import { waveOf } from '../plan/order.js';

const UC_KINDS = new Set(['catalog', 'schema', 'catalog-bindings', 'catalog-isolation', 'external-location', 'grants']);
const PROD = '1234567890123456';

const example = await loadExampleState();

/** Unity Catalog exactly as `desired` declares it (plus the `default` schema every catalog gets). */
function convergedUnityCatalog(desired: DesiredState): LiveUnityCatalog {
  const uc = emptyUnityCatalog();
  const idOf = (name: string) => desired.workspaces.find((w) => w.name === name)!.workspaceId;
  for (const customer of desired.customers) {
    const catalog = customer.catalog;
    if (catalog) {
      uc.catalogs.push({
        name: catalog.name,
        ...(catalog.comment === undefined ? {} : { comment: catalog.comment }),
        isolation: catalog.isolation,
        accessible: true,
        bindings: Object.fromEntries(Object.entries(catalog.bindings).map(([ws, type]) => [idOf(ws), type])),
        schemas: [{ name: 'default' }, ...catalog.schemas].map((s) => ({
          name: s.name,
          fullName: `${catalog.name}.${s.name}`,
          ...('comment' in s && s.comment !== undefined ? { comment: s.comment } : {}),
        })),
      });
      uc.grants[securableKey('catalog', catalog.name)] = [];
      for (const s of catalog.schemas) uc.grants[securableKey('schema', `${catalog.name}.${s.name}`)] = [];
    }
    for (const location of customer.externalLocations) {
      // Stored without the trailing slash, as the service does.
      uc.externalLocations.push({
        name: location.name,
        url: location.url.replace(/\/+$/, ''),
        credential: location.credential,
        readOnly: location.readOnly,
        ...(location.comment === undefined ? {} : { comment: location.comment }),
      });
      uc.grants[securableKey('external_location', location.name)] = [];
      const via = homeWorkspace(customer);
      uc.storageCredentials[via] = [...(uc.storageCredentials[via] ?? []), location.credential];
    }
    for (const grant of customer.grants) {
      uc.grants[securableKey(grant.securable.type, grant.securable.fullName)]!.push({ principal: grant.principal, privileges: grant.privileges });
    }
  }
  return uc;
}

function live(unityCatalog: LiveUnityCatalog, extra: Partial<LiveState> = {}): LiveState {
  return { groups: [], users: [], servicePrincipals: [], workspaces: [], unityCatalog, assets: {}, ...extra };
}

function ucActions(desired: DesiredState, state: LiveState, inventory?: Inventory): Action[] {
  return diff(desired, state, { principals: 'create', ...(inventory ? { inventory } : {}) }).actions.filter((a) => UC_KINDS.has(a.kind));
}

function withCustomer(desired: DesiredState, name: string, change: (c: DesiredState['customers'][number]) => void): DesiredState {
  const copy = structuredClone(desired);
  change(copy.customers.find((c) => c.name === name)!);
  return copy;
}

describe('Unity Catalog diff on an empty metastore', () => {
  it("creates Acme's catalog, schemas, binding, isolation, location and grants, parents first", () => {
    const state = live(emptyUnityCatalog(), { workspaces: [] });
    state.unityCatalog.storageCredentials.prod = ['aws-acme-credential'];
    const plan = diff(example, state, { principals: 'create' });
    const acme = plan.actions.filter((a) => a.customer === 'acme' && UC_KINDS.has(a.kind));
    expect(acme.map((a) => `${a.change} ${a.id}`)).toEqual([
      'create catalog:customer_acme',
      'update catalog-bindings:customer_acme',
      'create schema:customer_acme.curated',
      'create schema:customer_acme.marketing',
      'create schema:customer_acme.raw',
      'create schema:customer_acme.sales',
      'update catalog-isolation:customer_acme',
      'create external-location:customer_acme_raw_data',
      'update grants:catalog customer_acme',
      'update grants:external location customer_acme_raw_data',
      'update grants:schema customer_acme.curated',
      'update grants:schema customer_acme.marketing',
      'update grants:schema customer_acme.raw',
      'update grants:schema customer_acme.sales',
    ]);
    const byId = new Map(plan.actions.map((a) => [a.id, a]));
    // Every dependency exists in the plan and runs in an earlier wave.
    for (const action of plan.actions) {
      for (const dep of action.dependsOn) expect(waveOf(byId.get(dep)!)).toBeLessThan(waveOf(action));
    }
    expect(byId.get('catalog-isolation:customer_acme')!.dependsOn).toEqual(['catalog-bindings:customer_acme', 'catalog:customer_acme']);
    expect(byId.get('catalog:customer_acme')!.op).toEqual({
      type: 'createCatalog',
      via: 'prod',
      name: 'customer_acme',
      comment: 'Acme Corp customer catalog',
    });
    expect(byId.get('catalog-bindings:customer_acme')!.details).toEqual(['+ prod: READ_WRITE']);

    const catalogGrants = byId.get('grants:catalog customer_acme')!;
    expect(catalogGrants.dependsOn).toEqual([
      'catalog:customer_acme',
      'group:acme-platform-admins',
      'group:customer-acme-analysts',
      'group:customer-acme-auditors',
      'group:customer-acme-engineers',
      'group:customer-acme-scientists',
    ]);
    expect(catalogGrants.op).toMatchObject({
      type: 'updateGrants',
      securable: { type: 'catalog', fullName: 'customer_acme' },
      changes: [
        { principal: 'acme-platform-admins', add: ['ALL_PRIVILEGES'], remove: [] },
        { principal: 'customer-acme-analysts', add: ['USE_CATALOG'], remove: [] },
        { principal: 'customer-acme-auditors', add: ['USE_CATALOG'], remove: [] },
        { principal: 'customer-acme-engineers', add: ['USE_CATALOG'], remove: [] },
        { principal: 'customer-acme-scientists', add: ['USE_CATALOG'], remove: [] },
      ],
    });
    expect(byId.get('grants:schema customer_acme.sales')!.details).toEqual([
      '+ customer-acme-analysts: SELECT, USE_SCHEMA',
      '+ customer-acme-auditors: SELECT, USE_SCHEMA',
    ]);
    expect(plan.issues).toEqual([]);
  });
});

describe('Unity Catalog diff against a converged metastore', () => {
  it('is empty, even with names in other cases, URLs without their slash and the default schema', () => {
    const uc = convergedUnityCatalog(example);
    const shouting = structuredClone(uc);
    for (const list of Object.values(shouting.grants)) for (const a of list) a.principal = a.principal.toUpperCase();
    shouting.externalLocations[0]!.credential = 'AWS-ACME-CREDENTIAL';
    expect(ucActions(example, live(uc))).toEqual([]);
    expect(ucActions(example, live(shouting))).toEqual([]);
  });

  it('revokes a grant to an outside principal by hand, naming it, and leaves it under grants: additive', () => {
    const uc = convergedUnityCatalog(example);
    uc.grants[securableKey('catalog', 'customer_acme')]!.push({ principal: 'mallory@example.com', privileges: ['SELECT'] });
    const [revoke, ...rest] = ucActions(example, live(uc));
    expect(rest).toEqual([]);
    expect(revoke).toMatchObject({
      id: 'grants:catalog customer_acme',
      customer: 'acme',
      details: ['- mallory@example.com: SELECT (not managed by onboarder)'],
      op: { changes: [{ principal: 'mallory@example.com', add: [], remove: ['SELECT'] }] },
    });
    const additive = withCustomer(example, 'acme', (c) => (c.grantsMode = 'additive'));
    expect(ucActions(additive, live(uc))).toEqual([]);
  });

  it('sends the minimal delta: one change per principal, one action per securable', () => {
    const uc = convergedUnityCatalog(example);
    const sales = uc.grants[securableKey('schema', 'customer_acme.sales')]!;
    sales.find((a) => a.principal === 'customer-acme-analysts')!.privileges = ['MODIFY', 'USE_SCHEMA'];
    sales.splice(sales.findIndex((a) => a.principal === 'customer-acme-auditors'), 1);
    const actions = ucActions(example, live(uc));
    expect(actions).toHaveLength(1);
    expect(actions[0]!.op).toEqual({
      type: 'updateGrants',
      via: 'prod',
      securable: { type: 'schema', fullName: 'customer_acme.sales' },
      changes: [
        { principal: 'customer-acme-analysts', add: ['SELECT'], remove: ['MODIFY'] },
        { principal: 'customer-acme-auditors', add: ['SELECT', 'USE_SCHEMA'], remove: [] },
      ],
    });
    expect(actions[0]!.details).toEqual([
      '+ customer-acme-analysts: SELECT',
      '- customer-acme-analysts: MODIFY',
      '+ customer-acme-auditors: SELECT, USE_SCHEMA',
    ]);
  });

  it("never revokes onboarder's own principal", () => {
    const uc = convergedUnityCatalog(example);
    uc.grants[securableKey('catalog', 'customer_acme')]!.push({ principal: 'onboarder-sp-app-id', privileges: ['MANAGE'] });
    expect(ucActions(example, live(uc, { controllerPrincipal: 'ONBOARDER-SP-APP-ID' }))).toEqual([]);
    expect(ucActions(example, live(uc))).toHaveLength(1);
  });

  it('corrects comment, isolation, binding and location drift, and ignores what the YAML leaves unset', () => {
    const uc = convergedUnityCatalog(example);
    const acme = uc.catalogs.find((c) => c.name === 'customer_acme')!;
    acme.comment = 'edited by hand';
    acme.isolation = 'OPEN';
    acme.bindings = { [PROD]: 'READ_ONLY', '777': 'READ_WRITE' };
    acme.schemas.find((s) => s.name === 'sales')!.comment = 'also edited';
    uc.externalLocations[0]!.readOnly = true;
    const noComments = withCustomer(example, 'globex', (c) => delete c.catalog!.comment);
    uc.catalogs.find((c) => c.name === 'customer_globex')!.comment = 'whatever';
    const actions = ucActions(noComments, live(uc));
    expect(actions.map((a) => `${a.change} ${a.id}`)).toEqual([
      'update catalog:customer_acme',
      'update catalog-bindings:customer_acme',
      'update schema:customer_acme.sales',
      'update catalog-isolation:customer_acme',
      'update external-location:customer_acme_raw_data',
    ]);
    const find = (id: string) => actions.find((a) => a.id === id)!;
    expect(find('catalog-bindings:customer_acme').details).toEqual(['- workspace 777 (not declared)', '~ prod: READ_WRITE']);
    expect(find('catalog-bindings:customer_acme').op).toEqual({
      type: 'updateBindings',
      via: 'prod',
      catalog: 'customer_acme',
      add: [{ workspaceId: PROD, workspace: 'prod', bindingType: 'READ_WRITE' }],
      remove: [{ workspaceId: '777' }],
    });
    expect(find('catalog-isolation:customer_acme').dependsOn).toEqual(['catalog-bindings:customer_acme']);
    expect(find('external-location:customer_acme_raw_data').op).toMatchObject({ patch: { readOnly: false } });
  });

  it('opens a catalog before removing the binding that keeps it reachable', () => {
    const uc = convergedUnityCatalog(example);
    const opened = withCustomer(example, 'acme', (c) => {
      c.catalog!.isolation = 'OPEN';
      c.catalog!.bindings = {};
    });
    const actions = ucActions(opened, live(uc));
    expect(actions.map((a) => `${a.change} ${a.kind} ${a.id}`)).toEqual([
      'update catalog catalog-isolation:customer_acme',
      'update catalog-bindings catalog-bindings:customer_acme',
    ]);
    expect(waveOf(actions[0]!)).toBeLessThan(waveOf(actions[1]!));
  });

  it('repairs only the bindings of a catalog isolated away from its home workspace', () => {
    const uc = convergedUnityCatalog(example);
    const acme = uc.catalogs.find((c) => c.name === 'customer_acme')!;
    Object.assign(acme, { accessible: false, bindings: {}, schemas: [] });
    for (const key of Object.keys(uc.grants)) if (key.includes('customer_acme.') || key === 'catalog:customer_acme') delete uc.grants[key];
    expect(ucActions(example, live(uc)).map((a) => `${a.change} ${a.id}`)).toEqual(['update catalog-bindings:customer_acme']);
  });
});

describe('a schema leaving the desired state', () => {
  const withoutMarketing = () =>
    withCustomer(example, 'acme', (c) => {
      c.catalog!.schemas = c.catalog!.schemas.filter((s) => s.name !== 'marketing');
      c.grants = c.grants.filter((g) => g.securable.fullName !== 'customer_acme.marketing');
    });

  it('has its grants revoked and is deleted when the inventory says onboarder owns it', () => {
    const uc = convergedUnityCatalog(example);
    const inventory: Inventory = { objects: [{ kind: 'schema', name: 'customer_acme.marketing', customer: 'acme' }] };
    const actions = ucActions(withoutMarketing(), live(uc), inventory);
    expect(actions.map((a) => `${a.change} ${a.id}`)).toEqual(['update grants:schema customer_acme.marketing', 'delete schema:customer_acme.marketing']);
    expect(actions[0]!.op).toMatchObject({
      changes: [{ principal: 'customer-acme-analysts', add: [], remove: ['SELECT', 'USE_SCHEMA'] }],
    });
    expect(actions[1]!.op).toEqual({ type: 'deleteSchema', via: 'prod', fullName: 'customer_acme.marketing' });
  });

  it('is left alone when onboarder never declared it (made by hand, or the default schema)', () => {
    const uc = convergedUnityCatalog(example);
    expect(ucActions(withoutMarketing(), live(uc))).toEqual([]);
  });
});

describe('plan issues', () => {
  it('reports a storage credential the account lacks at the credential field, and only when it matters', () => {
    const uc = convergedUnityCatalog(example);
    uc.storageCredentials = { prod: ['some-other-credential'] };
    const missing = { ...uc, externalLocations: [] };
    const plan = diff(example, live(missing), { principals: 'create' });
    expect(plan.issues.map((issue) => issue.code)).toEqual(['MISSING_STORAGE_CREDENTIAL']);
    expect(plan.issues.map(formatIssue)).toEqual([
      'customers/acme/customer.yaml:47:19: spec.externalLocations[0].credential: storage credential "aws-acme-credential" does not exist ' +
        '(or is not visible from workspace "prod"); external locations need an existing credential: known: some-other-credential',
    ]);
    // An existing location on the same credential needs nothing new from the account.
    expect(diff(example, live(uc), { principals: 'create' }).issues).toEqual([]);
  });
});
