/**
 * The simulator's account: principals, group memberships, workspace
 * assignments and workspace entitlements. Handlers enforce the API rules on
 * top of it; tests and the demo call it directly to seed data or to make
 * drift by hand (mutating a returned record is allowed and is drift too).
 *
 * Methods that a handler maps to an HTTP error throw `SimulatorStateError`.
 * Unity Catalog lives in `state.uc` (see uc-state.ts); warehouses, cluster
 * policies, notebooks and object ACLs in `state.assets`
 * (workspace-assets-state.ts), with the test API re-exposed below.
 */
import type { AclEntry, AclObjectType } from './acl-state.js';
import type { ClusterPolicy } from './policy-state.js';
import { UnityCatalogState } from './uc-state.js';
import type { SqlWarehouse } from './warehouse-state.js';
import { WorkspaceAssets } from './workspace-assets-state.js';
import type { WorkspaceObject } from './workspace-tree.js';
import { SimulatorStateError } from './state-error.js';

import type { AccountGroup, AccountPrincipal, AccountServicePrincipal, AccountUser, SystemGroup, SystemGroupName, Workspace, WorkspaceAssignment, WorkspacePermission } from './identity-types.js';
import { ADMINS_ENTITLEMENTS } from './identity-types.js';

export * from './identity-types.js';

// Ids are decimal strings well below 2^53 because assignment APIs carry them as JSON numbers.
const FIRST_ID = 100000000000001n;

export interface SimulatorStateOptions {
  accountId: string;
  workspaces: Workspace[];
  now: () => number;
  /** Storage credentials seeded in the Unity Catalog metastore. */
  storageCredentials?: readonly string[];
  /** How long a new account principal stays invisible to Unity Catalog; read on every lookup. */
  principalPropagationMs?: () => number;
}

export class SimulatorState {
  readonly accountId: string;
  /** The seeded service principal that every PAT and OAuth client authenticates as. */
  readonly controller: AccountServicePrincipal;
  /** The account's Unity Catalog metastore, shared by every workspace. */
  readonly uc: UnityCatalogState;
  /** Per-workspace SQL warehouses, cluster policies, notebooks and object ACLs. */
  readonly assets: WorkspaceAssets;

  private readonly now: () => number;
  private nextId = FIRST_ID;
  private nextApplicationId = 1;
  private readonly principals = new Map<string, AccountPrincipal>();
  private readonly systemGroups = new Map<string, SystemGroup>();
  private readonly memberships = new Map<string, Set<string>>();
  private readonly workspaceById = new Map<string, Workspace>();
  private readonly assignmentsByWorkspace = new Map<string, Map<string, WorkspaceAssignment>>();
  private readonly entitlementsByWorkspace = new Map<string, Map<string, string[]>>();

  constructor(options: SimulatorStateOptions) {
    this.accountId = options.accountId;
    this.now = options.now;
    this.controller = this.createServicePrincipal({ displayName: 'onboarder-controller' });
    for (const workspace of options.workspaces) {
      this.workspaceById.set(workspace.workspaceId, workspace);
      this.assignmentsByWorkspace.set(workspace.workspaceId, new Map());
      this.entitlementsByWorkspace.set(workspace.workspaceId, new Map());
      for (const name of ['users', 'admins'] as const) {
        const group: SystemGroup = {
          kind: 'systemGroup',
          id: this.allocateId(),
          workspaceId: workspace.workspaceId,
          displayName: name,
          createdAt: this.now(),
        };
        this.systemGroups.set(group.id, group);
        this.workspaceEntitlements(workspace.workspaceId).set(group.id, name === 'admins' ? [...ADMINS_ENTITLEMENTS] : []);
      }
      this.assign(workspace.workspaceId, this.controller.id, ['ADMIN']);
    }
    this.uc = new UnityCatalogState(this, {
      now: this.now,
      principalPropagationMs: options.principalPropagationMs ?? (() => 0),
      storageCredentials: options.storageCredentials ?? [],
    });
    this.assets = new WorkspaceAssets(this, this.now);
  }

  // ---- account principals -------------------------------------------------

