/**
 * The inventory as it is stored: one JSON document per generation, with a
 * checksum over its content. A document that does not parse, fails its
 * schema or its checksum (a write cut short, a hand edit) is not an
 * inventory: the store falls back to the generation before it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { normaliseInventory, OWNED_KINDS, type Inventory, type OwnedObject } from '../domain/inventory.js';

export const INVENTORY_FILE = /^inventory-(\d{10})\.json$/;

export function inventoryFileName(generation: number): string {
  return `inventory-${String(generation).padStart(10, '0')}.json`;
}

const ownedObject = z.strictObject({
  kind: z.enum(OWNED_KINDS),
  name: z.string().min(1),
  customer: z.string().min(1),
  workspace: z.string().min(1).optional(),
  recordedAt: z.iso.datetime().optional(),
});

const documentSchema = z.strictObject({
  apiVersion: z.literal('onboarder/v1'),
  kind: z.literal('Inventory'),
  generation: z.number().int().positive(),
  /** The desired-state revision the pass applied. */
  revision: z.string().optional(),
  writtenAt: z.string(),
  objects: z.array(ownedObject),
  checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});

export interface StoredInventory {
  generation: number;
  inventory: Inventory;
}

function checksum(generation: number, inventory: Inventory): string {
  const canonical = inventory.objects.map((o) => [o.kind, o.name, o.customer, o.workspace ?? null, o.recordedAt ?? null]);
  return `sha256:${createHash('sha256').update(JSON.stringify({ generation, objects: canonical })).digest('hex')}`;
}

export function serialiseInventory(stored: StoredInventory, meta: { revision?: string; writtenAt: Date }): string {
  const inventory = normaliseInventory(stored.inventory.objects);
  const document = {
    apiVersion: 'onboarder/v1',
    kind: 'Inventory',
    generation: stored.generation,
    ...(meta.revision ? { revision: meta.revision } : {}),
    writtenAt: meta.writtenAt.toISOString(),
    objects: inventory.objects.map(storedObject),
    checksum: checksum(stored.generation, inventory),
  };
  return `${JSON.stringify(document, null, 1)}\n`;
}

/** The stored inventory, or why this text is not one. */
export function parseInventory(text: string, expectedGeneration: number): { ok: true; stored: StoredInventory } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON (a write cut short?)' };
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `not an inventory document: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}` };
  const { generation, objects } = parsed.data;
  if (generation !== expectedGeneration) return { ok: false, reason: `holds generation ${generation}, its name says ${expectedGeneration}` };
  const inventory: Inventory = { objects: objects.map(storedObject) };
  if (checksum(generation, inventory) !== parsed.data.checksum) return { ok: false, reason: 'checksum mismatch (edited or damaged)' };
  return { ok: true, stored: { generation, inventory } };
}

/** The fields of an owned object, in one order, without absent ones. */
function storedObject(o: OwnedObject | z.infer<typeof ownedObject>): OwnedObject {
  return {
    kind: o.kind,
    name: o.name,
    customer: o.customer,
    ...(o.workspace ? { workspace: o.workspace } : {}),
    ...(o.recordedAt ? { recordedAt: o.recordedAt } : {}),
  };
}
