/**
 * The per-workspace assets beside identity: SQL warehouses, cluster
 * policies, the notebook tree and the object ACLs over all three. This class
 * ties them together (a deleted object loses its ACL, a new warehouse is
 * owned by its creator, ACL principals must be visible in the workspace)
 * and computes inherited ACL entries. `SimulatorState` holds it as
 * `state.assets` and re-exposes the test API (`warehouses`, `findWarehouse`,
 * `permissions`, `setPermission`, ...).
 *
 * Ids are allocated across workspaces, so an id from one workspace never
 * names an object in another (those calls answer 404). Every write is made
 * by the seeded controller service principal, recorded by application id.
 */
import { AclStore, nextAcl, type AclEntry, type AclObjectType, type PrincipalKind } from './acl-state.js';
import { ClusterPolicyStore, type ClusterPolicy } from './policy-state.js';
import type { SimulatorState } from './state.js';
import { SimulatorStateError } from './state-error.js';
import { WarehouseStore, type SqlWarehouse, type WarehouseSpec } from './warehouse-state.js';
import { ROOT_ID, WorkspaceTree, type WorkspaceObject } from './workspace-tree.js';

type Identity = Pick<SimulatorState, 'controller' | 'workspace' | 'findGroup' | 'findUser' | 'servicePrincipals' | 'isVisible'>;

export interface InheritedEntry extends AclEntry {
  /** `inherited_from_object`, e.g. `/directories/0`. */
  from: string;
}

const FIRST_OBJECT_ID = 1000000000000001n;
const WAREHOUSE_ID_BASE = 0x5e1f000000000000n;
const POLICY_ID_BASE = 0xc0de000000000000n;

const PRINCIPAL_LABEL: Record<PrincipalKind, string> = { group: 'GroupName', user: 'UserName', servicePrincipal: 'ServicePrincipalName' };

export class WorkspaceAssets {
  readonly warehouseStore: WarehouseStore;
  readonly policyStore: ClusterPolicyStore;
  readonly acls = new AclStore();
  private readonly trees = new Map<string, WorkspaceTree>();
  private nextObjectId = FIRST_OBJECT_ID;
  private nextWarehouse = 1n;
  private nextPolicy = 1n;

  constructor(
    private readonly identity: Identity,
    private readonly now: () => number,
  ) {
    this.warehouseStore = new WarehouseStore(now, () => (WAREHOUSE_ID_BASE + this.nextWarehouse++).toString(16));
    this.policyStore = new ClusterPolicyStore(now, () => (POLICY_ID_BASE + this.nextPolicy++).toString(16).toUpperCase());
  }

  /** The caller every write is attributed to. */
  get caller(): string {
    return this.identity.controller.applicationId;
  }

  // ---- warehouses and policies ----------------------------------------------------

  warehouses(workspaceId: string): SqlWarehouse[] {
    return this.warehouseStore.list(this.requireWorkspace(workspaceId));
  }
  createWarehouse(workspaceId: string, spec: WarehouseSpec): SqlWarehouse {
    const warehouse = this.warehouseStore.create(this.requireWorkspace(workspaceId), spec, this.caller);
    this.acls.replace(workspaceId, 'warehouses', warehouse.id, [{ principal: this.caller, kind: 'servicePrincipal', level: 'IS_OWNER' }]);
    return warehouse;
  }
  deleteWarehouse(workspaceId: string, id: string): void {
    this.warehouseStore.delete(this.requireWorkspace(workspaceId), id);
    this.acls.drop(workspaceId, 'warehouses', id);
  }
  clusterPolicies(workspaceId: string): ClusterPolicy[] {
    return this.policyStore.list(this.requireWorkspace(workspaceId));
  }
  deleteClusterPolicy(workspaceId: string, id: string): void {
    this.policyStore.delete(this.requireWorkspace(workspaceId), id);
    this.acls.drop(workspaceId, 'cluster-policies', id);
  }

  // ---- workspace objects -------------------------------------------------------------

  tree(workspaceId: string): WorkspaceTree {
    this.requireWorkspace(workspaceId);
    let tree = this.trees.get(workspaceId);
    if (!tree) {
      tree = new WorkspaceTree(this.now, () => (this.nextObjectId++).toString());
      this.trees.set(workspaceId, tree);
    }
    return tree;
  }
  deleteWorkspaceObject(workspaceId: string, path: string, recursive: boolean): void {
    for (const removed of this.tree(workspaceId).delete(path, recursive)) {
      // File ACLs are not modelled, so a file has none to drop.
      if (removed.objectType !== 'FILE') this.acls.drop(workspaceId, removed.objectType === 'NOTEBOOK' ? 'notebooks' : 'directories', removed.objectId);
    }
  }

  // ---- permissions -----------------------------------------------------------------------

  /** Throws RESOURCE_DOES_NOT_EXIST unless the object exists in this workspace. */
  requireObject(workspaceId: string, type: AclObjectType, objectId: string): void {
    this.requireWorkspace(workspaceId);
    const exists =
      type === 'warehouses'
        ? this.warehouseStore.get(workspaceId, objectId) !== undefined
        : type === 'cluster-policies'
          ? this.policyStore.get(workspaceId, objectId) !== undefined
          : this.treeObject(workspaceId, type, objectId) !== undefined;
    if (!exists) throw new SimulatorStateError('NOT_FOUND', `${OBJECT_LABEL[type]} ${objectId} does not exist.`);
  }

