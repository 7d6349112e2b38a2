/**
 * Documents -> DesiredState: templates applied, placeholders substituted,
 * defaults filled in, grants merged, principals merged across rosters.
 * Runs only on a revision that passed the rules, so every reference
 * resolves. The output is sorted everywhere: the same folder always gives
 * the same state, byte for byte.
 */
import type {
  DesiredCatalog,
  DesiredClusterPolicy,
  DesiredCustomer,
  DesiredExternalLocation,
  DesiredGrant,
  DesiredGroup,
  DesiredNotebook,
  DesiredPrincipal,
  DesiredState,
  DesiredWarehouse,
  DesiredWorkspace,
  OffboardedCustomer,
  PermissionLevel,
  SecurableType,
  SourceLocation,
} from '../domain/desired.js';
import { DEFAULT_PROTECTED_GROUPS, servicePrincipalKey, sortedSet, userKey, type Entitlement } from '../domain/identity.js';
import type { ValidDocument } from './documents.js';
import { compareStrings } from './parse.js';
import { substitute } from './placeholders.js';
import { normalisePrivilege } from './privileges.js';
import {
  customerDisplayName,
  placeholderValuesOf,
  resolvePersonas,
  type DocumentIndex,
  type ResolvedPersona,
} from './resolve.js';
import { notebookSourcePath } from './notebook-source.js';

/** Databricks' own default: a warehouse nobody uses stops after two hours. */
const DEFAULT_AUTO_STOP_MINS = 120;

export interface ExpandInput {
  index: DocumentIndex;
  notebookSources: ReadonlyMap<string, string>;
}

export function expandDesiredState({ index, notebookSources }: ExpandInput): DesiredState {
  const customers: DesiredCustomer[] = [];
  const groups: DesiredGroup[] = [];
  const offboarded: OffboardedCustomer[] = [];
  for (const customer of sortedByName(index.customers)) {
    // Leaving: it declares nothing, so everything of it the inventory holds is pruned.
    if (isOffboarded(customer)) {
      offboarded.push({ name: customer.name, source: documentSource(customer) });
      continue;
    }
    const personas = resolvePersonas(customer, index);
    const roster = index.rosters.get(customer.name);
    customers.push(expandCustomer(customer, personas, notebookSources));
    groups.push(...expandGroups(customer, personas, roster));
  }
  return {
    workspaces: sortedByName(index.workspaces).map(expandWorkspace),
    customers,
    groups: groups.sort((a, b) => compareStrings(a.displayName, b.displayName)),
    principals: expandPrincipals(index),
    ...(offboarded.length > 0 ? { offboarded } : {}),
  };
}

function isOffboarded(customer: ValidDocument<'Customer'> | undefined): boolean {
  return customer?.spec.offboard === true;
}

function expandWorkspace(workspace: ValidDocument<'Workspace'>): DesiredWorkspace {
  const { spec, parsed } = workspace;
  // Read the id as written: a YAML integer beyond 2^53 has already lost digits as a JS number.
  const written = typeof spec.workspaceId === 'string' ? spec.workspaceId : (parsed.scalarSource(['spec', 'workspaceId']) ?? '');
  const expanded: DesiredWorkspace = {
    name: workspace.name,
    workspaceId: BigInt(written).toString(),
    protectedGroups: sortedSet(spec.protectedGroups ?? DEFAULT_PROTECTED_GROUPS),
    source: documentSource(workspace),
  };
  if (spec.host !== undefined) expanded.host = spec.host;
  return expanded;
}

function expandGroups(
  customer: ValidDocument<'Customer'>,
  personas: readonly ResolvedPersona[],
  roster: ValidDocument<'Roster'> | undefined,
): DesiredGroup[] {
  const entries = [
    ...(roster?.spec.users ?? []).map((user) => ({ key: userKey(user.userName), personas: user.personas })),
    ...(roster?.spec.servicePrincipals ?? []).map((principal) => ({
      key: servicePrincipalKey(principal.displayName),
      personas: principal.personas,
    })),
  ];
  return personas.map((persona) => ({
    displayName: persona.group,
    customer: customer.name,
    persona: persona.name,
    label: persona.label,
    workspaces: sortedSet(customer.spec.workspaces),
    entitlements: persona.entitlements,
    members: sortedSet(entries.filter((entry) => entry.personas.includes(persona.name)).map((entry) => entry.key)),
    membership: customer.spec.membership ?? 'authoritative',
    membershipExplicit: customer.spec.membership !== undefined,
    source: persona.source,
  }));
}

