/**
 * The executor's runner: each action's operation goes to its kind's handler
 * (src/kinds/registry.ts), which is handed the session of its API family.
 * There is no default branch: the registry's type has a handler for every
 * operation type, and an operation it does not know fails loudly.
 */
import type { ApplyContext } from '../kinds/contract.js';
import { applyOperation } from '../kinds/registry.js';
import type { ActionRunner } from './executor.js';

export function createActionRunner(context: ApplyContext): ActionRunner {
  return (action) => applyOperation(action.op, context);
}
