import { describe, expect, it } from 'vitest';
import { loadExampleState } from '../../test/support/example-state.js';
import type { DesiredState } from '../domain/desired.js';
import { emptyUnityCatalog, type LiveState, type LiveWorkspaceAssets } from '../domain/live.js';
import { notebookHash } from '../domain/notebook.js';
import type { Action } from '../domain/plan.js';
import { diff } from '../plan/diff.js';
import { waveOf } from '../plan/order.js';

const ASSET_KINDS = new Set(['warehouse', 'cluster-policy', 'notebook', 'permissions']);
const OWNER = { kind: 'servicePrincipal' as const, principal: 'onboarder-app-id', level: 'IS_OWNER' };

const example = await loadExampleState();

/** Every workspace exactly as `desired` declares it, plus what onboarder does not manage (owners, a person). */
function convergedAssets(desired: DesiredState): Record<string, LiveWorkspaceAssets> {
  const assets: Record<string, LiveWorkspaceAssets> = {};
  const acl = (levels: Record<string, string>) => Object.entries(levels).map(([principal, level]) => ({ kind: 'group' as const, principal, level }));
  for (const customer of desired.customers) {
    for (const workspace of customer.workspaces) {
      const into = (assets[workspace] ??= { warehouses: [], clusterPolicies: [], notebooks: [] });
      for (const w of customer.warehouses) {
        into.warehouses.push({
          id: `id-${w.name}`,
          name: w.name,
          clusterSize: w.size,
          minNumClusters: w.minClusters,
          maxNumClusters: w.maxClusters,
          autoStopMins: w.autoStopMins,
          serverless: w.serverless,
          tags: { ...w.tags },
          acl: [OWNER, { kind: 'user', principal: 'someone@example.com', level: 'CAN_MANAGE' }, ...acl(w.permissions)],
        });
      }
      for (const p of customer.clusterPolicies) {
        into.clusterPolicies.push({ id: `id-${p.name}`, name: p.name, definition: structuredClone(p.definition), acl: acl(p.permissions) });
      }
      for (const n of customer.notebooks) {
        // What an export answers: the source with Databricks' header line, CRLF line ends.
        const header = `${n.language === 'SQL' ? '--' : '#'} Databricks notebook source`;
        const body = n.content.startsWith(header) ? n.content.slice(header.length + 1) : n.content;
        const exported = `${header}\r\n${body.replace(/\n/g, '\r\n')}\n\n`;
        into.notebooks.push({ path: n.path, objectId: `id-${n.path}`, language: n.language, contentHash: notebookHash(exported, n.language), acl: acl(n.permissions) });
      }
    }
  }
  return assets;
}

function live(assets: Record<string, LiveWorkspaceAssets>): LiveState {
  return { groups: [], users: [], servicePrincipals: [], workspaces: [], unityCatalog: emptyUnityCatalog(), assets };
}

const assetActions = (desired: DesiredState, state: LiveState): Action[] =>
  diff(desired, state, { principals: 'create' }).actions.filter((a) => ASSET_KINDS.has(a.kind));

describe('workspace assets on an empty workspace', () => {
  it('creates warehouses, policies and notebooks, then their permissions after the groups are assigned', () => {
    const plan = diff(example, live({}), { principals: 'create' });
    const acme = plan.actions.filter((a) => a.customer === 'acme' && ASSET_KINDS.has(a.kind));
    expect(acme.map((a) => `${a.change} ${a.id}`)).toEqual([
      'create warehouse:customer-acme-analytics @ prod',
      'create cluster-policy:customer-acme-policy @ prod',
      'create notebook:/Workspace/Customers/Acme/Getting Started @ prod',
      'update permissions:cluster-policy customer-acme-policy @ prod',
      'update permissions:notebook /Workspace/Customers/Acme/Getting Started @ prod',
      'update permissions:warehouse customer-acme-analytics @ prod',
    ]);
    const byId = new Map(plan.actions.map((a) => [a.id, a]));
    for (const action of plan.actions) {
      for (const dep of action.dependsOn) expect(waveOf(byId.get(dep)!)).toBeLessThan(waveOf(action));
    }
    const warehouse = byId.get('warehouse:customer-acme-analytics @ prod')!;
    expect(warehouse.op).toEqual({
      type: 'createWarehouse',
      workspace: 'prod',
      spec: {
        name: 'customer-acme-analytics',
        clusterSize: 'Medium',
        minNumClusters: 1,
        maxNumClusters: 3,
        autoStopMins: 15,
        enableServerlessCompute: true,
        // The customer's attribution tags, merged with the warehouse's own.
        tags: { customer_id: 'acme_corp', environment: 'production', service: 'analytics' },
      },
    });
    const permissions = byId.get('permissions:warehouse customer-acme-analytics @ prod')!;
    expect(permissions.dependsOn).toContain('warehouse:customer-acme-analytics @ prod');
    expect(permissions.dependsOn).toContain('workspace-assignment:customer-acme-analysts @ prod');
    expect(permissions.details).toEqual([
      '+ acme-platform-admins: CAN_MANAGE',
      '+ customer-acme-analysts: CAN_USE',
      '+ customer-acme-engineers: CAN_USE',
      '+ customer-acme-scientists: CAN_USE',
    ]);
    const policy = byId.get('cluster-policy:customer-acme-policy @ prod')!;
    expect(policy.op).toMatchObject({
      definition: {
        'custom_tags.customer_id': { type: 'fixed', value: 'acme_corp' },
        'custom_tags.environment': { type: 'fixed', value: 'production' },
        autotermination_minutes: { type: 'fixed', value: 30 },
      },
    });
    expect(byId.get('permissions:notebook /Workspace/Customers/Acme/Getting Started @ prod')!.details).toContain(
      '+ customer-acme-engineers: CAN_EDIT',
    );
  });
});

