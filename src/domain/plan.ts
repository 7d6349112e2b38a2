/**
 * The plan is data: `plan` prints it, the executor consumes it, metrics and
 * the status page summarise it.
 */
import type { Entitlement } from './identity.js';

export type Change = 'create' | 'update' | 'delete';

export type ActionKind =
  | 'group'
  | 'user'
  | 'service-principal'
  | 'workspace-assignment'
  | 'membership'
  | 'entitlements';

/**
 * A principal as an operation names it. `id` is known when the principal
 * exists already; for one the same plan creates, the executor resolves the
 * name to the id the create returned.
 */
export type PrincipalHandle =
  | { type: 'group'; displayName: string; id?: string }
  | { type: 'user'; userName: string; id?: string }
  | { type: 'servicePrincipal'; displayName: string; applicationId?: string; id?: string };

export type Operation =
  | { type: 'createGroup'; displayName: string }
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

/** A readable rendering of one side of a change, for humans and `--json`. */
export type Readable = Record<string, string | number | boolean | string[] | null>;

/**
 * - `pending`: will be executed by apply.
 * - `waiting`: cannot be executed yet (e.g. a user the identity provider has not provisioned).
 * - `reported`: drift that onboarder reports but does not own (e.g. an IdP group's membership).
 */
export type ActionStatus = 'pending' | 'waiting' | 'reported';

export interface Action {
  /** Unique and stable within a plan: `<kind>:<target>`. */
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
  /** Ids of actions (in the same plan) that must succeed first. */
  dependsOn: string[];
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
}

export interface Plan {
  /** Ordered: parents first for creates and updates, deletes last in reverse order. */
  actions: Action[];
  summary: PlanSummary;
}

/** True when apply would change something. */
export function planHasChanges(plan: Plan): boolean {
  return plan.actions.some((action) => action.status === 'pending');
}
