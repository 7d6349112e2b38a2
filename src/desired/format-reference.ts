/**
 * The format reference (docs/format-reference.md), rendered from the JSON
 * Schema rather than written by hand: the schema is what the loader enforces,
 * so a field added to the zod schemas shows up here, with its description,
 * the next time `npm run docs:format` runs (a test fails until it does).
 */
import { desiredStateJsonSchema } from './json-schema.js';

/** The part of JSON Schema (draft 2020-12) that z.toJSONSchema emits for our schemas. */
interface JsonSchemaNode {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  items?: JsonSchemaNode;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: boolean | JsonSchemaNode;
  required?: string[];
  description?: string;
  default?: unknown;
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
}

export interface FieldRow {
  /** Dotted path inside the document: `spec.catalog.schemas[].name`, `spec.personas.<name>.template`. */
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

export interface KindReference {
  kind: string;
  description: string;
  fields: FieldRow[];
}

/** Larger than any real bound: zod writes Number.MAX_SAFE_INTEGER as the maximum of every int. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** One row per property, depth first, through arrays (`[]`) and maps (`<name>`). */
export function kindReferences(schema: Record<string, unknown> = desiredStateJsonSchema()): KindReference[] {
  const documents = (schema as JsonSchemaNode).oneOf ?? [];
  return documents.map((document) => ({
    kind: String(document.properties?.['kind']?.const),
    description: document.description ?? '',
    fields: fieldsOf(document, ''),
  }));
}

function fieldsOf(node: JsonSchemaNode, path: string): FieldRow[] {
  const inside = objectBelow(node, path);
  if (!inside) return [];
  const required = new Set(inside.object.required ?? []);
  return Object.entries(inside.object.properties ?? {}).flatMap(([key, child]) => {
    const childPath = inside.path === '' ? key : `${inside.path}.${key}`;
    const row: FieldRow = { path: childPath, type: typeOf(child), required: required.has(key) };
    if (child.default !== undefined) row.default = child.default;
    if (child.description !== undefined) row.description = child.description;
    return [row, ...fieldsOf(child, childPath)];
  });
}

/** The object whose properties continue the path below `node`, through list items and map values. */
function objectBelow(node: JsonSchemaNode, path: string): { object: JsonSchemaNode; path: string } | undefined {
  if (node.properties) return { object: node, path };
  if (node.items) return objectBelow(node.items, `${path}[]`);
  if (typeof node.additionalProperties === 'object') return objectBelow(node.additionalProperties, `${path}.<name>`);
  return undefined;
}

function typeOf(node: JsonSchemaNode): string {
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return `one of ${node.enum.map((value) => `\`${String(value)}\``).join(', ')}`;
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  // A rule object keeps unknown keys (additionalProperties: {}), yet it is an object, not a map.
  if (node.properties) return 'object';
  if (node.items) return `list of ${typeOf(node.items)}${node.minItems ? ` (at least ${node.minItems})` : ''}`;
  if (typeof node.additionalProperties === 'object') return `map of ${typeOf(node.additionalProperties)}`;
  const type = Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
  return `${type}${constraintsOf(node)}`;
}

function constraintsOf(node: JsonSchemaNode): string {
  const notes: string[] = [];
  if (node.format === 'uri') notes.push('URL');
  if (node.format === 'uuid') notes.push('UUID');
  if (node.maxLength !== undefined) notes.push(`at most ${node.maxLength} characters`);
  if (node.minimum !== undefined && node.maximum !== undefined && node.maximum < UNBOUNDED) notes.push(`${node.minimum}–${node.maximum}`);
  else if (node.minimum !== undefined) notes.push(`≥ ${node.minimum}`);
  return notes.length === 0 ? '' : ` (${notes.join(', ')})`;
}

/** The committed docs/format-reference.md, exactly. */
export function formatReferenceMarkdown(schema: Record<string, unknown> = desiredStateJsonSchema()): string {
  const kinds = kindReferences(schema);
  const lines = [
    '# Desired-state format reference (onboarder/v1)',
    '',
    '<!-- Generated from schema/onboarder-v1.schema.json by `npm run docs:format`; edit the descriptions in src/desired/schema.ts, not this file. -->',
    '',
    'Every YAML document of the desired-state folder is one object: `apiVersion`, `kind`, `metadata.name` and `spec`.',
    'Unknown keys are errors. `[]` stands for every item of a list, `<name>` for every key of a map.',
    'The rules that span files (references, name collisions, protected groups, service limits) are in the',
    "[README](../README.md#format-reference); `onboarder validate` checks them all.",
    '',
    ...kinds.map((kind) => `- [${kind.kind}](#${kind.kind.toLowerCase()}): ${escapeCell(kind.description)}`),
  ];
  for (const kind of kinds) {
    lines.push('', `## ${kind.kind}`, '', escapeCell(kind.description), '');
    lines.push('| field | type | required | default | description |', '| --- | --- | --- | --- | --- |');
    for (const field of kind.fields) {
      const defaultText = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
      lines.push(
        `| \`${field.path}\` | ${escapeCell(field.type)} | ${field.required ? 'yes' : 'no'} | ${defaultText} | ${escapeCell(field.description ?? '')} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Table cells: a `|` would end the cell, and `<catalog>` would be read as an HTML tag. */
function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
