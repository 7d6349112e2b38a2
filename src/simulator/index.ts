/**
 * The embedded Databricks simulator: a stateful model of the identity API
 * families (OAuth M2M, account SCIM, workspace permission assignments,
 * workspace SCIM) and Unity Catalog (one metastore shared by every
 * workspace: catalogs, schemas, storage credentials, external locations,
 * grants, workspace bindings), plus per-workspace SQL warehouses, cluster
 * policies, notebooks/directories and their object ACLs, written from
 * shared/reference/databricks-api.md as msw handlers and served over real HTTP.
 *
 * Routing convention: ONE server plays the account host and every workspace
 * host. Account APIs carry the account id in their path. Workspace-scoped APIs
 * (workspace SCIM, Unity Catalog, warehouses, policies, workspace objects,
 * object permissions, the workspace token endpoint `/oidc/v1/token`) name their
 * workspace with the `X-Databricks-Workspace-Id` header, which real SDKs send
 * for unified hosts; a missing header answers 400, an unknown workspace 404.
 *
 * Conventions: principal ids are decimal strings from 100000000000001 up,
 * unique across groups, users, service principals and system groups (below
 * 2^53 because assignment APIs carry them as numbers). SCIM routes answer
 * SCIM error bodies (`status` as a string); routing, auth and assignment
 * errors use `{"error_code","message"}`; OAuth errors `{"error","error_description"}`.
 * PATCH and DELETE on SCIM answer 204 without a body. Every PAT and OAuth
 * client authenticates as the seeded `onboarder-controller` service
 * principal, ADMIN-assigned to every workspace.
 *
 * Unity Catalog (unity-catalog*.ts, uc-*.ts) lives in `state.uc`. Its
 * routes are workspace APIs like workspace SCIM and log as `unity-catalog`.
 * Errors are `{"error_code","message"}` with UC codes (`CATALOG_DOES_NOT_EXIST`
 * 404, `*_ALREADY_EXISTS` 409, `INVALID_PARAMETER_VALUE`/`INVALID_STATE`/
 * `PRINCIPAL_DOES_NOT_EXIST` 400, `PERMISSION_DENIED` 403); empty lists are
 * omitted from responses (`{}`), as proto3 JSON does.
 *
 * Workspace assets (state in `state.assets`, workspace-assets-state.ts) are
 * workspace APIs too, logged as `sql-warehouses` (sql-warehouses.ts),
 * `cluster-policies` (cluster-policies.ts), `workspace` (workspace-objects.ts)
 * and `permissions` (permissions.ts); errors are `{"error_code","message"}`
 * (validation 400 INVALID_PARAMETER_VALUE, duplicates 400
 * RESOURCE_ALREADY_EXISTS, except policy names: 400 INVALID_PARAMETER_VALUE;
 * unknown objects 404 RESOURCE_DOES_NOT_EXIST). Warehouse and policy `edit`
 * are full replacements (omitted fields reset to defaults); policy
 * definitions are stored reformatted; export adds the notebook source header;
 * `/Workspace/x` is `/x`. Ids: warehouses 16 lowercase hex, policies 16
 * uppercase hex, workspace objects int64 from 1000000000000001 (root 0), all
 * unique across workspaces. Test API on `SimulatorState` (records are live,
 * mutating one is drift):
 * - `warehouses(ws)`, `findWarehouse(ws, name)`: `SqlWarehouse` {id, name,
 *   clusterSize, minNumClusters, maxNumClusters, autoStopMins, enablePhoton,
 *   enableServerlessCompute, warehouseType, spotInstancePolicy, channel,
 *   tags: Record<string,string>, state, creatorName, createdAt}.
 * - `clusterPolicies(ws)`, `findClusterPolicy(ws, name)`: `ClusterPolicy`
 *   {id, name, definition (stored JSON string), description?, maxClustersPerUser?, ...}.
 * - `workspaceObject(ws, path)`: `WorkspaceObject` {objectId (decimal
 *   string), objectType, path (no `/Workspace`), language?, content? (utf8
 *   as stored), createdAt, modifiedAt} or undefined;
 *   `setNotebookSource(ws, path, utf8)` edits by hand and bumps modifiedAt.
 * - `permissions(ws, 'warehouses'|'cluster-policies'|'notebooks'|'directories', objectId)`:
 *   direct entries `{principal, kind: 'group'|'user'|'servicePrincipal', level}[]`
 *   (copies; inherited `admins` is not included);
 *   `setPermission(ws, type, objectId, entry)` sets one principal's level bypassing rules.
 */
