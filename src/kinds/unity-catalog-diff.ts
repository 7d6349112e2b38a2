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
import { ownedNames, type Inventory } from '../domain/inventory.js';
import type { LiveCatalog, LiveExternalLocation, LiveState } from '../domain/live.js';
import { actionId, buildAction, waveFor } from '../domain/action-key.js';
import type { Action, BindingChange, Readable } from '../domain/plan.js';
import { diffGrants, grantTarget, type GrantTarget } from './unity-catalog-grants.js';
import { isDefined, optional, pick, sameName } from './values.js';

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
        'MISSING_STORAGE_CREDENTIAL',
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

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}
