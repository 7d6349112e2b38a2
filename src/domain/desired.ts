/**
 * The desired state after loading: templates expanded, placeholders
 * substituted, references resolved. The loader (src/desired) produces it;
 * the diff (src/plan) consumes it. Everything here is plain data.
 */
import { DEFAULT_PROTECTED_GROUPS, type Entitlement, type PrincipalType } from './identity.js';

/** Where a declaration came from, for located messages. */
export interface SourceLocation {
  file: string; // relative to the desired-state root, with forward slashes
  line: number; // 1-based
  column: number; // 1-based
  path: (string | number)[]; // path inside the YAML document, e.g. ['spec', 'users', 0, 'personas', 1]
}

export type Mode = 'authoritative' | 'additive';

export interface DesiredWorkspace {
  name: string;
  /** Workspace URL; absent means "use DATABRICKS_HOST". */
  host?: string;
  /** Numeric workspace id, kept as a decimal string (it exceeds 2^53 in real accounts). */
  workspaceId: string;
  protectedGroups: string[];
  source: SourceLocation;
}

/** A persona group: one account group per (customer, persona). */
export interface DesiredGroup {
  /** The SCIM displayName: `customer-<customer>-<persona>` unless the persona overrides `group`. */
  displayName: string;
  customer: string;
  persona: string;
  /** The persona's human label (`displayName` of the template, placeholders substituted). */
  label: string;
  /** Workspace names the group is assigned to (the customer's workspaces). */
  workspaces: string[];
  /** Entitlements the group holds in each of its workspaces (a sorted set). */
  entitlements: Entitlement[];
  /** Keys of the principals that must be members (see userKey / servicePrincipalKey); a sorted set. */
  members: string[];
  membership: Mode;
  /** True when the Customer wrote `membership:` itself (matters for groups adopted from an identity provider). */
  membershipExplicit: boolean;
  source: SourceLocation;
}

export interface DesiredPrincipal {
  key: string;
  type: PrincipalType;
  /** Users: the e-mail user name as written in the roster. */
  userName?: string;
  /** Users: optional display name; service principals: their (required) display name. */
  displayName?: string;
  /** Service principals: the application id of one that already exists (e.g. from Entra ID). */
  applicationId?: string;
  /** Customers whose rosters list this principal (sorted). */
  customers: string[];
  /**
   * Explicit entitlements per workspace name, for every workspace of every customer listing the
   * principal (an empty list means "none of its own"); the union over rosters.
   */
  entitlements: Record<string, Entitlement[]>;
  source: SourceLocation;
}

export type SecurableType = 'catalog' | 'schema' | 'external_location';

export interface DesiredGrant {
  securable: { type: SecurableType; fullName: string };
  /** Group display name (persona group) or principal name the privileges go to. */
  principal: string;
  /** Normalised privilege names (underscores, upper case), a sorted set. */
  privileges: string[];
  source: SourceLocation;
}

export type PermissionLevel = string;

export interface DesiredPersona {
  name: string;
  group: string;
  label: string;
  entitlements: Entitlement[];
  warehouses: PermissionLevel | null;
  clusterPolicies: PermissionLevel | null;
  notebooks: PermissionLevel | null;
}

export interface DesiredCatalog {
  name: string;
  comment?: string;
  isolation: 'OPEN' | 'ISOLATED';
  /** workspace name -> binding type */
  bindings: Record<string, 'READ_WRITE' | 'READ_ONLY'>;
  schemas: { name: string; comment?: string; source: SourceLocation }[];
  source: SourceLocation;
}

export interface DesiredExternalLocation {
  name: string;
  url: string;
  credential: string;
  readOnly: boolean;
  comment?: string;
  source: SourceLocation;
  /** Where `credential` is written: a credential the account lacks is reported there. */
  credentialSource: SourceLocation;
}

