/**
 * The executor's runner: sends each operation to the applier of its API
 * family, so each applier knows only its own clients.
 */
import { routeOperation, unhandled, type IdentityOperation, type UnityCatalogOperation, type WorkspaceAssetOperation } from '../domain/plan.js';
import type { ActionRunner } from './executor.js';

export interface Appliers {
  identity: (op: IdentityOperation) => Promise<void>;
  unityCatalog: (op: UnityCatalogOperation) => Promise<void>;
  workspaceAssets: (op: WorkspaceAssetOperation) => Promise<void>;
}

export function createActionRunner(appliers: Appliers): ActionRunner {
  return (action) => {
    const routed = routeOperation(action.op);
    switch (routed.family) {
      case 'identity':
        return appliers.identity(routed.op);
      case 'unityCatalog':
        return appliers.unityCatalog(routed.op);
      case 'workspaceAssets':
        return appliers.workspaceAssets(routed.op);
      default:
        return unhandled(routed, 'operation family');
    }
  };
}