import type { RequestHandler } from 'msw';
import { accountScimHandlers } from './account-scim.js';
import { assignmentHandlers } from './assignments.js';
import { AccessTokens, oauthHandlers } from './auth.js';
import { clusterPolicyHandlers, POLICIES_PREFIX } from './cluster-policies.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_OAUTH_CLIENT, DEFAULT_PAT, DEFAULT_WORKSPACE_ID } from './defaults.js';
import { Faults, type FaultKnobs, type Family } from './faults.js';
import { startMswHttpServer, type MswHttpServer } from './http-server.js';
import { permissionHandlers, PERMISSIONS_PREFIX } from './permissions.js';
import { ApiError, route, type RecordedRequest, type SimulatorContext } from './pipeline.js';
import { sqlWarehouseHandlers, WAREHOUSES_PREFIX } from './sql-warehouses.js';
import { SimulatorState } from './state.js';
import { unityCatalogAccessHandlers } from './unity-catalog-access.js';
import { UC_PREFIX, unityCatalogHandlers } from './unity-catalog.js';
import { workspaceObjectHandlers, WORKSPACE_PREFIX } from './workspace-objects.js';
import { workspaceScimHandlers } from './workspace-scim.js';

export type { FaultKnobs, FaultMatch, Family, RateLimitKnob, ReceivedRequest, ScriptedFailure } from './faults.js';
export type { RecordedRequest } from './pipeline.js';
export type {
  AccountGroup,
  AccountPrincipal,
  AccountServicePrincipal,
  AccountUser,
  SystemGroup,
  SystemGroupName,
  Workspace,
  WorkspaceAssignment,
  WorkspacePermission,
} from './state.js';
export { ADMINS_ENTITLEMENTS, SimulatorState } from './state.js';
export { SimulatorStateError, type StateErrorCode } from './state-error.js';
export { WORKSPACE_ENTITLEMENTS } from './workspace-scim.js';
export { WORKSPACE_HEADER } from './pipeline.js';
export type { PermissionsChange, PrivilegeAssignment } from './uc-grants.js';
export type { SecurableType } from './uc-privileges.js';
export { normalisePrivilege, validPrivileges } from './uc-privileges.js';
export type {
  BindableType,
  BindingType,
  CatalogIsolationMode,
  CatalogPatch,
  ExternalLocationPatch,
  SchemaPatch,
  SecurableIsolationMode,
  UcBinding,
  UcCatalog,
  UcExternalLocation,
  UcSchema,
  UcStorageCredential,
} from './uc-types.js';
export { ACCOUNT_USERS, METASTORE_ID, UnityCatalogState } from './uc-state.js';
export type { AclEntry, AclObjectType, PrincipalKind } from './acl-state.js';
export { PERMISSION_LEVELS } from './acl-state.js';
export type { ClusterPolicy, ClusterPolicySpec } from './policy-state.js';
export { canonicalJson } from './policy-state.js';
export type { SqlWarehouse, WarehouseChannel, WarehouseSpec, WarehouseState } from './warehouse-state.js';
export { CLUSTER_SIZES } from './warehouse-state.js';
export type { InheritedEntry } from './workspace-assets-state.js';
export { WorkspaceAssets } from './workspace-assets-state.js';
export type { NotebookLanguage, WorkspaceObject, WorkspaceObjectType } from './workspace-tree.js';
export { MAX_NOTEBOOK_BYTES } from './workspace-objects.js';

export interface SimulatorOptions {
  accountId?: string;
  workspaces?: { workspaceId: string; name?: string }[];
  /** Accepted personal access tokens. */
  pats?: string[];
  oauthClients?: { clientId: string; clientSecret: string }[];
  accessTokenTtlSeconds?: number;
  /** SCIM maximum (and default) `count`. */
  maxPageSize?: number;
  /** Unity Catalog server page size (and cap) for `max_results` 0/unset; small so tests see several pages. Default 50. */
  ucPageSize?: number;
  /** Storage credentials seeded in the metastore (UC exposes them read-only). Default none. */
  storageCredentials?: string[];
  /** Clock in epoch milliseconds; inject one to drive token expiry and list lag without waiting. */
  now?: () => number;
}

export interface Simulator {
  /** The msw handlers; usable with msw `setupServer` too. */
  readonly handlers: RequestHandler[];
  /** Serves the handlers over node:http and returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** Base URL after `listen()`; throws before. */
  readonly url: string;
  readonly accountId: string;
  readonly state: SimulatorState;
  /** Every request answered, in order of answering. */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  readonly faults: FaultKnobs;
  /** Makes every OAuth access token issued so far expired. */
  expireAccessTokens(): void;
}

