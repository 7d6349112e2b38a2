// The inventory store against the simulator's workspace files over real HTTP:
// versioned, never half-written, safe with a concurrent writer.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { useWorkspaceSim, WORKSPACE_ID } from '../../test/support/workspace-sim.js';
import type { Inventory, OwnedObject } from '../domain/inventory.js';
import { WorkspaceObjects } from '../live/workspace-objects.js';
import { inventoryFileName } from './document.js';
import { createInventoryStore } from './store.js';

const ws = useWorkspaceSim();
const FOLDER = '/Users/onboarder@example.com/.onboarder/inventory';
const logger = pino({ level: 'silent' });

const group = (name: string, customer = 'acme'): OwnedObject => ({ kind: 'group', name, customer });
const inventoryOf = (...objects: OwnedObject[]): Inventory => ({ objects });
const names = (inventory: Inventory) => inventory.objects.map((o) => o.name);
const store = (keep?: number) =>
  createInventoryStore({ files: new WorkspaceObjects(ws.options), folder: FOLDER, logger, ...(keep ? { keep } : {}) });
const generations = () =>
  ws.sim.state.assets
    .tree(WORKSPACE_ID)
    .list(FOLDER)
    .map((o) => o.path.slice(FOLDER.length + 1))
    .sort();

describe('the inventory store', () => {
  it('starts empty, writes a generation per change, and a new store reads the latest', async () => {
    const first = store();
    expect(await first.load()).toEqual({ objects: [] });
    await first.save(inventoryOf(group('customer-acme-b'), group('customer-acme-a')));
    await first.save(inventoryOf(group('customer-acme-a')));
    expect(generations()).toEqual([inventoryFileName(1), inventoryFileName(2)]);
    expect(ws.sim.state.workspaceObject(WORKSPACE_ID, `${FOLDER}/${inventoryFileName(2)}`)).toMatchObject({ objectType: 'FILE' });
    expect(names(await store().load())).toEqual(['customer-acme-a']);
  });

  it('writes nothing when the inventory did not change', async () => {
    const s = store();
    await s.save(inventoryOf(group('a')));
    ws.sim.clearRequests();
    await s.save(inventoryOf(group('a')));
    expect(ws.sim.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('falls back to the generation before one that does not read back whole', async () => {
    const s = store();
    await s.save(inventoryOf(group('a')));
    await s.save(inventoryOf(group('a'), group('b')));
    // A hand edit (or a cut-short write) of the newest generation: its checksum no longer holds.
    const newest = ws.sim.state.workspaceObject(WORKSPACE_ID, `${FOLDER}/${inventoryFileName(2)}`)!;
    newest.content = newest.content!.replace('"b"', '"mallory"');
    expect(names(await store().load())).toEqual(['a']);
    newest.content = newest.content!.slice(0, 40);
    expect(names(await store().load())).toEqual(['a']);
  });

  it('writes the generation after a damaged newest one, not over it', async () => {
    await store().save(inventoryOf(group('a')));
    await store().save(inventoryOf(group('a'), group('b')));
    ws.sim.state.workspaceObject(WORKSPACE_ID, `${FOLDER}/${inventoryFileName(2)}`)!.content = '{"trunc';
    const s = store();
    expect(names(await s.load())).toEqual(['a']);
    await s.save(inventoryOf(group('a'), group('c')));
    expect(generations()).toEqual([1, 2, 3].map(inventoryFileName));
    expect(names(await store().load())).toEqual(['a', 'c']);
  });

  it("keeps a failed write's change for the next load, unless another writer wrote since", async () => {
    const mine = store();
    await mine.save(inventoryOf(group('a')));
    ws.sim.faults.failNext(3, { status: 500, method: 'POST', pathIncludes: '/workspace/import' });
    await expect(mine.save(inventoryOf(group('a'), group('made')))).rejects.toThrow(/500/);
    mine.invalidate();
    expect(names(await mine.load())).toEqual(['a', 'made']);
    // Another leader writes meanwhile: the stale change must not be laid over its inventory.
    await store().save(inventoryOf(group('theirs')));
    mine.invalidate();
    expect(names(await mine.load())).toEqual(['theirs']);
  });

  it('refuses to start from nothing when no generation reads back whole', async () => {
    await store().save(inventoryOf(group('a')));
    ws.sim.state.workspaceObject(WORKSPACE_ID, `${FOLDER}/${inventoryFileName(1)}`)!.content = '{"trunc';
    await expect(store().load()).rejects.toThrow(/no generation of the inventory .* reads back whole/);
  });

  it('merges with a concurrent writer instead of overwriting it', async () => {
    const mine = store();
    const theirs = store();
    await mine.save(inventoryOf(group('shared')));
    expect(names(await theirs.load())).toEqual(['shared']);
    await mine.load();
    // Both read generation 1; the other writer wins generation 2 with "theirs".
    await theirs.save(inventoryOf(group('shared'), group('theirs')));
    // Mine adds "mine" and drops "shared": on top of the winner's inventory, as generation 3.
    await mine.save(inventoryOf(group('mine')));
    expect(generations()).toEqual([1, 2, 3].map(inventoryFileName));
    expect(names(await store().load())).toEqual(['mine', 'theirs']);
  });

  it('a write whose answer was lost is recognised as done, not written twice', async () => {
    const s = store();
    ws.sim.state.assets.tree(WORKSPACE_ID).mkdirs(FOLDER);
    ws.sim.faults.dropNext(1, { method: 'POST', pathIncludes: '/workspace/import', afterHandling: true });
    await s.save(inventoryOf(group('a')));
    expect(ws.sim.requests.some((r) => r.path.endsWith('/workspace/import') && r.status === 0)).toBe(true);
    expect(generations()).toEqual([inventoryFileName(1)]);
    expect(names(await store().load())).toEqual(['a']);
  });

  it('keeps the last generations only', async () => {
    const s = store(2);
    for (const name of ['a', 'b', 'c', 'd']) await s.save(inventoryOf(group(name)));
    expect(generations()).toEqual([3, 4].map(inventoryFileName));
  });
});
