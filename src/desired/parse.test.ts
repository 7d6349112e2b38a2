import { describe, expect, it } from 'vitest';
import { parseYamlFiles } from './parse.js';

const text = `apiVersion: onboarder/v1
kind: Roster
metadata: { name: acme }
spec:
  users:
    - userName: jane@acme.com
      personas: [analysts, engineers]
      empty:
`;

describe('parseYamlFiles', () => {
  const { documents, issues } = parseYamlFiles(new Map([['roster.yaml', text]]));
  const [document] = documents;

  it('parses every document and keeps a way back to positions', () => {
    expect(issues).toEqual([]);
    expect(documents).toHaveLength(1);
    expect(document?.locate(['spec', 'users', 0, 'personas', 1])).toEqual({
      file: 'roster.yaml',
      line: 7,
      column: 28,
      path: ['spec', 'users', 0, 'personas', 1],
    });
  });

  it('points at a key itself when asked, and at the deepest existing node for a missing one', () => {
    expect(document?.locate(['spec', 'users', 0, 'personas'], { key: true })).toMatchObject({ line: 7, column: 7 });
    expect(document?.locate(['spec', 'users', 0, 'nope', 3])).toMatchObject({ line: 6, column: 7 });
    expect(document?.locate(['spec', 'users', 4])).toMatchObject({ line: 6, column: 5 });
    // An empty value has no position of its own: its key stands in.
    expect(document?.locate(['spec', 'users', 0, 'empty'])).toMatchObject({ line: 8, column: 7 });
  });

  it('keeps the source text of scalars', () => {
    const [workspace] = parseYamlFiles(new Map([['w.yaml', 'spec: { workspaceId: 12345678901234567890 }\n']])).documents;
    expect(workspace?.scalarSource(['spec', 'workspaceId'])).toBe('12345678901234567890');
  });

  it('reports every syntax error of a file with its position, and keeps the valid documents around it', () => {
    const result = parseYamlFiles(new Map([['multi.yaml', 'a: 1\n---\nb: [1\nc: 2\n---\nd: 4\nd: 5\n---\ne: 5\n']]));
    expect(result.issues.map(({ file, line, column }) => `${file}:${line}:${column}`)).toEqual(['multi.yaml:4:1', 'multi.yaml:7:1']);
    expect(result.issues[1]?.message).toBe('YAML syntax error: Map keys must be unique');
    expect(result.issues.map((issue) => issue.code)).toEqual(['YAML_SYNTAX', 'YAML_SYNTAX']);
    expect(result.documents.map((parsed) => parsed.data)).toEqual([{ a: 1 }, { e: 5 }]);
  });
});

describe('hostile YAML', () => {
  it('turns an alias expansion bomb into an issue instead of exhausting memory', () => {
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n';
    const result = parseYamlFiles(new Map([['bomb.yaml', bomb]]));
    expect(result.documents).toEqual([]);
    expect(result.issues).toEqual([
      { file: 'bomb.yaml', line: 1, column: 1, path: '', code: 'YAML_ALIAS', message: 'YAML error: Excessive alias count indicates a resource exhaustion attack' },
    ]);
  });

  it('makes every warning an error, located, and keeps no document with one', () => {
    const result = parseYamlFiles(new Map([['tags.yaml', 'a: !custom 1\nb: !!js/regexp /x/\n']]));
    expect(result.documents).toEqual([]);
    expect(result.issues.map((issue) => issue.code)).toEqual(['YAML_WARNING', 'YAML_WARNING']);
    expect(result.issues.map(({ line, column, message }) => `${line}:${column}: ${message}`)).toEqual([
      '1:4: YAML error: Unresolved tag: !custom',
      '2:4: YAML error: Unresolved tag: tag:yaml.org,2002:js/regexp',
    ]);
  });

  it('refuses reserved keys at any depth, with their path', () => {
    const result = parseYamlFiles(new Map([['keys.yaml', 'spec:\n  list:\n    - { ok: 1, prototype: 2 }\n']]));
    expect(result.documents).toEqual([]);
    expect(result.issues).toEqual([
      { file: 'keys.yaml', line: 3, column: 16, path: 'spec.list[0].prototype', code: 'PROTOTYPE_KEY', message: 'key "prototype" is not allowed (it names a JavaScript object\'s internals)' },
    ]);
  });
});