function expandCustomer(
  customer: ValidDocument<'Customer'>,
  personas: readonly ResolvedPersona[],
  notebookSources: ReadonlyMap<string, string>,
): DesiredCustomer {
  const { spec, parsed } = customer;
  const tags = sortedRecord(Object.entries(spec.tags ?? {}));
  const groupOf = new Map(personas.map((persona) => [persona.name, persona.group]));
  const levelsFor = (pick: (persona: ResolvedPersona) => PermissionLevel | null) =>
    personas.flatMap((persona) => {
      const level = pick(persona);
      return level === null ? [] : [[persona.group, level] as [string, PermissionLevel]];
    });

  const warehouses = (spec.warehouses ?? []).map((warehouse, position): DesiredWarehouse => {
    const minClusters = warehouse.minClusters ?? 1;
    return {
      name: warehouse.name,
      size: warehouse.size,
      minClusters,
      maxClusters: warehouse.maxClusters ?? minClusters,
      autoStopMins: warehouse.autoStopMins ?? DEFAULT_AUTO_STOP_MINS,
      serverless: warehouse.serverless ?? false,
      tags: sortedRecord(Object.entries({ ...tags, ...warehouse.tags })),
      permissions: sortedRecord(levelsFor((persona) => persona.warehouses)),
      source: parsed.locate(['spec', 'warehouses', position]),
    };
  });

  const clusterPolicies = (spec.clusterPolicies ?? []).map((policy, position): DesiredClusterPolicy => {
    // Attribution must not depend on whoever writes the policy remembering it.
    const forcedTags = Object.entries(tags).map(([key, value]) => [`custom_tags.${key}`, { type: 'fixed', value }] as const);
    return {
      name: policy.name,
      definition: sortedRecord<unknown>([...Object.entries(structuredClone(policy.definition)), ...forcedTags]),
      permissions: sortedRecord(levelsFor((persona) => persona.clusterPolicies)),
      source: parsed.locate(['spec', 'clusterPolicies', position]),
    };
  });

  const values = placeholderValuesOf(customer);
  const notebooks = (spec.notebooks ?? []).map((notebook, position): DesiredNotebook => {
    const source = notebookSourcePath(notebook.source);
    const sourceFile = 'path' in source ? source.path : notebook.source;
    const overrides = Object.entries(notebook.levels ?? {}).map(
      ([persona, level]) => [groupOf.get(persona) ?? persona, level] as [string, PermissionLevel],
    );
    return {
      path: notebook.path,
      sourceFile,
      content: substitute(notebookSources.get(sourceFile) ?? '', values),
      language: notebook.language,
      permissions: sortedRecord([...levelsFor((persona) => persona.notebooks), ...overrides]),
      source: parsed.locate(['spec', 'notebooks', position]),
    };
  });

  const expanded: DesiredCustomer = {
    name: customer.name,
    displayName: customerDisplayName(customer),
    workspaces: sortedSet(spec.workspaces),
    tags,
    membership: spec.membership ?? 'authoritative',
    membershipExplicit: spec.membership !== undefined,
    grantsMode: spec.grants ?? 'authoritative',
    personas: personas.map((persona) => ({
      name: persona.name,
      group: persona.group,
      label: persona.label,
      entitlements: persona.entitlements,
      warehouses: persona.warehouses,
      clusterPolicies: persona.clusterPolicies,
      notebooks: persona.notebooks,
    })),
    externalLocations: (spec.externalLocations ?? [])
      .map((location, position): DesiredExternalLocation => {
        const expandedLocation: DesiredExternalLocation = {
          name: location.name,
          url: location.url,
          credential: location.credential,
          readOnly: location.readOnly ?? false,
          source: parsed.locate(['spec', 'externalLocations', position]),
          credentialSource: parsed.locate(['spec', 'externalLocations', position, 'credential']),
        };
        if (location.comment !== undefined) expandedLocation.comment = location.comment;
        return expandedLocation;
      })
      .sort((a, b) => compareStrings(a.name, b.name)),
    warehouses: warehouses.sort((a, b) => compareStrings(a.name, b.name)),
    clusterPolicies: clusterPolicies.sort((a, b) => compareStrings(a.name, b.name)),
    notebooks: notebooks.sort((a, b) => compareStrings(a.path, b.path)),
    grants: expandGrants(customer, personas, groupOf),
    source: documentSource(customer),
  };
  const catalog = expandCatalog(customer);
  if (catalog) expanded.catalog = catalog;
  return expanded;
}

function expandCatalog(customer: ValidDocument<'Customer'>): DesiredCatalog | undefined {
  const catalog = customer.spec.catalog;
  if (!catalog) return undefined;
  const schemaPath = ['spec', 'catalog', 'schemas'];
  const expanded: DesiredCatalog = {
    name: catalog.name,
    isolation: catalog.isolation ?? 'OPEN',
    bindings: sortedRecord(Object.entries(catalog.bindings ?? {})),
    schemas: (catalog.schemas ?? [])
      .map((schema, position) => {
        const source = customer.parsed.locate([...schemaPath, position]);
        return schema.comment === undefined
          ? { name: schema.name, source }
          : { name: schema.name, comment: schema.comment, source };
      })
      .sort((a, b) => compareStrings(a.name, b.name)),
    source: customer.parsed.locate(['spec', 'catalog']),
  };
  if (catalog.comment !== undefined) expanded.comment = catalog.comment;
  return expanded;
}

