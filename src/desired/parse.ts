/**
 * YAML with positions. Every later stage reports problems by document path;
 * this module turns such a path back into file:line:column, so a message
 * points at the exact key or value that is wrong.
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { SourceLocation } from '../domain/desired.js';
import type { DesiredStateIssue } from '../domain/errors.js';
import { formatPath } from '../domain/errors.js';
import type { IssueCode } from '../domain/issue-codes.js';

export type DocumentPath = readonly (string | number)[];

/** One YAML document, its data and a way back from a path to its position. */
export interface ParsedDocument {
  file: string;
  /** 0-based position of the document in its file (files may hold several, separated by `---`). */
  index: number;
  data: unknown;
  /** Location of the deepest node along `path`; with `key`, of the last segment's key rather than its value. */
  locate(path: DocumentPath, options?: { key?: boolean }): SourceLocation;
  /** The source text of a scalar as written (`1234567890123456789`, not the rounded JS number). */
  scalarSource(path: DocumentPath): string | undefined;
}

export interface ParsedFiles {
  documents: ParsedDocument[];
  issues: DesiredStateIssue[];
}

/** Parses every document of every file; syntax errors become located issues. */
export function parseYamlFiles(files: ReadonlyMap<string, string>): ParsedFiles {
  const documents: ParsedDocument[] = [];
  const issues: DesiredStateIssue[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => compareStrings(a, b))) {
    const lineCounter = new LineCounter();
    const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const fileDocuments = Array.isArray(parsed) ? parsed : [];
    fileDocuments.forEach((document, index) => {
      if (document.errors.length > 0) {
        for (const error of document.errors) {
          const { line, col } = lineCounter.linePos(error.pos[0]);
          issues.push({ file, line, column: col, path: '', code: 'YAML_SYNTAX', message: `YAML syntax error: ${error.message}` });
        }
        return;
      }
      // A warning means the data is not what the text says (an unknown tag such as `!!js/function` becomes a
      // plain string), so it is an error like any other.
      if (document.warnings.length > 0) {
        for (const warning of document.warnings) {
          const { line, col } = lineCounter.linePos(warning.pos[0]);
          issues.push({ file, line, column: col, path: '', code: 'YAML_WARNING', message: `YAML error: ${warning.message}` });
        }
        return;
      }
      const reservedKeys = findReservedKeys(document.contents, []);
      if (reservedKeys.length > 0) {
        for (const { keyPath, offset } of reservedKeys) {
          const { line, col } = lineCounter.linePos(offset);
          const message = `key "${String(keyPath[keyPath.length - 1])}" is not allowed (it names a JavaScript object's internals)`;
          issues.push({ file, line, column: col, path: formatPath(keyPath), code: 'PROTOTYPE_KEY', message });
        }
        return;
      }
      let data: unknown;
      try {
        data = document.toJS({ maxAliasCount: 100 });
      } catch (error) {
        // An alias "billion laughs" expansion, for one; the document is unusable either way.
        const { line, col } = lineCounter.linePos(document.range[0]);
        issues.push({ file, line, column: col, path: '', code: 'YAML_ALIAS', message: `YAML error: ${(error as Error).message}` });
        return;
      }
      // A document of comments only (a modeline, a trailing `---`) declares nothing.
      if (data === null || data === undefined) return;
      documents.push({
        file,
        index,
        data,
        locate: (documentPath, options) => locateInDocument(file, document, lineCounter, documentPath, options?.key ?? false),
        scalarSource: (documentPath) => {
          const node = document.getIn(documentPath, true);
          return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
        },
      });
    });
  }
  return { documents, issues };
}

/**
 * `__proto__`, `constructor` and `prototype` as map keys. yaml keeps
 * `__proto__` as an own property, but any later copy by assignment (a schema
 * parser building its output, a spread into a record) would set the copy's
 * prototype instead and lose the key: refused here, before any copy is made.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function findReservedKeys(node: unknown, nodePath: DocumentPath): { keyPath: DocumentPath; offset: number }[] {
  if (isMap(node)) {
    return node.items.flatMap((pair) => {
      if (!isScalar(pair.key)) return [];
      const key = String(pair.key.value);
      if (RESERVED_KEYS.has(key)) return [{ keyPath: [...nodePath, key], offset: pair.key.range?.[0] ?? 0 }];
      return findReservedKeys(pair.value, [...nodePath, key]);
    });
  }
  if (isSeq(node)) return node.items.flatMap((item, index) => findReservedKeys(item, [...nodePath, index]));
  return [];
}

function locateInDocument(
  file: string,
  document: Document,
  lineCounter: LineCounter,
  documentPath: DocumentPath,
  pointAtKey: boolean,
): SourceLocation {
  let node: Node | null = document.contents;
  let offset = node?.range?.[0] ?? 0;
  for (const [depth, segment] of documentPath.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const valueNode = isNode(pair.value) ? pair.value : undefined;
      const valueRange = valueNode?.range ?? undefined;
      // An empty value (`key:`) has no position of its own; its key is the next best place.
      const valueIsEmpty = valueRange === undefined || valueRange[0] === valueRange[1];
      if ((pointAtKey && depth === documentPath.length - 1) || valueNode === undefined || valueIsEmpty) {
        offset = (pair.key as Node).range?.[0] ?? offset;
        break;
      }
      node = valueNode;
      offset = valueRange[0];
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!isNode(item) || !item.range) break;
      node = item;
      offset = item.range[0];
    } else {
      break;
    }
  }
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col, path: [...documentPath] };
}

/** Code-unit order, never locale order: output must not depend on the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function issueAtPath(
  document: ParsedDocument,
  documentPath: DocumentPath,
  code: IssueCode,
  message: string,
  key = false,
): DesiredStateIssue {
  const { file, line, column } = document.locate(documentPath, { key });
  return { file, line, column, path: formatPath(documentPath), code, message };
}
