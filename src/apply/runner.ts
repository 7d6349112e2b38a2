/**
 * The executor's runner: sends each operation to the applier of its API
 * family, so each applier knows only its own clients.
 */
import {
  isUnityCatalogOperation,
  isWorkspaceAssetOperation,
  type IdentityOperation,
  type UnityCatalogOperation,
  type WorkspaceAssetOperation,
} from '../domain/plan.js';
import type { ActionRunner } from './executor.js';

export interface Appliers {
  identity: (op: IdentityOperation) => Promise<void>;
  unityCatalog: (op: UnityCatalogOperation) => Promise<void>;
  workspaceAssets: (op: WorkspaceAssetOperation) => Promise<void>;
}

export function createActionRunner(appliers: Appliers): ActionRunner {
  return (action) => {
    const { op } = action;
    if (isUnityCatalogOperation(op)) return appliers.unityCatalog(op);
    if (isWorkspaceAssetOperation(op)) return appliers.workspaceAssets(op);
    return appliers.identity(op);
  };
}
