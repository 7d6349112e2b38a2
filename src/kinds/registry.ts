/**
 * Every resource kind, in one place. The registry's type (KindRegistry)
 * requires each kind, each of a kind's operation types (domain/plan.ts
 * KindOperations) with its handler and its ownership rule, and each kind's
 * ownership (or an explicit null): forgetting one is a compile error, not a
 * runtime fall-through. FAMILIES gives every API family its diff and
 * reads (FamilyRegistry: a family left out does not compile). The executor, the
 * inventory's recording rule, the observe scope, the diff and pruning all
 * read from here; nothing else switches over kinds.
 */
import { ownedKey, type OwnedKind, type Inventory, type OwnedObject } from '../domain/inventory.js';
import type { DesiredState } from '../domain/desired.js';
import { unhandled, type Operation, type OperationType } from '../domain/plan.js';
import type {
  ApiFamily,
  ApplyContext,
  FamilyDiffInput,
  FamilyDiffResult,
  FamilyPhase,
  FamilyReadScope,
  FamilyRegistry,
  ReadScopeInput,
  KindRegistry,
  OperationRule,
  OwnedRef,
  Ownership,
} from './contract.js';
import { diffIdentity } from './identity-diff.js';
import { diffUnityCatalog } from './unity-catalog-diff.js';
import { diffWorkspaceAssets } from './workspace-assets-diff.js';
import { entitlementsKind, groupKind, identityReads, membershipKind, servicePrincipalKind, userKind, workspaceAssignmentKind } from './identity.js';
import { catalogBindingsKind, catalogIsolationKind, catalogKind, externalLocationKind, grantsKind, schemaKind, unityCatalogReads } from './unity-catalog.js';
import { warehouseKind } from './warehouse.js';
import { clusterPolicyKind } from './cluster-policy.js';
import { notebookKind } from './notebook.js';
import { workspaceAssetsReads } from './workspace-asset-family.js';
import { permissionsKind } from './workspace-assets.js';

export const KINDS = {
  group: groupKind,
  user: userKind,
  'service-principal': servicePrincipalKind,
  'workspace-assignment': workspaceAssignmentKind,
  membership: membershipKind,
  entitlements: entitlementsKind,
  catalog: catalogKind,
  'catalog-bindings': catalogBindingsKind,
  'catalog-isolation': catalogIsolationKind,
  schema: schemaKind,
  'external-location': externalLocationKind,
  grants: grantsKind,
  warehouse: warehouseKind,
  'cluster-policy': clusterPolicyKind,
  notebook: notebookKind,
  permissions: permissionsKind,
} as const satisfies KindRegistry;

/** Each API family's diff and reads, in the order their actions are listed (identity, then Unity Catalog, then workspace assets). */
export const FAMILIES = {
  identity: { phase: 'principals', diff: (input) => ({ actions: diffIdentity(input.desired, input.live, input), issues: [] }), reads: identityReads },
  unityCatalog: { phase: 'access', diff: (input) => diffUnityCatalog(input.desired, input.live, input), reads: unityCatalogReads },
  workspaceAssets: {
    phase: 'access',
    diff: (input) => ({ actions: diffWorkspaceAssets(input.desired, input.live, input), issues: [] }),
    reads: workspaceAssetsReads,
  },
} as const satisfies FamilyRegistry;

/** The actions and issues of every family diffed in `phase`, in registry order. */
export function diffFamilies(phase: FamilyPhase, input: FamilyDiffInput): FamilyDiffResult {
  const results = Object.values(FAMILIES)
    .filter((family) => family.phase === phase)
    .map((family) => family.diff(input));
  return { actions: results.flatMap((r) => r.actions), issues: results.flatMap((r) => r.issues) };
}

interface RoutedRule {
  family: ApiFamily;
  rule: OperationRule<OperationType, ApiFamily>;
}

/** Operation type -> its kind's family and rule. Built once; a type claimed by two kinds is refused at load. */
const RULES: ReadonlyMap<string, RoutedRule> = (() => {
  const rules = new Map<string, RoutedRule>();
  for (const kind of Object.values(KINDS)) {
    for (const [type, rule] of Object.entries(kind.operations)) {
      if (rules.has(type)) throw new Error(`operation ${type} is claimed by two kinds`);
      rules.set(type, { family: kind.family, rule: rule as RoutedRule['rule'] });
    }
  }
  return rules;
})();

function ruleFor(op: Operation): RoutedRule {
  // Unreachable for a well-typed plan (the registry's type covers every operation); loud for a malformed one.
  return RULES.get(op.type) ?? unhandled(op as never, 'operation');
}

/** The API family an operation's writes go to. */
export function familyOf(op: Operation): ApiFamily {
  return ruleFor(op).family;
}

/** Carries out one operation with its kind's handler, which gets its family's session from `context`. */
export async function applyOperation(op: Operation, context: ApplyContext): Promise<void> {
  const { family, rule } = ruleFor(op);
  // The registry's type pairs each rule with its operation type and its family's session; the map lost that pairing.
  await rule.apply(op as never, context[family] as never);
}

/** The owned object an operation creates or deletes, if any (the inventory's recording rule). */
export function ownedTarget(op: Operation): OwnedRef | undefined {
  return ruleFor(op).rule.owns(op as never) ?? undefined;
}

/** Every kind that owns objects, with its ownership rule. */
export const OWNERSHIP: ReadonlyMap<OwnedKind, Ownership> = new Map(
  Object.values(KINDS).flatMap((kind) => (kind.ownership ? [[kind.ownership.owned, kind.ownership] as const] : [])),
);

export function ownershipOf(kind: OwnedKind): Ownership {
  const ownership = OWNERSHIP.get(kind);
  if (!ownership) throw new Error(`no kind owns ${kind} objects`);
  return ownership;
}

/** Every object the desired state declares that onboarder would own once it exists. */
export function declaredObjects(desired: DesiredState): OwnedObject[] {
  return [...OWNERSHIP.values()].flatMap((ownership) => ownership.declared(desired));
}

/** Every family's part of one pass's read scope. */
export function familyReadScopes(input: ReadScopeInput): FamilyReadScope[ApiFamily][] {
  return Object.values(FAMILIES).map((family) => family.reads(input));
}

/**
 * Owned objects the desired state no longer declares, whose workspace it
 * still declares: those are observed, and pruned when they exist. One whose
 * workspace left too cannot be reached; it stays in the inventory.
 */
export function leavingObjects(desired: DesiredState, inventory: Inventory): OwnedObject[] {
  const declared = new Set(declaredObjects(desired).map(ownedKey));
  const workspaces = new Set(desired.workspaces.map((w) => w.name));
  return inventory.objects.filter((o) => !declared.has(ownedKey(o)) && (o.workspace === undefined || workspaces.has(o.workspace)));
}
