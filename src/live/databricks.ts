/**
 * Builds the Databricks clients from configuration: one HTTP pool, one
 * limiter, token sources per host, and a client per API family. This is the
 * only module that knows how they fit together.
 */
import type { Logger } from 'pino';
import { ConfigError } from '../domain/errors.js';
import { untrustedReason, type HostPattern } from '../domain/host-trust.js';
import type { ApiTelemetry } from '../domain/telemetry.js';
import { AccountScim } from './account-scim.js';
import { createTokenSources, type Credentials } from './auth.js';
import { DatabricksHttp, type DatabricksHttpOptions } from './http.js';
import { FamilyLimiter, type FamilyLimitsConfig } from './limiter.js';
import { ClusterPolicies } from './cluster-policies.js';
import { ObjectPermissions } from './permissions.js';
import { SqlWarehouses } from './sql-warehouses.js';
import { UnityCatalog } from './unity-catalog.js';
import type { WorkspaceClientOptions } from './workspace-api.js';
import { WorkspaceObjects } from './workspace-objects.js';
import { normalizeBaseUrl } from './url.js';
import { WorkspaceAssignments } from './workspace-assignment.js';
import { WorkspaceScim } from './workspace-scim.js';

export interface WorkspaceRef {
  name: string;
  workspaceId: string;
  host?: string;
}

export interface DatabricksOptions {
  /** e.g. `https://accounts.cloud.databricks.com`. */
  accountHost: string;
  accountId: string;
  credentials: Credentials;
  /** The only hosts credentials may go to (config: Databricks' domains, the configured hosts, --allowed-hosts). */
  trustedHosts: readonly HostPattern[];
  /** The host of a workspace; default: its own `host`, else `defaultWorkspaceHost` (DATABRICKS_HOST). */
  workspaceHost?: (workspace: WorkspaceRef) => string | undefined;
  defaultWorkspaceHost?: string;
  logger: Logger;
  telemetry?: ApiTelemetry;
  limits?: FamilyLimitsConfig;
  http?: Omit<DatabricksHttpOptions, 'logger' | 'telemetry' | 'limiter' | 'refuseCredentialsTo'>;
  scimPageSize?: number;
  /** For token expiry; ms since the epoch. */
  clock?: () => number;
}

export interface WorkspaceAssetClients {
  warehouses: SqlWarehouses;
  clusterPolicies: ClusterPolicies;
  objects: WorkspaceObjects;
  permissions: ObjectPermissions;
}

export interface Databricks {
  readonly http: DatabricksHttp;
  readonly account: AccountScim;
  workspace(workspace: WorkspaceRef): WorkspaceScim;
  assignments(workspaceId: string): WorkspaceAssignments;
  unityCatalog(workspace: WorkspaceRef): UnityCatalog;
  /** The clients of a workspace's own objects: SQL warehouses, cluster policies, notebooks, their permissions. */
  workspaceAssets(workspace: WorkspaceRef): WorkspaceAssetClients;
  /** How the client authenticates, e.g. `oauth-m2m client 1234`; never a secret. */
  describeAuth(): string;
  close(): Promise<void>;
  /** Closes the connections at once, requests in flight included. */
  destroy(): Promise<void>;
}

export function createDatabricks(options: DatabricksOptions): Databricks {
  const accountHost = normalizeBaseUrl(options.accountHost, 'account host');
  if (!options.accountId.trim()) throw new ConfigError('account id is required');
  const defaultHost =
    options.defaultWorkspaceHost === undefined ? undefined : normalizeBaseUrl(options.defaultWorkspaceHost, 'workspace host');
  const hostOf = (workspace: WorkspaceRef): string => {
    const host = options.workspaceHost?.(workspace) ?? workspace.host ?? defaultHost;
    if (host === undefined) throw new ConfigError(`workspace ${workspace.name} has no host and no default host is set`);
    return normalizeBaseUrl(host, `host of workspace ${workspace.name}`);
  };

  const http = new DatabricksHttp({
    ...options.http,
    logger: options.logger,
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
    limiter: new FamilyLimiter(options.limits),
    refuseCredentialsTo: (url) => untrustedReason(url, options.trustedHosts),
  });
  const tokens = createTokenSources({
    http,
    credentials: options.credentials,
    accountHost,
    accountId: options.accountId,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const pageSize = options.scimPageSize === undefined ? {} : { pageSize: options.scimPageSize };
  const account = new AccountScim({ http, auth: tokens.account, baseUrl: accountHost, accountId: options.accountId, ...pageSize });

  /** One client set per workspace (host and id), built on first use: the token source and pool are shared. */
  const perWorkspace = <T>(build: (options: WorkspaceClientOptions) => T) => {
    const built = new Map<string, T>();
    return (workspace: WorkspaceRef): T => {
      const host = hostOf(workspace);
      const key = `${host}|${workspace.workspaceId}`;
      let clients = built.get(key);
      if (!clients) {
        clients = build({ http, auth: tokens.workspace(host, workspace.workspaceId), baseUrl: host, workspaceId: workspace.workspaceId });
        built.set(key, clients);
      }
      return clients;
    };
  };
  const assignments = new Map<string, WorkspaceAssignments>();

  return {
    http,
    account,
    workspace: perWorkspace((clientOptions) => new WorkspaceScim({ ...clientOptions, ...pageSize })),
    assignments(workspaceId) {
      let client = assignments.get(workspaceId);
      if (!client) {
        client = new WorkspaceAssignments({ http, auth: tokens.account, baseUrl: accountHost, accountId: options.accountId, workspaceId });
        assignments.set(workspaceId, client);
      }
      return client;
    },
    unityCatalog: perWorkspace((clientOptions) => new UnityCatalog(clientOptions)),
    workspaceAssets: perWorkspace((clientOptions) => ({
      warehouses: new SqlWarehouses(clientOptions),
      clusterPolicies: new ClusterPolicies(clientOptions),
      objects: new WorkspaceObjects(clientOptions),
      permissions: new ObjectPermissions(clientOptions),
    })),
    describeAuth: () => tokens.account.describe(),
    close: () => http.close(),
    destroy: () => http.destroy(),
  };
}
