/**
 * Wires the Databricks clients (src/live) to the reconciler's port: how to
 * observe the live state a desired state needs, and how to run actions.
 */
import type { Logger } from 'pino';
import { createIdentitySession, type IdentityApi } from './apply/identity.js';
import { createActionRunner } from './apply/runner.js';
import { createUnityCatalogSession } from './apply/unity-catalog.js';
import { createWorkspaceAssetSession } from './apply/workspace-assets.js';
import type { Config } from './config.js';
import { workspaceRef, type DesiredState } from './domain/desired.js';
import { ConfigError } from './domain/errors.js';
import type { ApiTelemetry } from './domain/telemetry.js';
import { createDatabricks, type Databricks, type WorkspaceRef } from './live/databricks.js';
import type { FamilyLimitsConfig } from './live/limiter.js';
import { observeLiveState } from './live/observe.js';
import { observeScope } from './live/observe-scope.js';
import type { RetryPolicy } from './live/retry.js';
import { settlesWithin } from './loop/pass-signal.js';
import type { InventoryPort, LivePort, ReconcileDeps } from './loop/reconciler.js';
import type { DiffOptions } from './plan/diff.js';
import type { Metrics } from './report/metrics.js';
import { createInventoryStore, type InventoryStore } from './inventory/store.js';

export interface LiveConnection {
  port: LivePort;
  inventory: InventoryPort;
  databricks: Databricks;
  /**
   * Closes the connection pool; requests still in flight after
   * CLOSE_WAIT_MS (a hung response that nothing aborted) are cut off, so
   * closing never hangs.
   */
  close(): Promise<void>;
}

/** How long `close` lets requests in flight end before it destroys their sockets. */
const CLOSE_WAIT_MS = 1_000;

export interface ConnectOptions {
  logger: Logger;
  telemetry?: ApiTelemetry;
  /** Sends every workspace's traffic to one base URL; default: config's `everyWorkspaceAt` (--simulator, the demo). */
  workspaceHost?: (workspace: WorkspaceRef) => string;
  limits?: FamilyLimitsConfig;
  retry?: Partial<RetryPolicy>;
  /** How long to wait for a new principal to become visible in a workspace. */
  visibilityTimeoutMs?: number;
}

