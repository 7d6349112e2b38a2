/**
 * The inventory as the simulated workspace holds it: the newest generation,
 * read the way the store reads it.
 */
import type { Inventory } from '../../src/domain/inventory.js';
import { parseInventory } from '../../src/inventory/document.js';
import type { Simulator } from '../../src/simulator/index.js';
import { EXAMPLE_WORKSPACE_ID } from './convergence.js';

export function storedInventory(sim: Simulator, workspaceId: string = EXAMPLE_WORKSPACE_ID): { generation: number; inventory: Inventory } {
  const folder = `/Users/${sim.state.controller.applicationId}/.onboarder/inventory`;
  const newest = sim.state.assets.tree(workspaceId).list(folder).at(-1)!;
  const generation = Number(/(\d+)\.json$/.exec(newest.path)![1]);
  const parsed = parseInventory(newest.content!, generation);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.stored;
}
