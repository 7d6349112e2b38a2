/**
 * Unity Catalog half of the diff: each customer's catalog, schemas,
 * bindings, isolation, external locations and the grants on them. Pure:
 * (desired, live, inventory) -> actions and located issues.
 *
 * Ordering inside a customer follows the API's own rules (reference §4.1):
 * a catalog is created OPEN and turned ISOLATED only after the workspaces
 * that keep access are bound; grants wait for the securable and for the
 * persona groups they name.
 */
import {
  homeWorkspace,
  protectedGroupPatterns,
  type DesiredCatalog,
  type DesiredCustomer,
  type DesiredExternalLocation,
  type DesiredState,
} from '../domain/desired.js';
import { issueAt, type DesiredStateIssue } from '../domain/errors.js';
import { isProtectedGroup, sortedSet } from '../domain/identity.js';
import { ownedNames, type Inventory } from '../domain/inventory.js';
import { securableKey, type LiveCatalog, type LiveExternalLocation, type LivePrivilegeAssignment, type LiveState } from '../domain/live.js';
import { actionId, buildAction, waveFor } from '../domain/action-key.js';
import type { Action, BindingChange, PrivilegeDelta, Readable, SecurableRef } from '../domain/plan.js';
import { compare, isDefined, pick } from './values.js';

export interface UnityCatalogDiffOptions {
  inventory: Inventory;
  /** Principals (lower-cased) whose grants stay as they are: groups leaving while the plan's deletions are blocked. */
  heldPrincipals?: ReadonlySet<string>;
  /** Ids of the identity actions in the same plan: grants to a group created by the plan wait for it. */
  identityActionIds: ReadonlySet<string>;
}

export interface UnityCatalogDiff {
  actions: Action[];
  issues: DesiredStateIssue[];
}

export function diffUnityCatalog(desired: DesiredState, live: LiveState, options: UnityCatalogDiffOptions): UnityCatalogDiff {
  const out: UnityCatalogDiff = { actions: [], issues: [] };
  const managedPrincipals = new Set(desired.groups.map((g) => g.displayName.toLowerCase()));
  const protectedPatterns = protectedGroupPatterns(desired);
  const context: Context = { desired, live, options, out, managedPrincipals, protectedPatterns };
  for (const customer of desired.customers) diffCustomer(context, customer);
  return out;
}

interface Context {
  desired: DesiredState;
  live: LiveState;
  options: UnityCatalogDiffOptions;
  out: UnityCatalogDiff;
  /** Lower-cased names of the persona groups: any other grantee is someone onboarder does not manage. */
  managedPrincipals: ReadonlySet<string>;
  /** A protected group's grants are never changed, like onboarder's own. */
  protectedPatterns: readonly string[];
}

/** A securable whose grants the customer declares, and the action (if any) that creates it. */
interface GrantTarget {
  securable: SecurableRef;
  label: string;
  createdBy?: string;
  /** Desired grants by lower-cased principal: the spelling to send and the privileges. */
  desired: Map<string, { principal: string; privileges: string[] }>;
  /** Undefined when the securable does not exist yet (nothing granted). */
  live: LivePrivilegeAssignment[] | undefined;
}

function diffCustomer(context: Context, customer: DesiredCustomer): void {
  const via = homeWorkspace(customer);
  const targets: GrantTarget[] = [];
  if (customer.catalog) {
    const liveCatalog = context.live.unityCatalog.catalogs.find((c) => sameName(c.name, customer.catalog!.name));
    // An isolated catalog hidden from the home workspace: only its bindings can be read and repaired this pass.
    if (liveCatalog && !liveCatalog.accessible) {
      // Reach it again first: bind the home workspace (even if only to open the catalog next pass).
      const repair = { ...customer.catalog, bindings: { ...customer.catalog.bindings, [via]: 'READ_WRITE' as const } };
      diffBindings(context, customer, repair, liveCatalog, via, undefined);
    }
    else targets.push(...diffCatalog(context, customer, customer.catalog, liveCatalog, via));
  }
  for (const location of customer.externalLocations) {
    const liveLocation = context.live.unityCatalog.externalLocations.find((l) => sameName(l.name, location.name));
    targets.push(diffExternalLocation(context, customer, location, liveLocation, via));
  }
  for (const grant of customer.grants) {
    const target = targets.find(
      (t) => t.securable.type === grant.securable.type && sameName(t.securable.fullName, grant.securable.fullName),
    );
    target?.desired.set(grant.principal.toLowerCase(), { principal: grant.principal, privileges: grant.privileges });
  }
  for (const target of targets) diffGrants(context, customer, target, via);
}

