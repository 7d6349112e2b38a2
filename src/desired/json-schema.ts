/**
 * The JSON Schema of one desired-state document, for editors
 * (yaml-language-server modelines) and CI linters. Generated from the same
 * zod schemas the loader uses, so the two cannot disagree; a test keeps the
 * committed copy in schema/ in step.
 */
import { z } from 'zod';
import { anyDocument } from './schema.js';

export const SCHEMA_ID = 'https://onboarder.dev/schema/onboarder-v1.schema.json';

export function desiredStateJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(anyDocument, { target: 'draft-2020-12', unrepresentable: 'any' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: SCHEMA_ID,
    title: 'onboarder desired-state document (onboarder/v1)',
    description:
      'One YAML document of an onboarder desired-state folder: a Workspace, PersonaTemplate, Customer or Roster, ' +
      'selected by `kind`. Cross-file rules (references, name collisions, protected groups) are checked by `onboarder validate`.',
    ...rest,
  };
}

/** The committed file's exact text: pretty JSON with a trailing newline. */
export function desiredStateJsonSchemaText(): string {
  return `${JSON.stringify(desiredStateJsonSchema(), null, 2)}\n`;
}
