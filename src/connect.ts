/**
 * Wires the Databricks clients (src/live) to the reconciler's port: how to
 * observe the live state a desired state needs, and how to run actions.
 */
import type { Logger } from 'pino';
import { createIdentityRunner, type IdentityApi } from './apply/identity.js';
import { createActionRunner } from './apply/runner.js';
import { createUnityCatalogRunner } from './apply/unity-catalog.js';
import { createWorkspaceAssetRunner } from './apply/workspace-assets.js';
import type { Config } from './config.js';
import { homeWorkspace, type DesiredState } from './domain/desired.js';
import { ConfigError } from './domain/errors.js';
import { leavingObjects, ownedNames, type Inventory, type OwnedKind } from './domain/inventory.js';
import type { ApiTelemetry } from './domain/telemetry.js';
import { createDatabricks, type Databricks, type WorkspaceRef } from './live/databricks.js';
import type { FamilyLimitsConfig } from './live/limiter.js';
import { observeLiveState, type ObserveScope } from './live/observe.js';
import type { RetryPolicy } from './live/retry.js';
import type { InventoryPort, LivePort } from './loop/reconciler.js';
import { createInventoryStore, type InventoryStore } from './inventory/store.js';

export interface LiveConnection {
  port: LivePort;
  inventory: InventoryPort;
  databricks: Databricks;
  close(): Promise<void>;
}

export interface ConnectOptions {
  logger: Logger;
  telemetry?: ApiTelemetry;
  /** Sends every workspace's traffic to one base URL (the demo's simulator). */
  workspaceHost?: (workspace: WorkspaceRef) => string;
  limits?: FamilyLimitsConfig;
  retry?: Partial<RetryPolicy>;
  /** How long to wait for a new principal to become visible in a workspace. */
  visibilityTimeoutMs?: number;
}

export function connectLive(config: Config, options: ConnectOptions): LiveConnection {
  const { accountId, credentials, accountHost, defaultWorkspaceHost } = config.databricks;
  if (!accountId) throw new ConfigError('DATABRICKS_ACCOUNT_ID is not set');
  if (!credentials) throw new ConfigError('no Databricks credentials: set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET');
  const databricks = createDatabricks({
    accountHost,
    accountId,
    credentials,
    logger: options.logger,
    scimPageSize: config.scimPageSize,
    ...(defaultWorkspaceHost ? { defaultWorkspaceHost } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.workspaceHost ? { workspaceHost: options.workspaceHost } : {}),
    limits: { ...config.rateLimits, ...options.limits },
    ...(options.retry ? { http: { retry: options.retry } } : {}),
  });
  const visibility = options.visibilityTimeoutMs === undefined ? {} : { visibilityTimeoutMs: options.visibilityTimeoutMs };
  const port: LivePort = {
    observe: (desired, inventory) => observeLiveState(databricks, observeScope(desired, inventory)),
    runner: (desired, live) =>
      createActionRunner({
        identity: createIdentityRunner(identityApi(databricks, desired), live, visibility),
        unityCatalog: createUnityCatalogRunner({
          client: (via) => databricks.unityCatalog(workspaceRef(desired, via)),
          principalExists: (name) => principalExists(databricks, name),
          ...visibility,
        }),
        workspaceAssets: createWorkspaceAssetRunner((workspace) => databricks.workspaceAssets(workspaceRef(desired, workspace))),
      }),
  };
  return { port, inventory: inventoryPort(databricks, config, options.logger), databricks, close: () => databricks.close() };
}

/**
 * The inventory lives in one workspace: `--inventory-workspace`, else the
 * first declared Workspace by name. In `--mode=observe` it is read, never
 * written.
 */