/** Returns the grant targets: the catalog and each schema (declared, or owned and leaving). */
function diffCatalog(
  context: Context,
  customer: DesiredCustomer,
  catalog: DesiredCatalog,
  live: LiveCatalog | undefined,
  via: string,
): GrantTarget[] {
  const { actions } = context.out;
  const base = { kind: 'catalog' as const, customer: customer.name, target: catalog.name, details: [], status: 'pending' as const };
  const catalogId = actionId('catalog', catalog.name);
  let createdBy: string | undefined;
  if (!live) {
    createdBy = catalogId;
    actions.push(
      buildAction({
        ...base,
        change: 'create',
        before: null,
        after: { comment: catalog.comment ?? null, isolation: 'OPEN' },
        dependsOn: [],
        op: { type: 'createCatalog', via, name: catalog.name, ...optional('comment', catalog.comment) },
      }),
    );
  } else if (catalog.comment !== undefined && catalog.comment !== (live.comment ?? '')) {
    actions.push(
      buildAction({
        ...base,
        change: 'update',
        before: { comment: live.comment ?? null },
        after: { comment: catalog.comment },
        dependsOn: [],
        op: { type: 'updateCatalog', via, name: live.name, comment: catalog.comment },
      }),
    );
  }

  const bindingsId = diffBindings(context, customer, catalog, live, via, createdBy);
  const liveIsolation = live?.isolation ?? 'OPEN';
  if (catalog.isolation !== liveIsolation) {
    // Isolating waits for the bindings (the last catalog wave); opening goes first, in the catalog's own wave,
    // while the home workspace is still bound. Opening is shown and observed as a change of the catalog.
    const isolating = catalog.isolation === 'ISOLATED';
    actions.push(
      buildAction({
        ...base,
        kind: isolating ? 'catalog-isolation' : 'catalog',
        idKind: 'catalog-isolation',
        wave: waveFor(isolating ? 'catalog-isolation' : 'catalog', 'update'),
        change: 'update',
        before: { isolation: liveIsolation },
        after: { isolation: catalog.isolation },
        dependsOn: isolating ? [createdBy, bindingsId].filter(isDefined).sort() : [],
        op: { type: 'setCatalogIsolation', via, name: live?.name ?? catalog.name, isolation: catalog.isolation },
      }),
    );
  }

  const targets: GrantTarget[] = [
    grantTarget({ type: 'catalog', fullName: live?.name ?? catalog.name }, `catalog ${catalog.name}`, createdBy, context),
  ];
  const liveSchemas = live?.schemas ?? [];
  for (const schema of catalog.schemas) {
    const fullName = `${catalog.name}.${schema.name}`;
    const liveSchema = liveSchemas.find((s) => sameName(s.name, schema.name));
    const schemaBase = { kind: 'schema' as const, customer: customer.name, target: fullName, details: [], status: 'pending' as const };
    let schemaCreate: string | undefined;
    if (!liveSchema) {
      schemaCreate = actionId('schema', fullName);
      actions.push(
        buildAction({
          ...schemaBase,
          change: 'create',
          before: null,
          after: { comment: schema.comment ?? null },
          dependsOn: [createdBy].filter(isDefined),
          op: { type: 'createSchema', via, catalog: live?.name ?? catalog.name, name: schema.name, ...optional('comment', schema.comment) },
        }),
      );
    } else if (schema.comment !== undefined && schema.comment !== (liveSchema.comment ?? '')) {
      actions.push(
        buildAction({
          ...schemaBase,
          change: 'update',
          before: { comment: liveSchema.comment ?? null },
          after: { comment: schema.comment },
          dependsOn: [],
          op: { type: 'updateSchema', via, fullName: liveSchema.fullName, comment: schema.comment },
        }),
      );
    }
    targets.push(grantTarget({ type: 'schema', fullName: liveSchema?.fullName ?? fullName }, `schema ${fullName}`, schemaCreate, context));
  }

  // A schema leaves only if onboarder declared it before; one created by hand is not ours to touch.
  const owned = ownedNames(context.options.inventory, 'schema');
  for (const liveSchema of liveSchemas) {
    const declared = catalog.schemas.some((s) => sameName(s.name, liveSchema.name));
    if (declared || !owned.has(liveSchema.fullName.toLowerCase())) continue;
    actions.push(
      buildAction({
        kind: 'schema',
        change: 'delete',
        customer: customer.name,
        target: liveSchema.fullName,
        before: { comment: liveSchema.comment ?? null },
        after: null,
        details: [],
        dependsOn: [],
        status: 'pending',
        op: { type: 'deleteSchema', via, fullName: liveSchema.fullName },
      }),
    );
    // Its grants go first (an update, so before every delete): access ends even if the delete fails.
    targets.push(grantTarget({ type: 'schema', fullName: liveSchema.fullName }, `schema ${liveSchema.fullName}`, undefined, context));
  }
  return targets;
}