  get workspaces(): Workspace[] {
    return [...this.workspaceById.values()];
  }
  workspace(workspaceId: string): Workspace | undefined {
    return this.workspaceById.get(workspaceId);
  }
  get groups(): AccountGroup[] {
    return this.ofKind('group');
  }
  get users(): AccountUser[] {
    return this.ofKind('user');
  }
  get servicePrincipals(): AccountServicePrincipal[] {
    return this.ofKind('servicePrincipal');
  }

  principal(id: string): AccountPrincipal | undefined {
    return this.principals.get(id);
  }
  systemGroupById(id: string): SystemGroup | undefined {
    return this.systemGroups.get(id);
  }

  /** Group names are unique regardless of case, as in Databricks. */
  findGroup(displayName: string): AccountGroup | undefined {
    const wanted = displayName.toLowerCase();
    return this.groups.find((group) => group.displayName.toLowerCase() === wanted);
  }
  findUser(userName: string): AccountUser | undefined {
    const wanted = userName.toLowerCase();
    return this.users.find((user) => user.userName.toLowerCase() === wanted);
  }
  findServicePrincipal(displayNameOrApplicationId: string): AccountServicePrincipal | undefined {
    const wanted = displayNameOrApplicationId.toLowerCase();
    return (
      this.servicePrincipals.find((sp) => sp.applicationId.toLowerCase() === wanted) ??
      this.servicePrincipals.find((sp) => sp.displayName === displayNameOrApplicationId)
    );
  }

  createGroup(input: { displayName: string; externalId?: string; members?: string[] }): AccountGroup {
    if (!input.displayName) throw new SimulatorStateError('INVALID', 'displayName is required.');
    const reserved = input.displayName.toLowerCase() === 'users' || input.displayName.toLowerCase() === 'admins';
    if (reserved || this.findGroup(input.displayName)) {
      throw new SimulatorStateError('CONFLICT', `Group with name ${input.displayName} already exists.`);
    }
    for (const memberId of input.members ?? []) this.checkMemberCandidate(memberId);
    const group: AccountGroup = { kind: 'group', id: this.allocateId(), displayName: input.displayName, createdAt: this.now() };
    if (input.externalId !== undefined) group.externalId = input.externalId;
    this.principals.set(group.id, group);
    this.memberships.set(group.id, new Set(input.members ?? []));
    return group;
  }

  createUser(input: {
    userName: string;
    displayName?: string;
    givenName?: string;
    familyName?: string;
    active?: boolean;
    externalId?: string;
  }): AccountUser {
    if (!input.userName) throw new SimulatorStateError('INVALID', 'userName is required.');
    if (this.findUser(input.userName)) {
      throw new SimulatorStateError('CONFLICT', `User with email ${input.userName} already exists in this account`);
    }
    const { active, ...rest } = input;
    const user: AccountUser = { kind: 'user', id: this.allocateId(), ...rest, active: active ?? true, createdAt: this.now() };
    this.principals.set(user.id, user);
    return user;
  }

  createServicePrincipal(input: {
    displayName?: string;
    applicationId?: string;
    active?: boolean;
    externalId?: string;
  }): AccountServicePrincipal {
    const applicationId = input.applicationId ?? this.allocateApplicationId();
    if (this.servicePrincipals.some((sp) => sp.applicationId.toLowerCase() === applicationId.toLowerCase())) {
      throw new SimulatorStateError('CONFLICT', `Service principal with application ID ${applicationId} already exists.`);
    }
    const sp: AccountServicePrincipal = {
      kind: 'servicePrincipal',
      id: this.allocateId(),
      applicationId,
      displayName: input.displayName ?? applicationId,
      active: input.active ?? true,
      createdAt: this.now(),
    };
    if (input.externalId !== undefined) sp.externalId = input.externalId;
    this.principals.set(sp.id, sp);
    return sp;
  }

