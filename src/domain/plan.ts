/**
 * The plan is data: `plan` prints it, the executor consumes it, metrics and
 * the status page summarise it.
 */
import type { SourceLocation } from './desired.js';
import type { DesiredStateIssue } from './errors.js';
import type { Entitlement } from './identity.js';
import type { OwnedObject } from './inventory.js';

export type Change = 'create' | 'update' | 'delete';

export type ActionKind =
  | 'group'
  | 'user'
  | 'service-principal'
  | 'workspace-assignment'
  | 'membership'
  | 'entitlements'
  | 'catalog'
  | 'schema'
  | 'catalog-bindings'
  | 'catalog-isolation'
  | 'external-location'
  | 'grants'
  | 'warehouse'
  | 'cluster-policy'
  | 'notebook'
  | 'permissions';

/** A Unity Catalog securable that can hold grants. */
export interface SecurableRef {
  type: 'catalog' | 'schema' | 'external_location';
  fullName: string;
}

export interface PrivilegeDelta {
  principal: string;
  add: string[];
  remove: string[];
}

export interface BindingChange {
  workspaceId: string;
  /** The workspace's name when the desired state declares it, for the plan and logs. */
  workspace?: string;
  bindingType: 'READ_WRITE' | 'READ_ONLY';
}

/**
 * Unity Catalog operations go through the customer's home workspace (its
 * first workspace bound READ_WRITE): Unity Catalog is reached through a
 * workspace, and an isolated catalog only from the workspaces bound to it.
 */
export type UnityCatalogOperation =
  | { type: 'createCatalog'; via: string; name: string; comment?: string }
  | { type: 'updateCatalog'; via: string; name: string; comment: string }
  | { type: 'setCatalogIsolation'; via: string; name: string; isolation: 'OPEN' | 'ISOLATED' }
  | { type: 'createSchema'; via: string; catalog: string; name: string; comment?: string }
  | { type: 'updateSchema'; via: string; fullName: string; comment: string }
  | { type: 'deleteSchema'; via: string; fullName: string }
  | { type: 'deleteCatalog'; via: string; name: string }
  | { type: 'updateBindings'; via: string; catalog: string; add: BindingChange[]; remove: Omit<BindingChange, 'bindingType'>[] }
  | { type: 'createExternalLocation'; via: string; name: string; url: string; credential: string; readOnly: boolean; comment?: string }
  | {
      type: 'updateExternalLocation';
      via: string;
      name: string;
      patch: { url?: string; credential?: string; readOnly?: boolean; comment?: string };
    }
  | { type: 'deleteExternalLocation'; via: string; name: string }
  | { type: 'updateGrants'; via: string; securable: SecurableRef; changes: PrivilegeDelta[] };

/**
 * A principal as an operation names it. `id` is known when the principal
 * exists already; for one the same plan creates, the executor resolves the
 * name to the id the create returned.
 */
export type PrincipalHandle =
  | { type: 'group'; displayName: string; id?: string }
  | { type: 'user'; userName: string; id?: string }
  | { type: 'servicePrincipal'; displayName: string; applicationId?: string; id?: string };

/** Identity operations go to account SCIM, workspace assignments and workspace SCIM. */
export type IdentityOperation =
  | { type: 'createGroup'; displayName: string }
  | { type: 'deleteGroup'; id: string; displayName: string }
  | { type: 'createUser'; userName: string; displayName?: string }
  | { type: 'createServicePrincipal'; displayName: string; applicationId?: string }
  | { type: 'assignWorkspace'; workspace: string; workspaceId: string; principal: PrincipalHandle; permissions: string[] }
  | { type: 'unassignWorkspace'; workspace: string; workspaceId: string; principal: PrincipalHandle }
  | { type: 'patchMembers'; group: PrincipalHandle & { type: 'group' }; add: PrincipalHandle[]; remove: PrincipalHandle[] }
  | {
      type: 'patchEntitlements';
      workspace: string;
      workspaceId: string;
      principal: PrincipalHandle;
      add: Entitlement[];
      remove: string[];
    };

export interface WarehouseSpec {
  name: string;
  clusterSize: string;
  minNumClusters: number;
  maxNumClusters: number;
  autoStopMins: number;
  enableServerlessCompute: boolean;
  tags: Record<string, string>;
}