/** Bindings are authoritative on a declared catalog; returns the id of the action, if one is needed. */
function diffBindings(
  context: Context,
  customer: DesiredCustomer,
  catalog: DesiredCatalog,
  live: LiveCatalog | undefined,
  via: string,
  createdBy: string | undefined,
): string | undefined {
  const workspaces = context.desired.workspaces;
  const nameOf = (workspaceId: string) => workspaces.find((w) => w.workspaceId === workspaceId)?.name;
  const wanted = new Map<string, BindingChange>();
  for (const [workspace, bindingType] of Object.entries(catalog.bindings)) {
    const workspaceId = workspaces.find((w) => w.name === workspace)?.workspaceId;
    if (workspaceId !== undefined) wanted.set(workspaceId, { workspaceId, workspace, bindingType });
  }
  const liveBindings = live?.bindings ?? {};
  const add = [...wanted.values()].filter((b) => liveBindings[b.workspaceId] !== b.bindingType);
  const remove = Object.keys(liveBindings)
    .filter((workspaceId) => !wanted.has(workspaceId))
    .map((workspaceId) => ({ workspaceId, ...optional('workspace', nameOf(workspaceId)) }));
  if (add.length === 0 && remove.length === 0) return undefined;

  const label = (b: { workspaceId: string; workspace?: string }) => b.workspace ?? `workspace ${b.workspaceId} (not declared)`;
  const readable = (bindings: Record<string, string>) =>
    Object.fromEntries(Object.entries(bindings).map(([id, type]) => [nameOf(id) ?? id, type])) as Readable;
  const id = actionId('catalog-bindings', catalog.name);
  context.out.actions.push(
    buildAction({
      kind: 'catalog-bindings',
      change: 'update',
      customer: customer.name,
      target: catalog.name,
      before: readable(liveBindings),
      after: readable(Object.fromEntries([...wanted.values()].map((b) => [b.workspaceId, b.bindingType]))),
      details: [
        ...add.map((b) => `${liveBindings[b.workspaceId] ? '~' : '+'} ${label(b)}: ${b.bindingType}`),
        ...remove.map((b) => `- ${label(b)}`),
      ].sort(),
      dependsOn: [createdBy].filter(isDefined),
      status: 'pending',
      op: { type: 'updateBindings', via, catalog: live?.name ?? catalog.name, add, remove },
    }),
  );
  return id;
}

function diffExternalLocation(
  context: Context,
  customer: DesiredCustomer,
  location: DesiredExternalLocation,
  live: LiveExternalLocation | undefined,
  via: string,
): GrantTarget {
  const base = { kind: 'external-location' as const, customer: customer.name, target: location.name, details: [], status: 'pending' as const };
  const id = actionId('external-location', location.name);
  const credentials = context.live.unityCatalog.storageCredentials[via] ?? [];
  const credentialChanges = !live || !sameName(live.credential, location.credential);
  if (credentialChanges && !credentials.some((name) => sameName(name, location.credential))) {
    context.out.issues.push(
      issueAt(
        location.credentialSource,
        `storage credential "${location.credential}" does not exist (or is not visible from workspace "${via}"); ` +
          `external locations need an existing credential: ${credentials.length > 0 ? `known: ${credentials.join(', ')}` : 'none is visible'}`,
      ),
    );
  }
  let createdBy: string | undefined;
  if (!live) {
    createdBy = id;
    context.out.actions.push(
      buildAction({
        ...base,
        change: 'create',
        before: null,
        after: { url: location.url, credential: location.credential, readOnly: location.readOnly, comment: location.comment ?? null },
        dependsOn: [],
        op: {
          type: 'createExternalLocation',
          via,
          name: location.name,
          url: location.url,
          credential: location.credential,
          readOnly: location.readOnly,
          ...optional('comment', location.comment),
        },
      }),
    );
  } else {
    const patch: { url?: string; credential?: string; readOnly?: boolean; comment?: string } = {};
    // The service stores URLs without trailing slashes.
    if (trimSlashes(live.url) !== trimSlashes(location.url)) patch.url = location.url;
    if (credentialChanges) patch.credential = location.credential;
    if (live.readOnly !== location.readOnly) patch.readOnly = location.readOnly;
    if (location.comment !== undefined && location.comment !== (live.comment ?? '')) patch.comment = location.comment;
    if (Object.keys(patch).length > 0) {
      const before: Readable = { url: live.url, credential: live.credential, readOnly: live.readOnly, comment: live.comment ?? null };
      context.out.actions.push(
        buildAction({
          ...base,
          change: 'update',
          before: pick(before, Object.keys(patch)),
          after: pick({ ...before, ...patch }, Object.keys(patch)),
          dependsOn: [],
          op: { type: 'updateExternalLocation', via, name: live.name, patch },
        }),
      );
    }
  }
  return grantTarget({ type: 'external_location', fullName: live?.name ?? location.name }, `external location ${location.name}`, createdBy, context);
}

