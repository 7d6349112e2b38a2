import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formatReferenceMarkdown, kindReferences } from './format-reference.js';
import { desiredStateJsonSchema } from './json-schema.js';

const COMMITTED = new URL('../../docs/format-reference.md', import.meta.url);

/** Every `properties` entry anywhere in the schema, counted without the reference's walk. */
function countProperties(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, item) => sum + countProperties(item), 0);
  if (typeof node !== 'object' || node === null) return 0;
  return Object.entries(node).reduce((sum, [key, value]) => {
    const own = key === 'properties' && typeof value === 'object' && value !== null ? Object.keys(value).length : 0;
    return sum + own + countProperties(value);
  }, 0);
}

describe('the format reference', () => {
  it('is committed in docs/ exactly as generated (npm run docs:format rewrites it)', async () => {
    expect(await readFile(COMMITTED, 'utf8')).toBe(formatReferenceMarkdown());
  });

  it('lists every property of the JSON Schema, each with a description', () => {
    const kinds = kindReferences();
    expect(kinds.map((kind) => kind.kind)).toEqual(['Workspace', 'PersonaTemplate', 'Customer', 'Roster']);
    const fields = kinds.flatMap((kind) => kind.fields.map((field) => ({ ...field, kind: kind.kind })));
    expect(fields).toHaveLength(countProperties(desiredStateJsonSchema()));
    expect(fields.filter((field) => !field.description?.trim()).map((field) => `${field.kind} ${field.path}`)).toEqual([]);
  });

  it('renders nested lists and maps as paths, with type, required and default', () => {
    const customer = kindReferences().find((kind) => kind.kind === 'Customer');
    const field = (path: string) => customer?.fields.find((row) => row.path === path);
    expect(field('spec.workspaces')).toMatchObject({ type: 'list of string (at least 1)', required: true });
    expect(field('spec.warehouses[].autoStopMins')).toMatchObject({ type: 'integer (≥ 0)', required: false, default: 120 });
    expect(field('spec.personas.<name>.grants[].on.schema')).toMatchObject({ type: 'string', required: false });
    expect(field('spec.catalog.isolation')).toMatchObject({ type: 'one of `OPEN`, `ISOLATED`', default: 'OPEN' });
    const markdown = formatReferenceMarkdown();
    expect(markdown).toContain('| `spec.catalog.isolation` | one of `OPEN`, `ISOLATED` | no | `"OPEN"` |');
    // A placeholder in a description must not turn into an HTML tag.
    expect(markdown).toContain('Full name: &lt;catalog&gt;.&lt;schema&gt;');
  });
});
