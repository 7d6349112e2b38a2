/**
 * The view of a revision that both the rules and the expansion work from:
 * documents indexed by kind and name, and each customer's personas resolved
 * against their templates (entry fields replace the template's, grants add).
 */
import type { SecurableType, SourceLocation } from '../domain/desired.js';
import type { DesiredStateIssue } from '../domain/errors.js';
import { sortedSet, type Entitlement } from '../domain/identity.js';
import type { AnyValidDocument, RejectedNames, ValidDocument } from './documents.js';
import { compareStrings, issueAtPath } from './parse.js';
import { substitute, type PlaceholderValues } from './placeholders.js';
import type { GrantSpec, Kind } from './schema.js';

export interface DocumentIndex {
  workspaces: Map<string, ValidDocument<'Workspace'>>;
  templates: Map<string, ValidDocument<'PersonaTemplate'>>;
  customers: Map<string, ValidDocument<'Customer'>>;
  rosters: Map<string, ValidDocument<'Roster'>>;
  /** Documents present but invalid (see RejectedNames): a reference to one is not dangling. */
  rejected: RejectedNames;
}

const NAME_PATH = ['metadata', 'name'] as const;

/** Indexes documents by kind and name; the first of two with one name wins and the second is an issue. */
export function indexDocuments(
  documents: readonly AnyValidDocument[],
  rejected: RejectedNames = new Set(),
): { index: DocumentIndex; issues: DesiredStateIssue[] } {
  const index: DocumentIndex = {
    workspaces: new Map(),
    templates: new Map(),
    customers: new Map(),
    rosters: new Map(),
    rejected,
  };
  const issues: DesiredStateIssue[] = [];
  const add = <K extends Kind>(map: Map<string, ValidDocument<K>>, document: ValidDocument<K>): void => {
    const first = map.get(document.name);
    if (first) {
      const where = describeLocation(first.parsed.locate(NAME_PATH));
      const message = `duplicate ${document.kind} "${document.name}": first defined at ${where}`;
      issues.push(issueAtPath(document.parsed, NAME_PATH, 'DUPLICATE_NAME', message));
      return;
    }
    map.set(document.name, document);
  };
  for (const document of documents) {
    if (document.kind === 'Workspace') add(index.workspaces, document);
    else if (document.kind === 'PersonaTemplate') add(index.templates, document);
    else if (document.kind === 'Customer') add(index.customers, document);
    else add(index.rosters, document);
  }
  return { index, issues };
}

export function describeLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

export function customerDisplayName(customer: ValidDocument<'Customer'>): string {
  return customer.spec.displayName ?? customer.name;
}

export function placeholderValuesOf(customer: ValidDocument<'Customer'>): PlaceholderValues {
  const catalog = customer.spec.catalog?.name;
  return catalog === undefined
    ? { customer: customerDisplayName(customer) }
    : { customer: customerDisplayName(customer), catalog };
}

export function defaultGroupName(customerName: string, persona: string): string {
  return `customer-${customerName}-${persona}`;
}

export interface ResolvedGrant {
  type: SecurableType;
  /** Full name with placeholders substituted. */
  fullName: string;
  /** Privileges as written (normalised later). */
  privileges: string[];
  /** Where the grant's securable is written (in the template or the customer). */
  source: SourceLocation;
  /** Name of the template the grant comes from; absent for the customer's own. */
  template?: string;
}

type Level = string | null;

export interface ResolvedPersona {
  name: string;
  group: string;
  label: string;
  entitlements: Entitlement[];
  grants: ResolvedGrant[];
  warehouses: Level;
  clusterPolicies: Level;
  notebooks: Level;
  /** The template, when the entry names one that exists. */
  template?: ValidDocument<'PersonaTemplate'>;
  /** The persona's key in the Customer. */
  source: SourceLocation;
  /** Where the group name comes from: the entry's `group:` or the persona key. */
  groupSource: SourceLocation;
}

/** The customer's personas, sorted by name, with templates applied and placeholders substituted. */
export function resolvePersonas(customer: ValidDocument<'Customer'>, index: DocumentIndex): ResolvedPersona[] {
  const values = placeholderValuesOf(customer);
  const personas = customer.spec.personas ?? {};
  return Object.keys(personas)
    .sort(compareStrings)
    .map((name) => {
      const entry = personas[name] ?? {};
      const entryPath = ['spec', 'personas', name];
      const template = entry.template === undefined ? undefined : index.templates.get(entry.template);
      const base = template?.spec ?? {};
      const customerSource = customer.parsed.locate(entryPath, { key: true });
      const label = entry.displayName ?? base.displayName ?? `${values.customer} ${name}`;
      const templateGrants = (template?.spec.grants ?? []).map((grant, position) => {
        const source = template?.parsed.locate(['spec', 'grants', position, 'on']) ?? customerSource;
        return resolveGrant(grant, values, source, template?.name);
      });
      const ownGrants = (entry.grants ?? []).map((grant, position) =>
        resolveGrant(grant, values, customer.parsed.locate([...entryPath, 'grants', position, 'on'])),
      );
      const persona: ResolvedPersona = {
        name,
        group: entry.group === undefined ? defaultGroupName(customer.name, name) : substitute(entry.group, values),
        label: substitute(label, values),
        entitlements: sortedSet(entry.entitlements ?? base.entitlements ?? []),
        grants: [...templateGrants, ...ownGrants],
        warehouses: pickLevel(entry.warehouses, base.warehouses),
        clusterPolicies: pickLevel(entry.clusterPolicies, base.clusterPolicies),
        notebooks: pickLevel(entry.notebooks, base.notebooks),
        source: customerSource,
        groupSource: customer.parsed.locate(entry.group === undefined ? entryPath : [...entryPath, 'group'], {
          key: entry.group === undefined,
        }),
      };
      if (template) persona.template = template;
      return persona;
    });
}

/** `null` written in the entry means "none", overriding the template; absent means "the template's". */
function pickLevel(entry: Level | undefined, template: Level | undefined): Level {
  return entry !== undefined ? entry : (template ?? null);
}

function resolveGrant(
  grant: GrantSpec,
  values: PlaceholderValues,
  source: SourceLocation,
  template: string | undefined = undefined,
): ResolvedGrant {
  const { type, written } = securableOf(grant);
  const resolved: ResolvedGrant = { type, fullName: substitute(written, values), privileges: grant.privileges, source };
  if (template !== undefined) resolved.template = template;
  return resolved;
}

/** The schema guarantees exactly one of the three keys. */
export function securableOf(grant: GrantSpec): { type: SecurableType; written: string; key: string } {
  if (grant.on.catalog !== undefined) return { type: 'catalog', written: grant.on.catalog, key: 'catalog' };
  if (grant.on.schema !== undefined) return { type: 'schema', written: grant.on.schema, key: 'schema' };
  return { type: 'external_location', written: grant.on.externalLocation ?? '', key: 'externalLocation' };
}