  permissions(workspaceId: string, type: AclObjectType, objectId: string): AclEntry[] {
    this.requireObject(workspaceId, type, objectId);
    return this.acls.direct(workspaceId, type, objectId);
  }

  /** PUT (`set`) or PATCH (`update`) with every rule; principals are names as the request spelled them. */
  updatePermissions(workspaceId: string, type: AclObjectType, objectId: string, mode: 'set' | 'update', requested: readonly AclEntry[]): void {
    this.requireObject(workspaceId, type, objectId);
    const resolved = requested.map((entry) => ({ ...entry, principal: this.resolvePrincipal(workspaceId, entry.kind, entry.principal) }));
    const current = this.acls.direct(workspaceId, type, objectId);
    this.acls.replace(workspaceId, type, objectId, nextAcl(type, objectId, mode, current, resolved));
  }

  /** `admins` CAN_MANAGE from the type's root, plus, for workspace objects, every ancestor directory's direct entries. */
  inherited(workspaceId: string, type: AclObjectType, objectId: string): InheritedEntry[] {
    const admins: InheritedEntry = { principal: 'admins', kind: 'group', level: 'CAN_MANAGE', from: ADMINS_SOURCE[type] };
    const object = this.treeObject(workspaceId, type, objectId);
    if (!object) return [admins];
    const fromDirectories = this.tree(workspaceId)
      .ancestors(object)
      .flatMap((directory) =>
        this.acls.direct(workspaceId, 'directories', directory.objectId).map((entry) => ({ ...entry, from: `/directories/${directory.objectId}` })),
      );
    return [...fromDirectories, admins];
  }

  /** The stored spelling of a principal visible in the workspace; throws otherwise. */
  resolvePrincipal(workspaceId: string, kind: PrincipalKind, name: string): string {
    if (kind === 'group' && name.toLowerCase() === 'admins') {
      throw new SimulatorStateError('INVALID', 'Cannot change permissions of group admins', 'INVALID_PARAMETER_VALUE');
    }
    const found = this.visiblePrincipal(workspaceId, kind, name);
    if (found === undefined) {
      throw new SimulatorStateError('INVALID', `Principal: ${PRINCIPAL_LABEL[kind]}(${name}) does not exist`, 'INVALID_PARAMETER_VALUE');
    }
    return found;
  }

  /** Display name for ACL responses (users and service principals only). */
  displayName(kind: PrincipalKind, principal: string): string | undefined {
    if (kind === 'user') {
      const user = this.identity.findUser(principal);
      return user ? (user.displayName ?? user.userName) : undefined;
    }
    if (kind === 'servicePrincipal') {
      return this.identity.servicePrincipals.find((sp) => sp.applicationId.toLowerCase() === principal.toLowerCase())?.displayName;
    }
    return undefined;
  }

  // ---- internals --------------------------------------------------------------------------

  /** Workspace-local `users` or an account group assigned to the workspace; users and SPs as workspace SCIM shows them. */
  private visiblePrincipal(workspaceId: string, kind: PrincipalKind, name: string): string | undefined {
    const wanted = name.toLowerCase();
    if (kind === 'group') {
      if (wanted === 'users') return 'users';
      const group = this.identity.findGroup(name);
      return group && this.identity.isVisible(workspaceId, group.id) ? group.displayName : undefined;
    }
    if (kind === 'user') {
      const user = this.identity.findUser(name);
      return user && this.identity.isVisible(workspaceId, user.id) ? user.userName : undefined;
    }
    const sp = this.identity.servicePrincipals.find((candidate) => candidate.applicationId.toLowerCase() === wanted);
    return sp && this.identity.isVisible(workspaceId, sp.id) ? sp.applicationId : undefined;
  }

  private treeObject(workspaceId: string, type: AclObjectType, objectId: string): WorkspaceObject | undefined {
    if (type !== 'notebooks' && type !== 'directories') return undefined;
    const object = this.tree(workspaceId).byId(objectId);
    return object?.objectType === (type === 'notebooks' ? 'NOTEBOOK' : 'DIRECTORY') ? object : undefined;
  }

  private requireWorkspace(workspaceId: string): string {
    if (!this.identity.workspace(workspaceId)) throw new SimulatorStateError('NOT_FOUND', `Workspace ${workspaceId} does not exist.`);
    return workspaceId;
  }
}

const OBJECT_LABEL: Record<AclObjectType, string> = {
  warehouses: 'SQL warehouse',
  'cluster-policies': 'Cluster policy',
  notebooks: 'Notebook',
  directories: 'Directory',
};

const ADMINS_SOURCE: Record<AclObjectType, string> = {
  warehouses: '/sql/warehouses/',
  'cluster-policies': '/cluster-policies/',
  notebooks: `/directories/${ROOT_ID}`,
  directories: `/directories/${ROOT_ID}`,
};