export interface DesiredWarehouse {
  name: string;
  size: string;
  minClusters: number;
  maxClusters: number;
  autoStopMins: number;
  serverless: boolean;
  /** Customer tags merged with the warehouse's own (the warehouse wins). */
  tags: Record<string, string>;
  /** persona group display name -> level */
  permissions: Record<string, PermissionLevel>;
  source: SourceLocation;
}

export interface DesiredClusterPolicy {
  name: string;
  /** The definition object with the customer tags forced in as fixed custom_tags. */
  definition: Record<string, unknown>;
  permissions: Record<string, PermissionLevel>;
  source: SourceLocation;
}

export interface DesiredNotebook {
  path: string;
  /** Source path relative to the desired-state root. */
  sourceFile: string;
  /** Content with placeholders substituted. */
  content: string;
  language: 'PYTHON' | 'SQL' | 'SCALA' | 'R';
  permissions: Record<string, PermissionLevel>;
  source: SourceLocation;
}

export interface DesiredCustomer {
  name: string;
  displayName: string;
  workspaces: string[];
  tags: Record<string, string>;
  membership: Mode;
  membershipExplicit: boolean;
  grantsMode: Mode;
  personas: DesiredPersona[];
  catalog?: DesiredCatalog;
  externalLocations: DesiredExternalLocation[];
  warehouses: DesiredWarehouse[];
  clusterPolicies: DesiredClusterPolicy[];
  notebooks: DesiredNotebook[];
  /** Every grant of the customer: persona templates (expanded) plus its own, merged per (securable, principal). */
  grants: DesiredGrant[];
  source: SourceLocation;
}

/** A Customer marked `offboard: true`: it declares nothing; only its name and where it is written remain. */
export interface OffboardedCustomer {
  name: string;
  source: SourceLocation;
}

export interface DesiredState {
  workspaces: DesiredWorkspace[];
  /** The customers onboarded; an offboarded one is not among them (nor its groups and principals). */
  customers: DesiredCustomer[];
  groups: DesiredGroup[];
  principals: DesiredPrincipal[];
  /**
   * Customers whose documents say `offboard: true`, by name: everything of
   * theirs the inventory holds is leaving, on purpose, so the deletion
   * guards let it through (plan/prune-guard.ts). Absent: none.
   */
  offboarded?: OffboardedCustomer[];
}

/**
 * The workspace through which onboarder reaches a customer's Unity Catalog
 * objects: the first of its workspaces bound READ_WRITE to its catalog, else
 * its first workspace. Unity Catalog is only reachable through a workspace,
 * and an isolated catalog only through one bound to it (the loader requires
 * an ISOLATED catalog to have such a binding).
 */
export function homeWorkspace(customer: Pick<DesiredCustomer, 'workspaces' | 'catalog'>): string {
  const bindings = customer.catalog?.bindings ?? {};
  return customer.workspaces.find((workspace) => bindings[workspace] === 'READ_WRITE') ?? customer.workspaces[0] ?? '';
}

/** A declared workspace as the clients reach it: name, id and host (absent: the default host). */
export function workspaceRef(desired: Pick<DesiredState, 'workspaces'>, name: string): Pick<DesiredWorkspace, 'name' | 'workspaceId' | 'host'> {
  const workspace = desired.workspaces.find((w) => w.name === name);
  if (!workspace) throw new Error(`workspace ${name} is not declared`);
  return { name, workspaceId: workspace.workspaceId, ...(workspace.host ? { host: workspace.host } : {}) };
}

/**
 * The protected group patterns of the whole desired state: the entitlement
 * model's own (`users`, `admins`, `users-clone-*`) always, plus every
 * Workspace's list. Groups are account-wide, so a group one workspace
 * protects is protected everywhere.
 */
export function protectedGroupPatterns(desired: Pick<DesiredState, 'workspaces'>): string[] {
  return [...new Set([...DEFAULT_PROTECTED_GROUPS, ...desired.workspaces.flatMap((w) => w.protectedGroups)])].sort();
}
