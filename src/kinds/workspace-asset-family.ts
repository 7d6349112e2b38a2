/** What the workspace asset kinds (warehouses, cluster policies, notebooks) share. */
import type { DesiredCustomer, DesiredState } from '../domain/desired.js';
import type { OwnedObject } from '../domain/inventory.js';
import type { LiveState, LiveWorkspaceAssets } from '../domain/live.js';

/** A customer declares an asset once and gets one in each of its workspaces. */
export function declaredPerWorkspace(desired: DesiredState, assets: (customer: DesiredCustomer) => Pick<OwnedObject, 'kind' | 'name'>[]): OwnedObject[] {
  return desired.customers.flatMap((customer) =>
    customer.workspaces.flatMap((workspace) => assets(customer).map((asset) => ({ ...asset, customer: customer.name, workspace }))),
  );
}

/** A workspace's assets as observed; empty when none was read there. */
export function liveAssets(live: LiveState, workspace: string): LiveWorkspaceAssets {
  return live.assets[workspace] ?? { warehouses: [], clusterPolicies: [], notebooks: [] };
}