/** A workspace object by its name (or path); `id` is known when it exists, else resolved at apply time. */
export type AssetRef =
  | { type: 'warehouse'; name: string; id?: string }
  | { type: 'cluster-policy'; name: string; id?: string }
  | { type: 'notebook'; path: string; id?: string };

/** Warehouses, cluster policies, notebooks and their permissions, in one workspace. */
export type WorkspaceAssetOperation =
  | { type: 'createWarehouse'; workspace: string; spec: WarehouseSpec }
  | { type: 'editWarehouse'; workspace: string; id: string; spec: WarehouseSpec }
  | { type: 'createClusterPolicy'; workspace: string; name: string; definition: Record<string, unknown> }
  | { type: 'editClusterPolicy'; workspace: string; id: string; name: string; definition: Record<string, unknown> }
  | { type: 'importNotebook'; workspace: string; path: string; language: 'PYTHON' | 'SQL' | 'SCALA' | 'R'; content: string }
  | { type: 'deleteWarehouse'; workspace: string; id: string; name: string }
  | { type: 'deleteClusterPolicy'; workspace: string; id: string; name: string }
  | { type: 'deleteNotebook'; workspace: string; path: string }
  | {
      type: 'setPermissions';
      workspace: string;
      object: AssetRef;
      /**
       * The groups whose direct entries onboarder decides (lower-cased);
       * every other direct entry (owners, people, onboarder itself) is kept.
       */
      managed: string[];
      /** The managed groups' levels after the change. */
      entries: { group: string; level: string }[];
    };

export type Operation = IdentityOperation | UnityCatalogOperation | WorkspaceAssetOperation;

export type OperationType = Operation['type'];
export type OperationOf<T extends OperationType> = Extract<Operation, { type: T }>;

/**
 * The operation types each kind's actions carry. src/kinds/registry.ts
 * must give every one of them a handler and an ownership rule, or it does
 * not compile; the check below fails when an operation type belongs to no
 * kind (a type once missing from a hand-kept routing set was sent to the
 * identity applier, whose switch fell through and "succeeded").
 */
export type KindOperations = CoversEveryKind<{
  group: 'createGroup' | 'deleteGroup';
  user: 'createUser';
  'service-principal': 'createServicePrincipal';
  'workspace-assignment': 'assignWorkspace' | 'unassignWorkspace';
  membership: 'patchMembers';
  entitlements: 'patchEntitlements';
  catalog: 'createCatalog' | 'updateCatalog' | 'deleteCatalog';
  'catalog-bindings': 'updateBindings';
  'catalog-isolation': 'setCatalogIsolation';
  schema: 'createSchema' | 'updateSchema' | 'deleteSchema';
  'external-location': 'createExternalLocation' | 'updateExternalLocation' | 'deleteExternalLocation';
  grants: 'updateGrants';
  warehouse: 'createWarehouse' | 'editWarehouse' | 'deleteWarehouse';
  'cluster-policy': 'createClusterPolicy' | 'editClusterPolicy' | 'deleteClusterPolicy';
  notebook: 'importNotebook' | 'deleteNotebook';
  permissions: 'setPermissions';
}>;
type CoversEveryKind<T extends { [K in ActionKind]: OperationType }> = T;
/** Operation types no kind lists: must stay `never`. */
export type OperationsWithoutKind = Exclude<OperationType, KindOperations[ActionKind]>;
export const everyOperationHasAKind: [OperationsWithoutKind] extends [never] ? true : OperationsWithoutKind = true;

/** For a switch over a closed union: a case left out is a compile error, and at run time a loud one. */
export function unhandled(value: never, what: string): never {
  throw new Error(`${what} ${JSON.stringify((value as { type?: unknown }).type ?? value)} has no handler`);
}

/** A readable rendering of one side of a change, for humans and `--json`. */
export type Readable = Record<string, string | number | boolean | string[] | null>;

/**
 * - `pending`: will be executed by apply.
 * - `observed`: would be executed, but its kind is observed only (`--mode=observe`, `--observe-kinds`).
 * - `waiting`: cannot be executed yet (e.g. a user the identity provider has not provisioned).
 * - `reported`: drift that onboarder reports but does not own (e.g. an IdP group's membership).
 * - `blocked`: held back by a guard until `--allow-mass-delete`, or once `--confirm-deletions=<token>`, confirms it:
 *   a deletion over the budget (or of a customer no longer declared), or membership removals that would empty a
 *   group (membership-guard).
 */