function grantTarget(securable: SecurableRef, label: string, createdBy: string | undefined, context: Context): GrantTarget {
  const live = createdBy ? undefined : context.live.unityCatalog.grants[securableKey(securable.type, securable.fullName)];
  return { securable, label, desired: new Map(), live, ...optional('createdBy', createdBy) };
}

/**
 * One action per securable with every principal's delta: authoritative
 * grants revoke whatever is not declared (naming grantees onboarder does
 * not manage, so a reviewer sees them); additive grants never revoke.
 * onboarder's own principal is never revoked (no self-lockout), nor is a
 * protected group (`admins`, `users`, ...), which onboarder never changes.
 */
function diffGrants(context: Context, customer: DesiredCustomer, target: GrantTarget, via: string): void {
  const authoritative = customer.grantsMode === 'authoritative';
  const controller = context.live.controllerPrincipal?.toLowerCase();
  const untouchable = (key: string) =>
    key === controller || isProtectedGroup(key, context.protectedPatterns) || context.options.heldPrincipals?.has(key) === true;
  const live = new Map((target.live ?? []).map((a) => [a.principal.toLowerCase(), a]));
  const changes: PrivilegeDelta[] = [];
  const details: string[] = [];
  const dependsOn = new Set<string>(target.createdBy ? [target.createdBy] : []);

  for (const [key, wanted] of target.desired) {
    const held = new Set(live.get(key)?.privileges ?? []);
    const add = wanted.privileges.filter((p) => !held.has(p));
    const remove = authoritative && !untouchable(key) ? [...held].filter((p) => !wanted.privileges.includes(p)).sort() : [];
    if (add.length === 0 && remove.length === 0) continue;
    const principal = live.get(key)?.principal ?? wanted.principal;
    changes.push({ principal, add, remove });
    if (add.length > 0) details.push(`+ ${principal}: ${add.join(', ')}`);
    if (remove.length > 0) details.push(`- ${principal}: ${remove.join(', ')}`);
    const groupCreate = actionId('group', wanted.principal);
    if (add.length > 0 && context.options.identityActionIds.has(groupCreate)) dependsOn.add(groupCreate);
  }
  if (authoritative) {
    for (const [key, assignment] of live) {
      if (target.desired.has(key) || untouchable(key) || assignment.privileges.length === 0) continue;
      const remove = sortedSet(assignment.privileges);
      changes.push({ principal: assignment.principal, add: [], remove });
      const note = context.managedPrincipals.has(key) ? '' : ' (not managed by onboarder)';
      details.push(`- ${assignment.principal}: ${remove.join(', ')}${note}`);
    }
  }
  if (changes.length === 0) return;

  const before = readableGrants([...live.values()].map((a) => [a.principal, a.privileges]));
  const after = readableGrants(
    [...new Set([...live.keys(), ...target.desired.keys()])].map((key) => {
      const change = changes.find((c) => c.principal.toLowerCase() === key);
      const held = live.get(key)?.privileges ?? [];
      const name = live.get(key)?.principal ?? target.desired.get(key)?.principal ?? key;
      const privileges = change ? [...held.filter((p) => !change.remove.includes(p)), ...change.add] : held;
      return [name, privileges];
    }),
  );
  context.out.actions.push(
    buildAction({
      kind: 'grants',
      change: 'update',
      customer: customer.name,
      target: target.label,
      before,
      after,
      details: details.sort(byPrincipal),
      dependsOn: [...dependsOn].sort(),
      status: 'pending',
      op: {
        type: 'updateGrants',
        via,
        securable: target.securable,
        changes: changes.sort((a, b) => compare(a.principal.toLowerCase(), b.principal.toLowerCase())),
      },
    }),
  );
}

function readableGrants(entries: [string, readonly string[]][]): Readable {
  const readable: Readable = {};
  for (const [principal, privileges] of entries.sort(([a], [b]) => compare(a.toLowerCase(), b.toLowerCase()))) {
    if (privileges.length > 0) readable[principal] = sortedSet(privileges);
  }
  return readable;
}

/** Detail lines (`+ principal: ...`) sorted by principal, additions before removals for the same one. */
function byPrincipal(a: string, b: string): number {
  const principal = (line: string) => line.slice(2, line.lastIndexOf(': ')).toLowerCase();
  return compare(principal(a), principal(b)) || compare(a, b);
}

/** Unity Catalog names compare case-insensitively (the service stores them lower-cased). */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}


function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