function inventoryPort(databricks: Databricks, config: Config, logger: Logger): InventoryPort {
  const stores = new Map<string, InventoryStore>();
  // Who onboarder is does not change while it runs: /Me is asked once per workspace.
  const folders = new Map<string, string>();
  const storeFor = async (desired: DesiredState): Promise<InventoryStore> => {
    const name = config.inventoryWorkspace ?? desired.workspaces.map((w) => w.name).sort()[0];
    if (name === undefined || !desired.workspaces.some((w) => w.name === name)) {
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

function observeScope(desired: DesiredState, inventory: Inventory): ObserveScope {
  const ownedSchemas = [...ownedNames(inventory, 'schema').keys()];
  // What the inventory owns and the desired state dropped is read too: pruning needs to know whether it exists.
  const leaving = leavingObjects(desired, inventory);
  const declaredCatalogs = new Set(desired.customers.flatMap((c) => (c.catalog ? [c.catalog.name.toLowerCase()] : [])));
  const leavingNames = (kind: OwnedKind, workspace: string) => leaving.filter((o) => o.kind === kind && o.workspace === workspace).map((o) => o.name);
  const leavingUnityCatalog = [...new Set(leaving.filter((o) => o.kind === 'catalog' || o.kind === 'external-location').map((o) => o.workspace!))].flatMap(
    (via) => [
      ...leavingNames('catalog', via)
        .filter((name) => !declaredCatalogs.has(name.toLowerCase()))
        .map((name) => ({
          via: workspaceRef(desired, via),
          catalog: { name, schemas: ownedSchemas.filter((s) => s.startsWith(`${name.toLowerCase()}.`)).map((s) => s.slice(name.length + 1)) },
          externalLocations: [],
        })),
      ...(leavingNames('external-location', via).length > 0
        ? [{ via: workspaceRef(desired, via), externalLocations: leavingNames('external-location', via) }]
        : []),
    ],
  );
  return {
    workspaces: desired.workspaces.map((w) => workspaceRef(desired, w.name)),
    managedGroupNames: desired.groups.map((g) => g.displayName),
    unityCatalog: [
      ...desired.customers
        .filter((customer) => customer.catalog !== undefined || customer.externalLocations.length > 0)
        .map((customer) => {
          const catalog = customer.catalog;
          const owned = catalog ? ownedSchemas.filter((fullName) => fullName.startsWith(`${catalog.name.toLowerCase()}.`)) : [];
          return {
            via: workspaceRef(desired, homeWorkspace(customer)),
            ...(catalog
              ? { catalog: { name: catalog.name, schemas: [...catalog.schemas.map((s) => s.name), ...owned.map((n) => n.slice(catalog.name.length + 1))] } }
              : {}),
            externalLocations: customer.externalLocations.map((l) => l.name),
          };
        }),
      ...leavingUnityCatalog,
    ],
    workspaceAssets: desired.workspaces
      .map((workspace) => {
        const customers = desired.customers.filter((c) => c.workspaces.includes(workspace.name));
        return {
          workspace: workspaceRef(desired, workspace.name),
          warehouses: [...customers.flatMap((c) => c.warehouses.map((w) => w.name)), ...leavingNames('warehouse', workspace.name)],
          clusterPolicies: [...customers.flatMap((c) => c.clusterPolicies.map((p) => p.name)), ...leavingNames('cluster-policy', workspace.name)],
          notebooks: [
            ...customers.flatMap((c) => c.notebooks.map((n) => ({ path: n.path, language: n.language }))),
            // The language only seeds the source hash, which a delete does not look at.
            ...leavingNames('notebook', workspace.name).map((path) => ({ path, language: 'PYTHON' as const })),
          ],
        };
      })
      .filter((scope) => scope.warehouses.length + scope.clusterPolicies.length + scope.notebooks.length > 0),
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

function workspaceRef(desired: DesiredState, name: string): WorkspaceRef {
  const workspace = desired.workspaces.find((w) => w.name === name);
  if (!workspace) throw new Error(`workspace ${name} is not declared`);
  return { name, workspaceId: workspace.workspaceId, ...(workspace.host ? { host: workspace.host } : {}) };
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