/** One grant per (securable, principal), privileges normalised and merged. */
function expandGrants(
  customer: ValidDocument<'Customer'>,
  personas: readonly ResolvedPersona[],
  groupOf: ReadonlyMap<string, string>,
): DesiredGrant[] {
  const merged = new Map<string, { grant: DesiredGrant; privileges: Set<string> }>();
  const add = (
    type: SecurableType,
    fullName: string,
    principal: string,
    privileges: readonly string[],
    source: SourceLocation,
  ): void => {
    const key = [type, fullName, principal].join('\u0000');
    let entry = merged.get(key);
    if (!entry) {
      entry = { grant: { securable: { type, fullName }, principal, privileges: [], source }, privileges: new Set() };
      merged.set(key, entry);
    }
    for (const privilege of privileges) entry.privileges.add(normalisePrivilege(privilege));
  };
  for (const persona of personas) {
    for (const grant of persona.grants) add(grant.type, grant.fullName, persona.group, grant.privileges, grant.source);
  }
  (customer.spec.externalLocations ?? []).forEach((location, position) => {
    for (const [persona, privileges] of Object.entries(location.grants ?? {})) {
      const source = customer.parsed.locate(['spec', 'externalLocations', position, 'grants', persona], { key: true });
      add('external_location', location.name, groupOf.get(persona) ?? persona, privileges, source);
    }
  });
  return [...merged.values()]
    .map(({ grant, privileges }) => ({ ...grant, privileges: sortedSet(privileges) }))
    .sort(
      (a, b) =>
        compareStrings(a.securable.type, b.securable.type) ||
        compareStrings(a.securable.fullName, b.securable.fullName) ||
        compareStrings(a.principal, b.principal),
    );
}

/** Principals merged by key across rosters; the first roster (in file order) to describe a field wins. */
function expandPrincipals(index: DocumentIndex): DesiredPrincipal[] {
  const principals = new Map<string, { principal: DesiredPrincipal; entitlements: Map<string, Set<Entitlement>> }>();
  for (const roster of index.rosters.values()) {
    /*
     * An offboarded customer's roster is ignored rather than refused: the
     * offboarding stays a one-line change, its people lose only its groups
     * (which are deleted), and whatever other rosters give them stays.
     */
    if (isOffboarded(index.customers.get(roster.name))) continue;
    const workspaces = index.customers.get(roster.name)?.spec.workspaces ?? [];
    const merge = (principal: DesiredPrincipal, explicit: readonly Entitlement[]) => {
      let entry = principals.get(principal.key);
      if (!entry) {
        entry = { principal, entitlements: new Map() };
        principals.set(principal.key, entry);
      } else {
        if (entry.principal.displayName === undefined && principal.displayName !== undefined) {
          entry.principal.displayName = principal.displayName;
        }
        if (entry.principal.applicationId === undefined && principal.applicationId !== undefined) {
          entry.principal.applicationId = principal.applicationId;
        }
      }
      entry.principal.customers = sortedSet([...entry.principal.customers, roster.name]);
      for (const workspace of workspaces) {
        const set = entry.entitlements.get(workspace) ?? new Set<Entitlement>();
        for (const entitlement of explicit) set.add(entitlement);
        entry.entitlements.set(workspace, set);
      }
    };
    (roster.spec.users ?? []).forEach((user, position) => {
      const principal: DesiredPrincipal = {
        key: userKey(user.userName),
        type: 'user',
        userName: user.userName,
        customers: [],
        entitlements: {},
        source: roster.parsed.locate(['spec', 'users', position]),
      };
      if (user.displayName !== undefined) principal.displayName = user.displayName;
      merge(principal, user.entitlements ?? []);
    });
    (roster.spec.servicePrincipals ?? []).forEach((servicePrincipal, position) => {
      const principal: DesiredPrincipal = {
        key: servicePrincipalKey(servicePrincipal.displayName),
        type: 'servicePrincipal',
        displayName: servicePrincipal.displayName,
        customers: [],
        entitlements: {},
        source: roster.parsed.locate(['spec', 'servicePrincipals', position]),
      };
      if (servicePrincipal.applicationId !== undefined) principal.applicationId = servicePrincipal.applicationId;
      merge(principal, servicePrincipal.entitlements ?? []);
    });
  }
  return [...principals.values()]
    .map(({ principal, entitlements }) => ({
      ...principal,
      entitlements: sortedRecord([...entitlements].map(([workspace, set]) => [workspace, sortedSet(set)])),
    }))
    .sort((a, b) => compareStrings(a.key, b.key));
}

function documentSource(document: ValidDocument): SourceLocation {
  return document.parsed.locate(['metadata', 'name']);
}

function sortedByName<T extends { name: string }>(documents: ReadonlyMap<string, T>): T[] {
  return [...documents.values()].sort((a, b) => compareStrings(a.name, b.name));
}

function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record: Record<string, T> = {};
  for (const [key, value] of [...entries].sort(([a], [b]) => compareStrings(a, b))) record[key] = value;
  return record;
}
