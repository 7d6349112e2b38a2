import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { desiredStateJsonSchema, desiredStateJsonSchemaText } from './json-schema.js';

const COMMITTED = fileURLToPath(new URL('../../schema/onboarder-v1.schema.json', import.meta.url));

describe('the JSON Schema', () => {
  it('is committed in schema/ exactly as generated (UPDATE_SCHEMA=1 rewrites it)', async () => {
    if (process.env['UPDATE_SCHEMA'] === '1') await writeFile(COMMITTED, desiredStateJsonSchemaText());
    expect(await readFile(COMMITTED, 'utf8')).toBe(desiredStateJsonSchemaText());
  });

  it('describes one document of any of the four kinds, as draft 2020-12', () => {
    const schema = desiredStateJsonSchema() as { $schema: string; $id: string; oneOf: { properties: { kind: { const: string } } }[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/onboarder-v1\.schema\.json$/);
    expect(schema.oneOf.map((branch) => branch.properties.kind.const)).toEqual(['Workspace', 'PersonaTemplate', 'Customer', 'Roster']);
    expect(JSON.stringify(schema)).toContain('"additionalProperties":false');
  });
});
