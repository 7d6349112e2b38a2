/**
 * `npm run docs:format`: rewrites the two files generated from the zod
 * schemas, the JSON Schema (schema/) and the format reference (docs/).
 * Tests fail while either is stale.
 */
import { writeFile } from 'node:fs/promises';
import { desiredStateJsonSchemaText } from '../src/desired/json-schema.js';
import { formatReferenceMarkdown } from '../src/desired/format-reference.js';

const outputs = [
  { file: new URL('../schema/onboarder-v1.schema.json', import.meta.url), text: desiredStateJsonSchemaText() },
  { file: new URL('../docs/format-reference.md', import.meta.url), text: formatReferenceMarkdown() },
];
for (const { file, text } of outputs) {
  await writeFile(file, text);
  console.log(`wrote ${file.pathname}`);
}