describe('workspace assets against converged workspaces', () => {
  it('plan nothing, whatever the order of tags and policy keys and however the notebook was exported', () => {
    const assets = convergedAssets(example);
    const reordered = structuredClone(assets);
    for (const w of reordered.prod!.warehouses) w.tags = Object.fromEntries(Object.entries(w.tags).reverse());
    for (const p of reordered.prod!.clusterPolicies) {
      p.definition = Object.fromEntries(
        Object.entries(p.definition)
          .reverse()
          .map(([k, v]) => [k, Object.fromEntries(Object.entries(v as object).reverse())]),
      );
    }
    expect(assetActions(example, live(assets))).toEqual([]);
    expect(assetActions(example, live(reordered))).toEqual([]);
  });

  it('corrects hand-made drift, each with one write', () => {
    const assets = convergedAssets(example);
    const warehouse = assets.prod!.warehouses.find((w) => w.name === 'customer-acme-analytics')!;
    warehouse.autoStopMins = 120;
    delete warehouse.tags.environment;
    const policy = assets.prod!.clusterPolicies.find((p) => p.name === 'customer-acme-policy')!;
    policy.definition.autotermination_minutes = { type: 'fixed', value: 120 };
    warehouse.acl = warehouse.acl.map((e) => (e.principal === 'customer-acme-analysts' ? { ...e, level: 'CAN_MANAGE' } : e));
    warehouse.acl.push({ kind: 'group', principal: 'customer-globex-analysts', level: 'CAN_USE' });
    const notebook = assets.prod!.notebooks.find((n) => n.path.includes('Acme'))!;
    notebook.contentHash = notebookHash('print("edited by hand")', 'PYTHON');

    const actions = assetActions(example, live(assets));
    expect(actions.map((a) => `${a.change} ${a.id}`)).toEqual([
      'update warehouse:customer-acme-analytics @ prod',
      'update cluster-policy:customer-acme-policy @ prod',
      'update notebook:/Workspace/Customers/Acme/Getting Started @ prod',
      'update permissions:warehouse customer-acme-analytics @ prod',
    ]);
    const [editWarehouse, editPolicy, reimport, acl] = actions as [Action, Action, Action, Action];
    expect(editWarehouse.before).toEqual({ autoStopMins: 120, tags: ['customer_id=acme_corp', 'service=analytics'] });
    expect(editWarehouse.after).toEqual({ autoStopMins: 15, tags: ['customer_id=acme_corp', 'environment=production', 'service=analytics'] });
    expect(editWarehouse.details).toEqual(['+ tag environment=production']);
    expect(editWarehouse.op).toMatchObject({ type: 'editWarehouse', id: 'id-customer-acme-analytics', spec: { autoStopMins: 15, maxNumClusters: 3 } });
    expect(editPolicy.details).toEqual(['~ autotermination_minutes: {"type":"fixed","value":120} -> {"type":"fixed","value":30}']);
    expect(reimport.op).toMatchObject({ type: 'importNotebook', path: '/Workspace/Customers/Acme/Getting Started', language: 'PYTHON' });
    // The owner and the person with CAN_MANAGE are not onboarder's: not mentioned, not changed.
    expect(acl.details).toEqual(['~ customer-acme-analysts: CAN_MANAGE -> CAN_USE', '- customer-globex-analysts: CAN_USE']);
    expect(acl.op).toMatchObject({
      type: 'setPermissions',
      object: { type: 'warehouse', name: 'customer-acme-analytics', id: 'id-customer-acme-analytics' },
      entries: [
        { group: 'acme-platform-admins', level: 'CAN_MANAGE' },
        { group: 'customer-acme-analysts', level: 'CAN_USE' },
        { group: 'customer-acme-engineers', level: 'CAN_USE' },
        { group: 'customer-acme-scientists', level: 'CAN_USE' },
      ],
    });
  });

  it('removes the entries of a group onboarder owns that is no longer a persona group, before the group is pruned', () => {
    const assets = convergedAssets(example);
    const warehouse = assets.prod!.warehouses.find((w) => w.name === 'customer-acme-analytics')!;
    warehouse.acl.push({ kind: 'group', principal: 'customer-acme-retired', level: 'CAN_USE' }, { kind: 'group', principal: 'hand-made', level: 'CAN_USE' });
    const state = live(assets);
    const inventory = { objects: [{ kind: 'group' as const, name: 'customer-acme-retired', customer: 'acme' }] };
    const actions = diff(example, state, { principals: 'create', inventory }).actions.filter((a) => a.kind === 'permissions');
    expect(actions.map((a) => a.details)).toEqual([['- customer-acme-retired: CAN_USE']]);
    expect(actions[0]!.op).toMatchObject({ type: 'setPermissions', managed: expect.arrayContaining(['customer-acme-retired']) });
    // Without the inventory, neither group is onboarder's business.
    expect(assetActions(example, state)).toEqual([]);
  });

  it("leaves protected groups' entries alone, even when a hand-edited inventory claims one", () => {
    const assets = convergedAssets(example);
    const warehouse = assets.prod!.warehouses.find((w) => w.name === 'customer-acme-analytics')!;
    warehouse.acl.push({ kind: 'group', principal: 'admins', level: 'CAN_MANAGE' }, { kind: 'group', principal: 'users-clone-2', level: 'CAN_USE' });
    const inventory = { objects: [{ kind: 'group' as const, name: 'users-clone-2', customer: 'acme' }] };
    const actions = diff(example, live(assets), { principals: 'create', inventory }).actions;
    expect(actions.filter((a) => a.kind === 'permissions')).toEqual([]);
  });
});