export { DEFAULT_ACCOUNT_ID, DEFAULT_OAUTH_CLIENT, DEFAULT_PAT, DEFAULT_WORKSPACE_ID } from './defaults.js';

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const now = options.now ?? Date.now;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const workspaces = (options.workspaces ?? [{ workspaceId: DEFAULT_WORKSPACE_ID, name: 'prod' }]).map((w) => ({
    workspaceId: w.workspaceId,
    name: w.name ?? w.workspaceId,
  }));
  const faults = new Faults(now);
  const state = new SimulatorState({
    accountId,
    workspaces,
    now,
    storageCredentials: options.storageCredentials ?? [],
    principalPropagationMs: () => faults.principalPropagationMs,
  });
  const ucPageSize = options.ucPageSize ?? 50;
  if (!Number.isInteger(ucPageSize) || ucPageSize < 1) throw new Error(`ucPageSize must be a positive integer, got ${ucPageSize}.`);
  const tokens = new AccessTokens(options.pats ?? [DEFAULT_PAT], options.accessTokenTtlSeconds ?? 3600, now);
  const requests: RecordedRequest[] = [];
  const ctx: SimulatorContext = { state, faults, tokens, maxPageSize: options.maxPageSize ?? 100, requests, now };

  const handlers: RequestHandler[] = [
    ...oauthHandlers(ctx, options.oauthClients ?? [DEFAULT_OAUTH_CLIENT]),
    ...assignmentHandlers(ctx),
    ...accountScimHandlers(ctx),
    ...workspaceScimHandlers(ctx),
    ...unityCatalogHandlers(ctx, ucPageSize),
    ...unityCatalogAccessHandlers(ctx, ucPageSize),
    ...sqlWarehouseHandlers(ctx),
    ...clusterPolicyHandlers(ctx),
    ...workspaceObjectHandlers(ctx),
    ...permissionHandlers(ctx),
    // Last: unmodelled routes under our prefixes answer 404 and are still recorded.
    notModelled(ctx, '*/api/2.0/accounts/:accountId/workspaces/:workspaceId/permissionassignments/*', 'workspace-assignment'),
    notModelled(ctx, '*/api/2.0/accounts/:accountId/scim/v2/*', 'account-scim'),
    notModelled(ctx, '*/api/2.0/preview/scim/v2/*', 'workspace-scim'),
    notModelled(ctx, `${UC_PREFIX}/*`, 'unity-catalog', 'header'),
    notModelled(ctx, `${WAREHOUSES_PREFIX}/*`, 'sql-warehouses', 'header'),
    notModelled(ctx, `${POLICIES_PREFIX}/*`, 'cluster-policies', 'header'),
    notModelled(ctx, `${WORKSPACE_PREFIX}/*`, 'workspace', 'header'),
    notModelled(ctx, `${PERMISSIONS_PREFIX}/*`, 'permissions', 'header'),
    notModelled(ctx, '*/oidc/*', 'oauth'),
  ];

  let server: MswHttpServer | undefined;
  return {
    handlers,
    accountId,
    state,
    faults,
    requests,
    get url(): string {
      if (!server) throw new Error('The simulator is not listening; call listen() first.');
      return server.url;
    },
    async listen(port?: number, host?: string): Promise<string> {
      if (server) throw new Error(`The simulator is already listening on ${server.url}.`);
      const serverOptions: { port?: number; host?: string } = {};
      if (port !== undefined) serverOptions.port = port;
      if (host !== undefined) serverOptions.host = host;
      server = await startMswHttpServer(handlers, serverOptions);
      return server.url;
    },
    async close(): Promise<void> {
      const running = server;
      server = undefined;
      await running?.close();
    },
    clearRequests(): void {
      requests.length = 0;
    },
    expireAccessTokens(): void {
      tokens.expireAll();
    },
  };
}

function notModelled(ctx: SimulatorContext, path: string, family: Family, workspaceFrom?: 'header'): RequestHandler {
  // Unmodelled routes skip auth: the answer says nothing about the account. The header, if any, is only logged.
  const spec = workspaceFrom ? { family, workspaceFrom, authenticate: false } : { family, authenticate: false };
  return route(ctx, 'all', path, spec, ({ request, url }) => {
    throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `The simulator does not model '${request.method} ${url.pathname}'.`);
  });
}
