/**
 * The executor's runner: sends each operation to the applier of its API
 * family, so each applier knows only its own clients.
 */
import { isUnityCatalogOperation, type IdentityOperation, type UnityCatalogOperation } from '../domain/plan.js';
import type { ActionRunner } from './executor.js';

export interface Appliers {
  identity: (op: IdentityOperation) => Promise<void>;
  unityCatalog: (op: UnityCatalogOperation) => Promise<void>;
}

export function createActionRunner(appliers: Appliers): ActionRunner {
  return (action) => (isUnityCatalogOperation(action.op) ? appliers.unityCatalog(action.op) : appliers.identity(action.op));
}