export function connectLive(config: Config, options: ConnectOptions): LiveConnection {
  const { accountId, credentials, accountHost, defaultWorkspaceHost, trustedHosts, everyWorkspaceAt } = config.databricks;
  const workspaceHost = options.workspaceHost ?? (everyWorkspaceAt === undefined ? undefined : () => everyWorkspaceAt);
  if (!accountId) throw new ConfigError('DATABRICKS_ACCOUNT_ID is not set');
  if (!credentials) throw new ConfigError('no Databricks credentials: set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET');
  const databricks = createDatabricks({
    accountHost,
    accountId,
    credentials,
    trustedHosts,
    logger: options.logger,
    scimPageSize: config.scimPageSize,
    ...(defaultWorkspaceHost ? { defaultWorkspaceHost } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(workspaceHost ? { workspaceHost } : {}),
    limits: { ...config.rateLimits, ...options.limits },
    http: { timeouts: { requestMs: config.requestTimeoutMs }, ...(options.retry ? { retry: options.retry } : {}) },
  });
  const visibility = options.visibilityTimeoutMs === undefined ? {} : { visibilityTimeoutMs: options.visibilityTimeoutMs };
  const port: LivePort = {
    withSignal: (signal, fn) => databricks.http.withSignal(signal, fn),
    observe: (desired, inventory) => observeLiveState(databricks, observeScope(desired, inventory)),
    runner: (desired, live) =>
      createActionRunner({
        identity: createIdentitySession(identityApi(databricks, desired), live, visibility),
        unityCatalog: createUnityCatalogSession({
          client: (via) => databricks.unityCatalog(workspaceRef(desired, via)),
          principalExists: (name) => principalExists(databricks, name),
          ...visibility,
        }),
        workspaceAssets: createWorkspaceAssetSession((workspace) => databricks.workspaceAssets(workspaceRef(desired, workspace))),
      }),
  };
  return { port, inventory: inventoryPort(databricks, config, options.logger), databricks, close: () => closeOrDestroy(databricks, options.logger) };
}

/** The policy a plan follows, from the flags: the same for plan, apply, run and the demo. */
export function diffOptionsOf(config: Config): DiffOptions {
  return {
    principals: config.principals,
    observeKinds: config.observeKinds,
    allowMassDelete: config.allowMassDelete,
    ...(config.confirmDeletions ? { confirmDeletions: config.confirmDeletions } : {}),
  };
}

/** What one pass needs (plan, apply, the demo's pass): the connection's ports and the configured policy. */
export function passDeps(config: Config, connection: LiveConnection, logger: Logger, metrics: Metrics): ReconcileDeps {
  return { live: connection.port, inventory: connection.inventory, logger, metrics, diffOptions: diffOptionsOf(config) };
}

async function closeOrDestroy(databricks: Databricks, logger: Logger): Promise<void> {
  if (await settlesWithin(databricks.close(), CLOSE_WAIT_MS)) return;
  logger.warn({ waitedMs: CLOSE_WAIT_MS }, 'Databricks requests still in flight at close: their connections are destroyed');
  await databricks.destroy();
}

/**
 * The inventory lives in one workspace: `--inventory-workspace`, or the only
 * declared Workspace. In `--mode=observe` it is read, never written.
 */
function inventoryPort(databricks: Databricks, config: Config, logger: Logger): InventoryPort {
  const stores = new Map<string, InventoryStore>();
  // Who onboarder is does not change while it runs: /Me is asked once per workspace.
  const folders = new Map<string, string>();
  const storeFor = async (desired: DesiredState): Promise<InventoryStore> => {
    // With one workspace it is that one; with more it must be named, so that adding a workspace never moves it.
    const declared = desired.workspaces.map((w) => w.name);
    if (config.inventoryWorkspace === undefined && declared.length > 1) {
      throw new ConfigError(`${declared.length} workspaces are declared: set --inventory-workspace (ONBOARDER_INVENTORY_WORKSPACE) to the one that keeps the inventory`);
    }
    const name = config.inventoryWorkspace ?? declared[0];
    if (name === undefined || !declared.includes(name)) {
      throw new ConfigError(`the inventory workspace ${name ?? '(none)'} is not a declared Workspace; set --inventory-workspace`);
    }
    const ref = workspaceRef(desired, name);
    let folder = folders.get(name) ?? config.inventoryPath;
    if (folder.includes('{me}')) {
      const me = (await databricks.workspace(ref).me()).userName;
      if (!me) throw new ConfigError('onboarder\'s own user name is unknown (SCIM /Me); set --inventory-path');
      folder = folder.replaceAll('{me}', me);
      folders.set(name, folder);
    }
    const key = `${name}|${folder}`;
    let store = stores.get(key);
    if (!store) {
      store = createInventoryStore({ files: databricks.workspaceAssets(ref).objects, folder, logger: logger.child({ component: 'inventory' }) });
      stores.set(key, store);
      logger.info({ workspace: name, folder }, 'inventory kept in the workspace');
    }
    return store;
  };
  return {
    load: async (desired) => {
      const store = await storeFor(desired);
      store.invalidate();
      return store.load();
    },
    save: async (desired, next, meta) => {
      if (config.observeOnly) return;
      await (await storeFor(desired)).save(next, meta);
    },
  };
}

/** Unity Catalog names a group by display name, a user by user name, a service principal by application id. */
async function principalExists(databricks: Databricks, name: string): Promise<boolean> {
  const account = databricks.account;
  const found = await Promise.all([
    account.findGroupByName(name),
    name.includes('@') ? account.findUserByName(name) : undefined,
    account.findServicePrincipal({ applicationId: name }),
  ]);
  return found.some((principal) => principal !== undefined);
}


/** The identity runner's view of the clients. */
function identityApi(databricks: Databricks, desired: DesiredState): IdentityApi {
  const account = databricks.account;
  const found = <T extends { id: string }>(value: T | undefined) => value ?? null;
  return {
    createGroup: (displayName) => account.createGroup(displayName),
    findGroup: async (displayName) => found(await account.findGroupByName(displayName)),
    deleteGroup: (id) => account.deleteGroup(id),
    createUser: (user) => account.createUser(user),
    findUser: async (userName) => found(await account.findUserByName(userName)),
    createServicePrincipal: (sp) => account.createServicePrincipal(sp),
    findServicePrincipal: async (sp) =>
      found(await account.findServicePrincipal(sp.applicationId ? { applicationId: sp.applicationId } : { displayName: sp.displayName })),
    patchGroupMembers: (groupId, change) => account.patchGroupMembers(groupId, change),
    assignWorkspace: (workspaceId, principalId, permissions) => databricks.assignments(workspaceId).assign(principalId, permissions),
    unassignWorkspace: (workspaceId, principalId) => databricks.assignments(workspaceId).unassign(principalId),
    patchEntitlements: (workspace, kind, principalId, change) =>
      databricks.workspace(workspaceRef(desired, workspace)).patchEntitlements(kind, principalId, change),
  };
}