export type ActionStatus = 'pending' | 'observed' | 'waiting' | 'reported' | 'blocked';

/** Every kind, for flags that name kinds. */
export const ACTION_KINDS: readonly ActionKind[] = [
  'group',
  'user',
  'service-principal',
  'workspace-assignment',
  'membership',
  'entitlements',
  'catalog',
  'schema',
  'catalog-bindings',
  'catalog-isolation',
  'external-location',
  'grants',
  'warehouse',
  'cluster-policy',
  'notebook',
  'permissions',
];

export interface Action {
  /** Unique and stable within a plan: `<kind>:<target>` (domain/action-key.ts builds it). */
  id: string;
  kind: ActionKind;
  change: Change;
  /** The customer the action serves; null for account-wide objects (e.g. a user in two rosters). */
  customer: string | null;
  /** Human name of what changes, e.g. `customer-acme-analysts @ prod`. */
  target: string;
  before: Readable | null;
  after: Readable | null;
  /** Extra lines for the plan output, e.g. `+ jane.doe@acmecorp.com`. */
  details: string[];
  /** Ids of actions (in the same plan) that must succeed first; each runs in an earlier wave (plan/dependency-guard.ts). */
  dependsOn: string[];
  /**
   * The wave it runs in (lower first; one wave's actions run concurrently),
   * set when the action is built (domain/action-key.ts), never derived
   * from its kind afterwards.
   */
  wave: number;
  status: ActionStatus;
  /** Why an action is waiting or only reported. */
  reason?: string;
  op: Operation;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  waiting: number;
  reported: number;
  /** Actions held back by a guard: deletions, and groups' held membership removals (one action per group). */
  blocked: number;
}

export interface Plan {
  /** Ordered: parents first for creates and updates, deletes last in reverse order. */
  actions: Action[];
  summary: PlanSummary;
  /**
   * Problems of the desired state that only live state reveals (e.g. an
   * external location naming a storage credential the account lacks),
   * located like the loader's. A plan with issues is never applied.
   */
  issues: DesiredStateIssue[];
  /** Set when the plan's deletions are held back (over budget, or a customer vanished): then it deletes nothing. */
  pruneBlocked?: PruneBlock;
  /** Set when membership removals are held back (a group would lose more than half of its members). */
  membershipRemovalsBlocked?: MembershipHold;
  /**
   * What the guards hold (the `blocked` actions), as a token (see
   * confirm-token.ts): `apply --confirm-deletions=<token>` lets exactly
   * those through, once. Absent when nothing is held.
   */
  confirmToken?: string;
  /** Set when a token was given (`--confirm-deletions`): whether it let the held actions through. */
  confirmation?: DeletionConfirmation;
  /** Customers marked `offboard: true`, with what onboarder still owns of each (0: their documents can go). */
  offboarding?: Offboarding[];
  /**
   * Owned objects that left the desired state and need no delete: already
   * gone, or not onboarder's to delete (a group an identity provider
   * provisioned). The inventory forgets them.
   */
  released?: OwnedObject[];
}

export interface PruneBlock {
  deletes: number;
  budget: number;
  /** Customers the inventory knows that the desired state no longer declares. */
  vanishedCustomers?: string[];
  reason: string;
}

export interface MembershipHold {
  /** The removals held, over every group. */
  removals: number;
  /** Per group: its members now and the removals held. */
  groups: { group: string; customer: string | null; members: number; removals: number }[];
  reason: string;
}

export type DeletionConfirmation =
  /** The token matched: the `actions` held by the guards are pending in this plan. */
  | { token: string; confirmed: true; actions: number }
  /** The token did not match what the plan holds (`reason` says what does): nothing held goes through. */
  | { token: string; confirmed: false; reason: string };

export interface Offboarding {
  customer: string;
  /** Where its Customer document is. */
  source: SourceLocation;
  /** Objects of it in the inventory when the plan was made: what is still to delete (or cannot be). */
  owned: number;
}

/** True when apply would change something (or would, were its kind not observed only). */
export function planHasChanges(plan: Plan): boolean {
  return plan.actions.some((action) => action.status === 'pending' || action.status === 'observed');
}
