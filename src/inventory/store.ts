/**
 * The inventory kept in a Databricks workspace, as workspace files: one file
 * per generation (`inventory-0000000007.json`) in one folder, so no volume
 * is needed and a restart or a new leader finds it.
 *
 * - Never half-written: each generation is written by one import request
 *   and carries a checksum; a damaged file is skipped for the one before.
 * - Tolerant of a concurrent writer (two leaders for a moment, a write whose
 *   answer was lost): a generation is written with `overwrite: false`, so
 *   two writers cannot both write generation N+1. The loser re-reads, merges
 *   its own change into the winner's inventory and writes N+2.
 * - Versioned: the last few generations are kept, for forensics and
 *   fallback; older ones are deleted.
 *
 * The inventory is read once and kept in memory; after a failed write it is
 * read again, since the failure may hide a write that happened. A write that
 * fails for good keeps its change in memory, laid over what the next load
 * reads, so a pass that could not record what it made does not forget it;
 * but only while nobody else has written a generation since (another leader,
 * say): a change laid over an inventory it was not made against could claim
 * an object that was released meanwhile, and then delete someone else's.
 */
import type { Logger } from 'pino';
import { ApiError, mayAlreadyExist } from '../domain/errors.js';
import { EMPTY_INVENTORY, normaliseInventory, ownedKey, sameInventory, type Inventory } from '../domain/inventory.js';
import type { WorkspaceObjects } from '../live/workspace-objects.js';
import { INVENTORY_FILE, inventoryFileName, parseInventory, serialiseInventory, type StoredInventory } from './document.js';

export type InventoryFiles = Pick<WorkspaceObjects, 'list' | 'exportFile' | 'importFile' | 'delete'>;

export interface InventoryStoreOptions {
  files: InventoryFiles;
  /** The folder holding the generations, e.g. `/Users/<onboarder>/.onboarder/inventory`. */
  folder: string;
  logger: Logger;
  /** Generations kept; default 5. */
  keep?: number;
  clock?: () => Date;
}

export interface InventoryStore {
  readonly folder: string;
  load(): Promise<Inventory>;
  /** Writes `next` as a new generation unless it equals what is stored. */
  save(next: Inventory, meta?: { revision?: string }): Promise<void>;
  /** Forget what was read: the next load reads the workspace again (e.g. after becoming leader). */
  invalidate(): void;
}

export class InventoryStoreError extends Error {
  readonly code = 'INVENTORY_UNREADABLE';
  constructor(message: string) {
    super(message);
    this.name = 'InventoryStoreError';
  }
}

const MAX_WRITE_ATTEMPTS = 3;

