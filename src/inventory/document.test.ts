import { describe, expect, it } from 'vitest';
import { normaliseInventory, type Inventory } from '../domain/inventory.js';
import { INVENTORY_FILE, inventoryFileName, parseInventory, serialiseInventory } from './document.js';

const INVENTORY: Inventory = {
  objects: [
    { kind: 'warehouse', name: 'customer-acme-bi', customer: 'acme', workspace: 'prod' },
    { kind: 'group', name: 'customer-acme-analysts', customer: 'acme' },
    { kind: 'schema', name: 'customer_acme.sales', customer: 'acme', workspace: 'prod' },
    { kind: 'notebook', name: '/Workspace/Customers/Acme/Getting Started', customer: 'acme', workspace: 'prod' },
    { kind: 'catalog', name: 'customer_globex', customer: 'globex', workspace: 'prod' },
  ],
};
const WRITTEN_AT = new Date('2025-01-02T03:04:05.000Z');
const text = (generation = 3, inventory = INVENTORY) => serialiseInventory({ generation, inventory }, { revision: 'abc123', writtenAt: WRITTEN_AT });

/** The serialised document with `change` applied to its JSON, written back the same way. */
function edited(change: (document: Record<string, unknown>) => void, generation = 3): string {
  const document = JSON.parse(text(generation)) as Record<string, unknown>;
  change(document);
  const result = `${JSON.stringify(document, null, 1)}\n`;
  expect(result, 'the edit changes the document').not.toBe(text(generation));
  return result;
}
const reasonOf = (result: ReturnType<typeof parseInventory>) => (result.ok ? 'parsed' : result.reason);

// Promise: what is written reads back as the same inventory, in normal form, with its generation.
describe('inventory document round trip', () => {
  it('parses what it serialised back to the same (normalised) inventory', () => {
    const parsed = parseInventory(text(), 3);
    expect(parsed).toEqual({ ok: true, stored: { generation: 3, inventory: normaliseInventory(INVENTORY.objects) } });
  });

  it('writes the same text for the same inventory in any order, and again after a round trip', () => {
    const reversed = { objects: [...INVENTORY.objects].reverse() };
    expect(text(3, reversed)).toBe(text());
    const parsed = parseInventory(text(), 3);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(text(3, parsed.stored.inventory)).toBe(text());
  });

  it('records its header, revision and time, and omits an absent workspace', () => {
    const document = JSON.parse(text()) as Record<string, unknown>;
    expect(document).toMatchObject({ apiVersion: 'onboarder/v1', kind: 'Inventory', generation: 3, revision: 'abc123', writtenAt: '2025-01-02T03:04:05.000Z' });
    expect(document.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((document.objects as object[]).find((o) => 'kind' in o && o.kind === 'group')).toEqual({
      kind: 'group',
      name: 'customer-acme-analysts',
      customer: 'acme',
    });
    expect(JSON.parse(serialiseInventory({ generation: 1, inventory: INVENTORY }, { writtenAt: WRITTEN_AT }))).not.toHaveProperty('revision');
  });

  it('round-trips an empty inventory', () => {
    expect(parseInventory(text(1, { objects: [] }), 1)).toEqual({ ok: true, stored: { generation: 1, inventory: { objects: [] } } });
  });
});

// Promise: a damaged, edited or misplaced document is never taken for an inventory, and says why.
describe('inventory document rejection', () => {
  it('rejects a write cut short', () => {
    const whole = text();
    for (const cut of [0, 1, Math.floor(whole.length / 2), whole.length - 3]) {
      expect(reasonOf(parseInventory(whole.slice(0, cut), 3))).toMatch(/^not valid JSON/);
    }
  });

  it('rejects a name changed by one character: checksum mismatch', () => {
    const tampered = text().replace('customer-acme-analysts', 'customer-acme-analysta');
    expect(tampered).not.toBe(text());
    expect(reasonOf(parseInventory(tampered, 3))).toBe('checksum mismatch (edited or damaged)');
  });

  it('rejects an object dropped, added, or handed to another customer', () => {
    expect(reasonOf(parseInventory(edited((d) => (d.objects as unknown[]).pop()), 3))).toMatch(/^checksum mismatch/);
    const extra = { kind: 'group', name: 'customer-mallory-admins', customer: 'mallory' };
    expect(reasonOf(parseInventory(edited((d) => (d.objects as unknown[]).push(extra)), 3))).toMatch(/^checksum mismatch/);
    const moved = edited((d) => ((d.objects as { customer: string }[])[0]!.customer = 'initech'));
    expect(reasonOf(parseInventory(moved, 3))).toMatch(/^checksum mismatch/);
  });

  it('rejects a document whose generation is not the one its file name says', () => {
    expect(reasonOf(parseInventory(text(3), 4))).toBe('holds generation 3, its name says 4');
  });

  it('rejects a generation edited to match the file name: the checksum covers it', () => {
    expect(reasonOf(parseInventory(edited((d) => (d.generation = 4)), 4))).toMatch(/^checksum mismatch/);
  });

  it.each<[string, (d: Record<string, unknown>) => void]>([
    ['an unknown top-level key', (d) => (d.owner = 'mallory')],
    ['an unknown key in an object', (d) => ((d.objects as Record<string, unknown>[])[0]!.force = true)],
    ['an unknown kind', (d) => ((d.objects as Record<string, unknown>[])[0]!.kind = 'job')],
    ['an empty name', (d) => ((d.objects as Record<string, unknown>[])[0]!.name = '')],
    ['another apiVersion', (d) => (d.apiVersion = 'onboarder/v2')],
    ['a malformed checksum', (d) => (d.checksum = 'md5:abc')],
    ['a missing checksum', (d) => delete d.checksum],
    ['generation 0', (d) => (d.generation = 0)],
  ])('rejects %s as not an inventory document', (_, change) => {
    expect(reasonOf(parseInventory(edited(change), 3))).toMatch(/^not an inventory document: /);
  });

  it('rejects JSON that is not an object', () => {
    expect(reasonOf(parseInventory('[]', 3))).toMatch(/^not an inventory document/);
    expect(reasonOf(parseInventory('null', 3))).toMatch(/^not an inventory document/);
  });
});

// Promise: generation file names are fixed-width, so they sort in generation order, and INVENTORY_FILE reads them back.
describe('inventory file names', () => {
  it('pads the generation to ten digits', () => {
    expect(inventoryFileName(7)).toBe('inventory-0000000007.json');
    expect(inventoryFileName(1234567890)).toBe('inventory-1234567890.json');
  });

  it('matches INVENTORY_FILE, which gives the generation back', () => {
    const match = INVENTORY_FILE.exec(inventoryFileName(7));
    expect(match?.[1]).toBe('0000000007');
    expect(Number(match?.[1])).toBe(7);
  });

  it('sorts as text in generation order', () => {
    const names = [10, 9, 100, 1].map(inventoryFileName);
    expect([...names].sort()).toEqual([1, 9, 10, 100].map(inventoryFileName));
  });

  it.each(['inventory-7.json', 'inventory-0000000007.json.tmp', 'x-inventory-0000000007.json', 'inventory-000000000a.json'])('does not match %s', (name) => {
    expect(INVENTORY_FILE.test(name)).toBe(false);
  });
});
