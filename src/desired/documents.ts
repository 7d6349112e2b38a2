/**
 * Per-document validation: envelope first (apiVersion, kind), then the
 * kind's strict schema. zod's issues are rewritten into located messages a
 * person editing YAML understands ("unknown key", "missing required key").
 */
import type { z } from 'zod';
import { formatPath, type DesiredStateIssue } from '../domain/errors.js';
import { ISSUE_CODES, type IssueCode } from '../domain/issue-codes.js';
import { API_VERSION, documentSchemas, KINDS, type Kind, type SpecOf } from './schema.js';
import { issueAtPath, type DocumentPath, type ParsedDocument } from './parse.js';

/** A document that passed its kind's schema. */
export interface ValidDocument<K extends Kind = Kind> {
  kind: K;
  name: string;
  spec: SpecOf[K];
  parsed: ParsedDocument;
}
export type AnyValidDocument = { [K in Kind]: ValidDocument<K> }[Kind];

/** `Kind/name` of documents that exist but failed their schema: references to them are not reported again. */
export type RejectedNames = ReadonlySet<string>;

export function rejectedKey(kind: Kind, name: string): string {
  return `${kind}/${name}`;
}

export function validateDocuments(parsed: readonly ParsedDocument[]): {
  documents: AnyValidDocument[];
  rejected: Set<string>;
  issues: DesiredStateIssue[];
} {
  const documents: AnyValidDocument[] = [];
  const rejected = new Set<string>();
  const issues: DesiredStateIssue[] = [];
  for (const document of parsed) {
    const result = validateDocument(document);
    if ('document' in result) {
      documents.push(result.document);
      continue;
    }
    issues.push(...result.issues);
    const { data } = document;
    const name = isRecord(data) && isRecord(data['metadata']) ? data['metadata']['name'] : undefined;
    if (isRecord(data) && isKind(data['kind']) && typeof name === 'string') rejected.add(rejectedKey(data['kind'], name));
  }
  return { documents, rejected, issues };
}

function validateDocument(document: ParsedDocument): { document: AnyValidDocument } | { issues: DesiredStateIssue[] } {
  const data = document.data;
  if (!isRecord(data)) {
    return { issues: [issueAtPath(document, [], 'WRONG_TYPE', 'a document must be a mapping with apiVersion, kind, metadata and spec')] };
  }
  if (data['apiVersion'] !== API_VERSION) {
    if (data['apiVersion'] === undefined) {
      return { issues: [issueAtPath(document, ['apiVersion'], 'MISSING_FIELD', `missing required key "apiVersion" (expected ${API_VERSION})`)] };
    }
    const message = `unsupported apiVersion ${JSON.stringify(data['apiVersion'])}; expected ${API_VERSION}`;
    return { issues: [issueAtPath(document, ['apiVersion'], 'UNSUPPORTED_API_VERSION', message)] };
  }
  const kind = data['kind'];
  if (!isKind(kind)) {
    if (kind === undefined) {
      return { issues: [issueAtPath(document, ['kind'], 'MISSING_FIELD', `missing required key "kind" (one of ${KINDS.join(', ')})`)] };
    }
    const message = `unknown kind ${JSON.stringify(kind)}; expected one of ${KINDS.join(', ')}`;
    return { issues: [issueAtPath(document, ['kind'], 'UNKNOWN_KIND', message)] };
  }
  const result = documentSchemas[kind].safeParse(data);
  if (!result.success) {
    return { issues: result.error.issues.flatMap((issue) => describeZodIssue(document, issue)) };
  }
  const valid = { kind, name: result.data.metadata.name, spec: result.data.spec, parsed: document };
  return { document: valid as AnyValidDocument };
}

function describeZodIssue(document: ParsedDocument, issue: z.core.$ZodIssue): DesiredStateIssue[] {
  const issuePath = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const at = (code: IssueCode, message: string, key = false, documentPath: DocumentPath = issuePath) => [
    issueAtPath(document, documentPath, code, message, key),
  ];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.flatMap((key) => at('UNKNOWN_FIELD', `unknown key "${key}"`, true, [...issuePath, key]));
    case 'invalid_type': {
      const parent = valueAt(document.data, issuePath.slice(0, -1));
      const last = issuePath[issuePath.length - 1];
      if (last !== undefined && isRecord(parent) && !(String(last) in parent)) {
        // Point at the enclosing key: the missing one has no position.
        const located = issueAtPath(document, issuePath.slice(0, -1), 'MISSING_FIELD', `missing required key "${String(last)}"`, true);
        return [{ ...located, path: formatPath(issuePath) }];
      }
      const actual = describeValue(valueAt(document.data, issuePath));
      const hint = issue.expected === 'string' && /^(number|boolean)$/.test(actual) ? ' (quote the value)' : '';
      return at('WRONG_TYPE', `expected ${issue.expected}, got ${actual}${hint}`);
    }
    case 'invalid_value': {
      const actual = valueAt(document.data, issuePath);
      const allowed = issue.values.map(String).join(', ');
      return at('INVALID_VALUE', `${JSON.stringify(actual)} is not one of: ${allowed}`);
    }
    case 'invalid_key':
      return at('INVALID_VALUE', `invalid key: ${issue.issues.map((inner) => inner.message).join('; ')}`, true);
    case 'too_small':
      return at(
        'INVALID_VALUE',
        issue.origin === 'array' ? `must have at least ${String(issue.minimum)} item(s)` : sizeMessage('at least', issue),
      );
    case 'too_big':
      return at('INVALID_VALUE', issue.origin === 'array' ? `must have at most ${String(issue.maximum)} items` : sizeMessage('at most', issue));
    case 'invalid_union':
      return at('INVALID_VALUE', issue.message === 'Invalid input' ? 'does not match any allowed form' : issue.message);
    case 'custom':
      return at(customIssueCode(issue), issue.message);
    default:
      return at('INVALID_VALUE', issue.message);
  }
}

/**
 * A refinement names its rule in `params.issueCode` when it is not a plain
 * value check (a service limit); any other is an invalid value.
 */
function customIssueCode(issue: z.core.$ZodIssueCustom): IssueCode {
  const named: unknown = issue.params?.['issueCode'];
  return (ISSUE_CODES as readonly unknown[]).includes(named) ? (named as IssueCode) : 'INVALID_VALUE';
}

function sizeMessage(bound: string, issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const limit = 'minimum' in issue ? issue.minimum : issue.maximum;
  return issue.origin === 'string' ? `must be ${bound} ${String(limit)} characters long` : `must be ${bound} ${String(limit)}`;
}

function valueAt(data: unknown, documentPath: DocumentPath): unknown {
  let value = data;
  for (const segment of documentPath) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isRecord(value)) value = value[String(segment)];
    else return undefined;
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
