// Promise: every kind has a handler for each of its operations and an ownership rule, and every API family its diff, or the code does not compile.
// The registry's types are checked by `tsc` (npm run typecheck): each @ts-expect-error below must stay an error, or the typecheck fails.
import { describe, expect, it } from 'vitest';
import { ACTION_KINDS, type ActionKind, type KindOperations, type Operation, type OperationType } from '../domain/plan.js';
import type { ApplyContext, FamilyRegistry, KindRegistry, ResourceKind } from './contract.js';
import { applyOperation, FAMILIES, familyOf, KINDS, OWNERSHIP, ownedTarget } from './registry.js';
import { warehouseKind } from './warehouse.js';
import { clusterPolicyKind } from './cluster-policy.js';

type Warehouse = ResourceKind<'warehouse', 'workspaceAssets'>;
const { createWarehouse, editWarehouse, deleteWarehouse } = warehouseKind.operations;

// @ts-expect-error a kind without the handler of one of its operations does not compile
export const withoutDeleteHandler: Warehouse = { ...warehouseKind, operations: { createWarehouse, editWarehouse } };
// @ts-expect-error an operation rule without its ownership rule does not compile
export const withoutOwnsRule: Warehouse = { ...warehouseKind, operations: { createWarehouse, editWarehouse, deleteWarehouse: { apply: deleteWarehouse.apply } } };
const { ownership: _ownership, ...withoutOwnershipField } = warehouseKind;
// @ts-expect-error a kind that does not say what it owns (an explicit null when nothing) does not compile
export const withoutOwnership: Warehouse = withoutOwnershipField;
// @ts-expect-error a handler written for another family's session does not compile
export const wrongSession: ResourceKind<'warehouse', 'identity'> = { ...warehouseKind, family: 'identity' };
const { warehouse: _warehouse, ...withoutWarehouse } = KINDS;
// @ts-expect-error a registry that leaves a kind out does not compile
export const registryWithoutWarehouse: KindRegistry = withoutWarehouse;
// @ts-expect-error a kind registered under another kind's name does not compile
export const registryWithSwappedKind: KindRegistry = { ...KINDS, warehouse: clusterPolicyKind };
const { workspaceAssets: _workspaceAssets, ...withoutWorkspaceAssetsDiff } = FAMILIES;
// @ts-expect-error an API family without its diff and reads does not compile
export const familyWithoutDiff: FamilyRegistry = withoutWorkspaceAssetsDiff;
type Uncovered = Exclude<OperationType, Exclude<KindOperations[ActionKind], 'updateGrants'>>;
// @ts-expect-error an operation type that no kind lists does not compile
export const operationWithoutKind: [Uncovered] extends [never] ? true : Uncovered = true;

/** Sessions that record which family was asked for what. */
function recordingContext(calls: string[]): ApplyContext {
  const record = (family: string) => (name: string) => (...args: unknown[]) => {
    calls.push(`${family}.${name}(${args.filter((a) => typeof a === 'string').join(',')})`);
    return Promise.resolve({ id: 'new-id', policyId: 'new-id', applicationId: 'app' });
  };
  const workspace = record('workspaceAssets');
  const clients = {
    warehouses: { list: workspace('warehouses.list'), create: workspace('warehouses.create'), edit: workspace('warehouses.edit'), delete: workspace('warehouses.delete') },
    clusterPolicies: { list: workspace('policies.list'), create: workspace('policies.create'), edit: workspace('policies.edit'), delete: workspace('policies.delete') },
    objects: { getStatus: workspace('objects.getStatus'), importSource: workspace('objects.importSource'), delete: workspace('objects.delete') },
    permissions: { get: workspace('permissions.get'), set: workspace('permissions.set') },
  } as unknown as ReturnType<ApplyContext['workspaceAssets']['clients']>;
  const identity = record('identity');
  return {
    identity: {
      api: new Proxy({}, { get: (_, name) => identity(String(name)) }) as ApplyContext['identity']['api'],
      resolve: () => 'id',
      created: () => undefined,
      whenVisible: (_, write) => write(),
    },
    unityCatalog: { client: () => new Proxy({}, { get: (_, name) => record('unityCatalog')(String(name)) }) as never, grantWhenVisible: (write) => write() },
    workspaceAssets: { clients: () => clients, lookUp: async () => undefined, resolveId: async () => 'id', created: () => undefined },
  };
}

describe('the kind registry', () => {
  it('lists every kind the plan knows, under its own name', () => {
    expect(Object.keys(KINDS).sort()).toEqual([...ACTION_KINDS].sort());
    for (const [name, kind] of Object.entries(KINDS)) expect(kind.kind).toBe(name);
  });

  it("sends each operation to its kind's handler, with its family's session", async () => {
    const calls: string[] = [];
    const context = recordingContext(calls);
    const grants: Operation = { type: 'updateGrants', via: 'prod', securable: { type: 'catalog', fullName: 'acme' }, changes: [] };
    expect(familyOf(grants)).toBe('unityCatalog');
    expect(familyOf({ type: 'createGroup', displayName: 'g' })).toBe('identity');
    expect(familyOf({ type: 'deleteNotebook', workspace: 'prod', path: '/x' })).toBe('workspaceAssets');
    await applyOperation(grants, context);
    await applyOperation({ type: 'createGroup', displayName: 'g' }, context);
    await applyOperation({ type: 'deleteNotebook', workspace: 'prod', path: '/x' }, context);
    expect(calls).toEqual(['unityCatalog.updateGrants(catalog,acme)', 'identity.createGroup(g)', 'workspaceAssets.objects.delete(/x)']);
  });

  it('fails loudly, never quietly, on an operation nobody handles', async () => {
    const calls: string[] = [];
    await expect(applyOperation({ type: 'dropEverything' } as never, recordingContext(calls))).rejects.toThrow('operation "dropEverything" has no handler');
    expect(calls).toEqual([]);
  });

  it('reads ownership from the kind: what an operation creates or deletes, and which kinds own objects', () => {
    expect(ownedTarget({ type: 'deleteWarehouse', workspace: 'prod', id: '1', name: 'bi' })).toEqual({ kind: 'warehouse', name: 'bi', workspace: 'prod' });
    expect(ownedTarget({ type: 'editWarehouse', workspace: 'prod', id: '1', spec: { name: 'bi' } as never })).toBeUndefined();
    expect([...OWNERSHIP.keys()].sort()).toEqual(['catalog', 'cluster-policy', 'external-location', 'group', 'notebook', 'schema', 'warehouse']);
  });
});
