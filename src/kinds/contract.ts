/**
 * The contract of a resource kind: everything onboarder knows about one
 * kind of object, in the kind's own module (src/kinds/<kind or family>.ts),
 * listed once in src/kinds/registry.ts. The registry's type makes a kind
 * without a handler for one of its operations, or without its ownership
 * rule, a compile error (see registry.test.ts).
 *
 * A kind module holds only pure code and types: handlers reach Databricks
 * through the session of their API family that the executor hands them
 * (src/apply builds the sessions from the live clients), so plan/ may read
 * a kind's ownership and pruning without loading any client.
 */
import type { DesiredState } from '../domain/desired.js';
import type { DesiredStateIssue } from '../domain/errors.js';
import type { Inventory, OwnedKind, OwnedObject } from '../domain/inventory.js';
import type { LiveState } from '../domain/live.js';
import type { Action, ActionKind, KindOperations, Operation, OperationOf, OperationType, Readable } from '../domain/plan.js';
import type { ObserveScope } from '../live/observe.js';
import type { IdentitySession } from './identity-session.js';
import type { UnityCatalogSession } from './unity-catalog-session.js';
import type { WorkspaceAssetSession } from './workspace-asset-session.js';

/** What each handler is handed: the session of its kind's API family, the one way an applier reaches a client. */
export interface ApplyContext {
  identity: IdentitySession;
  unityCatalog: UnityCatalogSession;
  workspaceAssets: WorkspaceAssetSession;
}

/** The API family a kind's writes go to (and the session its handlers get). */
export type ApiFamily = keyof ApplyContext;

/** The owned object an operation creates or deletes, as the inventory records it. */
export type OwnedRef = Pick<OwnedObject, 'kind' | 'name' | 'workspace'>;

export interface OperationRule<T extends OperationType, F extends ApiFamily> {
  /** Carries the operation out; throws on failure. Idempotent: a retried create adopts what it finds. */
  readonly apply: (op: OperationOf<T>, session: ApplyContext[F]) => Promise<void>;
  /**
   * The owned object this operation creates or deletes, which the inventory
   * records (or forgets) once it ran; null when it makes or removes none (it
   * changes an owned object, or a principal the account keeps).
   */
  readonly owns: (op: OperationOf<T>) => OwnedRef | null;
}

/** Per operation type of a kind: its rule. A key left out does not compile. */
export type OperationRules<K extends ActionKind, F extends ApiFamily> = { readonly [T in KindOperations[K]]: OperationRule<T, F> };

/** What pruning decides for one owned object that left the desired state. */
export type PruneDecision =
  | { outcome: 'delete'; target: string; before: Readable; op: Operation; dependsOn?: string[] }
  /** Not seen live: released once the record is old enough to trust the absence (see plan/prune.ts). */
  | { outcome: 'absent' }
  /** It exists but is not onboarder's to delete (an identity provider's group, a path someone else now holds). */
  | { outcome: 'release' }
  /** Left as it is this pass: it cannot be read, or another part of the diff deletes it. */
  | { outcome: 'keep' };

/** What pruning sees: live state, and the deletes already planned (those that run before this kind's). */
export interface PruneView {
  desired: DesiredState;
  live: LiveState;
  protectedPatterns: readonly string[];
  planned: readonly Action[];
}

/** What a kind owns: onboarder deletes such an object only when an applied revision declared it. */
export interface Ownership {
  readonly owned: OwnedKind;
  /** Read by listing, whose absence may be list lag (an object created a moment ago may be missing). */
  readonly listed: boolean;
  /** Every object of the kind the desired state declares, which onboarder owns once it exists. */
  readonly declared: (desired: DesiredState) => OwnedObject[];
  /** The delete (or release) of an owned object no longer declared. */
  readonly prune: (object: OwnedObject, view: PruneView) => PruneDecision;
}

export interface ResourceKind<K extends ActionKind, F extends ApiFamily> {
  readonly kind: K;
  readonly family: F;
  readonly operations: OperationRules<K, F>;
  /** null: the kind owns nothing and prunes nothing (its comment says why). */
  readonly ownership: Ownership | null;
}

/** A kind of any family: each family's handlers get their own session. */
export type AnyResourceKind<K extends ActionKind> = { [F in ApiFamily]: ResourceKind<K, F> }[ApiFamily];

/** The registry's shape: every kind, with its own rules. */
export type KindRegistry = { readonly [K in ActionKind]: AnyResourceKind<K> };

/** What a family's diff is given: the pass's inputs, and what the plan around it decided. */
export interface FamilyDiffInput {
  desired: DesiredState;
  live: LiveState;
  /** What onboarder owns (earlier applied revisions declared it): only those objects may be deleted. */
  inventory: Inventory;
  /** `external`: principals missing from the account are reported as waiting for the identity provider. */
  principals: 'create' | 'external';
  /** Ids of the actions the principals phase planned (after its guard): access to a group the plan creates waits for it. */
  identityActionIds: ReadonlySet<string>;
  /** Groups (lower-cased) leaving while the plan's deletions are blocked: their grants and permissions stay as they are. */
  heldPrincipals?: ReadonlySet<string>;
}

export interface FamilyDiffResult {
  actions: Action[];
  /** Desired-state issues only live state reveals (a storage credential that does not exist), located in the desired state. */
  issues: DesiredStateIssue[];
}

/**
 * When a family is diffed. `principals`: first, since the others name what
 * it creates (plan/diff.ts guards its membership removals before anything
 * is planned on top). `access`: after, with the principals' action ids;
 * planned again holding the leaving groups when the deletion guard blocks.
 */
export type FamilyPhase = 'principals' | 'access';

/** What a family's read scope is worked out from. */
export interface ReadScopeInput {
  desired: DesiredState;
  inventory: Inventory;
  /** Owned objects the desired state no longer declares, in a workspace it still declares: read so pruning knows whether they exist. */
  leaving: readonly OwnedObject[];
}

/**
 * The part of one pass's observe scope (live/observe.ts) each family fills;
 * observing it (the I/O) stays in live/. A family missing here does not
 * compile (the registry indexes this by every family).
 */
export interface FamilyReadScope {
  identity: Pick<ObserveScope, 'workspaces' | 'managedGroupNames'>;
  unityCatalog: Pick<ObserveScope, 'unityCatalog'>;
  workspaceAssets: Pick<ObserveScope, 'workspaceAssets'>;
}

/**
 * An API family's pure parts: what it reads and how it is diffed. The
 * family, not the kind, is the unit, because a family's kinds are compared
 * together (a group's assignment, membership and entitlements wait for each
 * other); a kind that stands alone keeps its own diff in its module, which
 * the family's diff calls.
 */
export interface KindFamily<F extends ApiFamily> {
  readonly phase: FamilyPhase;
  readonly diff: (input: FamilyDiffInput) => FamilyDiffResult;
  /** What one pass reads for the family: the objects the desired state declares, and the owned ones leaving it. */
  readonly reads: (input: ReadScopeInput) => FamilyReadScope[F];
}

/** Every API family with its diff and reads: a family left out does not compile. */
export type FamilyRegistry = { readonly [F in ApiFamily]: KindFamily<F> };