  /** Deleting a principal also drops it from every group, every workspace and every object permission. */
  deletePrincipal(id: string): void {
    const principal = this.principals.get(id);
    if (!principal || !this.principals.delete(id)) throw new SimulatorStateError('NOT_FOUND', `Resource ${id} not found.`);
    const name = principal.kind === 'group' ? principal.displayName : principal.kind === 'user' ? principal.userName : principal.applicationId;
    this.assets.acls.forgetPrincipal({ kind: principal.kind, principal: name });
    this.memberships.delete(id);
    for (const members of this.memberships.values()) members.delete(id);
    for (const assignments of this.assignmentsByWorkspace.values()) assignments.delete(id);
    for (const entitlements of this.entitlementsByWorkspace.values()) entitlements.delete(id);
  }
  deleteGroup(id: string): void {
    this.requireKind(id, 'group');
    this.deletePrincipal(id);
  }
  deleteUser(id: string): void {
    this.requireKind(id, 'user');
    this.deletePrincipal(id);
  }
  deleteServicePrincipal(id: string): void {
    this.requireKind(id, 'servicePrincipal');
    this.deletePrincipal(id);
  }

  // ---- memberships ----------------------------------------------------------

  /** Direct member ids of an account group, in the order they were added. */
  members(groupId: string): string[] {
    return [...this.groupMembers(groupId)];
  }
  addMember(groupId: string, memberId: string): void {
    const members = this.groupMembers(groupId);
    this.checkMemberCandidate(memberId);
    if (memberId === groupId) throw new SimulatorStateError('INVALID', `A group cannot be a member of itself: ${memberId}`);
    members.add(memberId);
  }
  removeMember(groupId: string, memberId: string): void {
    this.groupMembers(groupId).delete(memberId);
  }
  /** Direct parent groups of a principal. */
  parentGroups(memberId: string): AccountGroup[] {
    return this.groups.filter((group) => this.memberships.get(group.id)?.has(memberId));
  }

  // ---- workspaces -------------------------------------------------------------

  systemGroup(workspaceId: string, name: SystemGroupName): SystemGroup {
    this.requireWorkspace(workspaceId);
    const group = [...this.systemGroups.values()].find((g) => g.workspaceId === workspaceId && g.displayName === name);
    if (!group) throw new SimulatorStateError('NOT_FOUND', `No ${name} group in workspace ${workspaceId}`);
    return group;
  }

  assignments(workspaceId: string): WorkspaceAssignment[] {
    return [...this.workspaceAssignments(workspaceId).values()];
  }
  assign(workspaceId: string, principalId: string, permissions: WorkspacePermission[]): WorkspaceAssignment {
    const assignments = this.workspaceAssignments(workspaceId);
    if (!this.principals.has(principalId)) {
      throw new SimulatorStateError('NOT_FOUND', `Principal with id ${principalId} does not exist.`);
    }
    const existing = assignments.get(principalId);
    const canonical = (['USER', 'ADMIN'] as const).filter((p) => permissions.includes(p));
    if (existing) {
      existing.permissions = canonical;
      return existing;
    }
    const assignment: WorkspaceAssignment = { principalId, permissions: canonical, assignedAt: this.now() };
    assignments.set(principalId, assignment);
    return assignment;
  }
  /**
   * Removes a direct assignment. A principal that thereby leaves the workspace
   * loses its workspace-local entitlements (they would not survive re-adding).
   */
  unassign(workspaceId: string, principalId: string): void {
    const assignments = this.workspaceAssignments(workspaceId);
    if (!assignments.delete(principalId)) {
      throw new SimulatorStateError('NOT_FOUND', `Principal ${principalId} is not assigned to workspace ${workspaceId}.`);
    }
    if (!this.isVisible(workspaceId, principalId)) this.workspaceEntitlements(workspaceId).delete(principalId);
  }

  /**
   * Groups are visible when assigned directly; users and service principals
   * when assigned directly or through (nested) membership of an assigned group.
   */
  isVisible(workspaceId: string, principalId: string): boolean {
    const assignments = this.workspaceAssignments(workspaceId);
    if (assignments.has(principalId)) return true;
    const principal = this.principals.get(principalId);
    if (!principal || principal.kind === 'group') return false;
    const seen = new Set<string>();
    const queue = this.parentGroups(principalId).map((group) => group.id);
    while (queue.length > 0) {
      const groupId = queue.shift()!;
      if (seen.has(groupId)) continue;
      seen.add(groupId);
      if (assignments.has(groupId)) return true;
      queue.push(...this.parentGroups(groupId).map((group) => group.id));
    }
    return false;
  }