export function createInventoryStore(options: InventoryStoreOptions): InventoryStore {
  const { files, folder, logger } = options;
  const keep = options.keep ?? 5;
  const clock = options.clock ?? (() => new Date());
  let current: StoredInventory | undefined;
  /** A failed write's change, and the generation it was made against. */
  let unsaved: { change: InventoryChange; base: number } | undefined;
  /** The highest generation seen on disk, readable or not: the next write takes the one after it. */
  let highest = 0;

  const generationsOnDisk = async (): Promise<number[]> => {
    const listed = (await files.list(folder)) ?? [];
    const generations = listed
      .filter((o) => o.objectType === 'FILE')
      .flatMap((o) => {
        const match = INVENTORY_FILE.exec(o.path.slice(o.path.lastIndexOf('/') + 1));
        return match ? [Number(match[1])] : [];
      })
      .sort((a, b) => b - a);
    highest = Math.max(highest, generations[0] ?? 0);
    return generations;
  };

  /** The newest generation that reads back whole; generation 0 (empty) when there is none. */
  const readLatest = async (): Promise<StoredInventory> => {
    const generations = await generationsOnDisk();
    for (const generation of generations) {
      const path = `${folder}/${inventoryFileName(generation)}`;
      const text = await files.exportFile(path);
      if (text === null) continue;
      const parsed = parseInventory(text, generation);
      if (parsed.ok) return parsed.stored;
      logger.warn({ path, reason: parsed.reason }, 'inventory generation skipped: it does not read back whole; using the one before');
    }
    if (generations.length > 0) {
      // Every generation is damaged: starting from nothing would forget what onboarder owns.
      throw new InventoryStoreError(`no generation of the inventory in ${folder} reads back whole; repair or remove the files to start afresh`);
    }
    return { generation: 0, inventory: EMPTY_INVENTORY };
  };

  const load = async (): Promise<Inventory> => {
    current ??= await readLatest();
    if (unsaved && highest !== unsaved.base) {
      logger.warn({ generation: highest }, 'an unsaved inventory change is dropped: another writer has written since');
      unsaved = undefined;
    }
    return unsaved ? applyChange(current.inventory, unsaved.change) : current.inventory;
  };

  const prune = async (latest: number): Promise<void> => {
    try {
      for (const generation of (await generationsOnDisk()).filter((g) => g <= latest - keep)) {
        await files.delete(`${folder}/${inventoryFileName(generation)}`);
      }
    } catch (error) {
      // Old generations are history, not state: failing to delete one is not worth failing the pass.
      logger.debug({ err: error }, 'old inventory generations not deleted');
    }
  };

  const save = async (next: Inventory, meta: { revision?: string } = {}): Promise<void> => {
    let base = current ?? (await readLatest());
    let wanted = normaliseInventory(next.objects);
    const delta = changeBetween(base.inventory, wanted);
    for (let attempt = 1; ; attempt++) {
      if (sameInventory(base.inventory, wanted)) {
        current = base;
        unsaved = undefined;
        return;
      }
      // After the highest generation on disk: a damaged newest one must not block every later write.
      const stored: StoredInventory = { generation: Math.max(base.generation, highest) + 1, inventory: wanted };
      const text = serialiseInventory(stored, { ...meta, writtenAt: clock() });
      try {
        await files.importFile({ path: `${folder}/${inventoryFileName(stored.generation)}`, content: text, overwrite: false });
        current = stored;
        unsaved = undefined;
        logger.info({ generation: stored.generation, objects: wanted.objects.length, folder }, 'inventory written');
        await prune(stored.generation);
        return;
      } catch (error) {
        current = undefined;
        // Kept against the generation it was made on, before the read below (which may fail too).
        unsaved = { change: delta, base: Math.max(base.generation, highest) };
        const theirs = await readLatest();
        // The answer was lost but the write happened: what is stored is ours.
        if (theirs.generation === stored.generation && sameInventory(theirs.inventory, wanted)) {
          current = theirs;
          unsaved = undefined;
          return;
        }
        if (!worthRetrying(error) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
        if (highest >= stored.generation) {
          logger.warn({ generation: stored.generation }, 'inventory generation written by another writer meanwhile; merging and writing the next');
        }
        base = theirs;
        wanted = applyChange(theirs.inventory, delta);
      }
    }
  };

  return { folder, load, save, invalidate: () => (current = undefined) };
}

/** Another writer took the generation (or the answer was lost), or the service failed: read again and retry. */
function worthRetrying(error: unknown): boolean {
  return mayAlreadyExist(error) || (error instanceof ApiError && (error.details.retryable || error.status >= 500));
}

interface InventoryChange {
  added: Inventory['objects'];
  removed: Set<string>;
}

function changeBetween(before: Inventory, after: Inventory): InventoryChange {
  const beforeKeys = new Set(before.objects.map(ownedKey));
  const afterKeys = new Set(after.objects.map(ownedKey));
  return {
    added: after.objects.filter((o) => !beforeKeys.has(ownedKey(o))),
    removed: new Set([...beforeKeys].filter((key) => !afterKeys.has(key))),
  };
}

/** Another writer's inventory with this pass's change on top: its additions kept, this pass's deletions applied. */
function applyChange(theirs: Inventory, change: InventoryChange): Inventory {
  return normaliseInventory([...theirs.objects.filter((o) => !change.removed.has(ownedKey(o))), ...change.added]);
}