  entitlements(workspaceId: string, principalId: string): string[] {
    return [...(this.workspaceEntitlements(workspaceId).get(principalId) ?? [])];
  }
  /** Sets entitlements without any rule (system groups included): the way to make drift. */
  setEntitlements(workspaceId: string, principalId: string, entitlements: readonly string[]): void {
    const values = [...new Set(entitlements.filter((value) => value !== ''))];
    this.workspaceEntitlements(workspaceId).set(principalId, values);
  }

  // ---- workspace assets: the test API (records are live; mutating one is drift) --------

  warehouses(workspaceId: string): SqlWarehouse[] {
    return this.assets.warehouses(workspaceId);
  }
  findWarehouse(workspaceId: string, name: string): SqlWarehouse | undefined {
    return this.assets.warehouses(workspaceId).find((warehouse) => warehouse.name === name);
  }
  clusterPolicies(workspaceId: string): ClusterPolicy[] {
    return this.assets.clusterPolicies(workspaceId);
  }
  findClusterPolicy(workspaceId: string, name: string): ClusterPolicy | undefined {
    return this.assets.clusterPolicies(workspaceId).find((policy) => policy.name === name);
  }
  /** `/Workspace/x` and `/x` are the same object. */
  workspaceObject(workspaceId: string, path: string): WorkspaceObject | undefined {
    return this.assets.tree(workspaceId).get(path);
  }
  /** Edits a notebook's stored source by hand; bumps `modifiedAt`. */
  setNotebookSource(workspaceId: string, path: string, content: string): WorkspaceObject {
    return this.assets.tree(workspaceId).setSource(path, content);
  }
  /** Direct ACL entries (copies) of an existing object; inherited ones are not included. */
  permissions(workspaceId: string, objectType: AclObjectType, objectId: string | number): AclEntry[] {
    return this.assets.permissions(workspaceId, objectType, String(objectId));
  }
  /** Sets one principal's direct level on an existing object without any other rule (unknown principals, any level). */
  setPermission(workspaceId: string, objectType: AclObjectType, objectId: string | number, entry: AclEntry): void {
    this.assets.requireObject(workspaceId, objectType, String(objectId));
    this.assets.acls.set(workspaceId, objectType, String(objectId), entry);
  }

  // ---- internals ----------------------------------------------------------------

  private allocateId(): string {
    const id = this.nextId;
    this.nextId += 1n;
    return id.toString();
  }
  /** Deterministic UUIDs keep runs reproducible. */
  private allocateApplicationId(): string {
    const n = this.nextApplicationId++;
    return `5a1a0000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  }
  private ofKind<K extends AccountPrincipal['kind']>(kind: K): Extract<AccountPrincipal, { kind: K }>[] {
    return [...this.principals.values()].filter((p): p is Extract<AccountPrincipal, { kind: K }> => p.kind === kind);
  }
  private requireKind(id: string, kind: AccountPrincipal['kind']): void {
    if (this.principals.get(id)?.kind !== kind) throw new SimulatorStateError('NOT_FOUND', `Resource ${id} not found.`);
  }
  private groupMembers(groupId: string): Set<string> {
    const members = this.memberships.get(groupId);
    if (!members) throw new SimulatorStateError('NOT_FOUND', `Group ${groupId} not found.`);
    return members;
  }
  private checkMemberCandidate(memberId: string): void {
    if (this.systemGroups.has(memberId)) {
      throw new SimulatorStateError('INVALID', `System groups cannot be nested: ${memberId} is a workspace system group.`);
    }
    if (!this.principals.has(memberId)) throw new SimulatorStateError('INVALID', `Member ${memberId} does not exist.`);
  }
  private requireWorkspace(workspaceId: string): Workspace {
    const workspace = this.workspaceById.get(workspaceId);
    if (!workspace) throw new SimulatorStateError('NOT_FOUND', `Workspace ${workspaceId} does not exist.`);
    return workspace;
  }
  private workspaceAssignments(workspaceId: string): Map<string, WorkspaceAssignment> {
    this.requireWorkspace(workspaceId);
    return this.assignmentsByWorkspace.get(workspaceId)!;
  }
  private workspaceEntitlements(workspaceId: string): Map<string, string[]> {
    this.requireWorkspace(workspaceId);
    return this.entitlementsByWorkspace.get(workspaceId)!;
  }
}
