/**
 * What the Databricks service would refuse is refused by the loader, located
 * at the offending field: each limit's boundary value passes, one over fails.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../domain/errors.js';
import { revision } from '../../test/fixtures/desired/revision.js';
import { loadDesiredState, loadDesiredStateFromFiles, type LoadResult } from './load.js';
import { NOTEBOOK_IMPORT_BASE64_BYTES } from './service-limits.js';

function issuesOf(result: LoadResult): string[] {
  return result.ok ? [] : result.issues.map(formatIssue);
}

/** The base revision with a persona-less Customer acme (its spec lines from line 5 on) and no roster. */
function withCustomer(spec: string, extraFiles: Record<string, string> = {}): Record<string, string> {
  const customer = `apiVersion: onboarder/v1\nkind: Customer\nmetadata: { name: acme }\nspec:\n  workspaces: [prod]\n${spec}`;
  return revision({ 'customers/acme.yaml': customer, 'customers/acme-roster.yaml': undefined, ...extraFiles });
}

function customerIssues(spec: string, extraFiles: Record<string, string> = {}): string[] {
  return issuesOf(loadDesiredStateFromFiles(withCustomer(spec, extraFiles)));
}

/** The codes of the same revision's issues: a limit is SERVICE_LIMIT wherever it is checked (schema, tag merge, import size). */
function customerCodes(spec: string, extraFiles: Record<string, string> = {}): string[] {
  const result = loadDesiredStateFromFiles(withCustomer(spec, extraFiles));
  return result.ok ? [] : result.issues.map((issue) => issue.code);
}

const tagMap = (count: number, prefix: string) =>
  `{ ${Array.from({ length: count }, (_, i) => `${prefix}${i}: v`).join(', ')} }`;

describe('Unity Catalog names (at most 255 characters)', () => {
  const name = (length: number) => 'c'.repeat(length);
  const withCatalog = (catalog: string, schema: string, location: string) =>
    customerIssues(
      `  catalog:\n    name: ${catalog}\n    schemas: [{ name: ${schema} }]\n` +
        `  externalLocations:\n    - { name: ${location}, url: "s3://b/p", credential: cred }\n`,
    );

  it('accepts 255-character catalog, schema and external location names', () => {
    expect(withCatalog(name(255), name(255), name(255))).toEqual([]);
  });

  it('refuses 256 characters in each, at the name', () => {
    expect(withCatalog(name(256), name(256), name(256))).toEqual([
      'customers/acme.yaml:7:11: spec.catalog.name: must be at most 255 characters (the Unity Catalog name limit), got 256',
      'customers/acme.yaml:8:23: spec.catalog.schemas[0].name: must be at most 255 characters (the Unity Catalog name limit), got 256',
      'customers/acme.yaml:10:15: spec.externalLocations[0].name: must be at most 255 characters (the Unity Catalog name limit), got 256',
    ]);
  });
});

describe('SQL warehouse and cluster policy names', () => {
  const computeSpec = (warehouse: number, policy: number) =>
    `  warehouses:\n    - { name: ${'w'.repeat(warehouse)}, size: Small }\n` +
    `  clusterPolicies:\n    - name: ${'p'.repeat(policy)}\n      definition: { spark_version: { type: unlimited } }\n`;
  const compute = (warehouse: number, policy: number) => customerIssues(computeSpec(warehouse, policy));

  it('accepts a 99-character warehouse name and a 100-character policy name', () => {
    expect(compute(99, 100)).toEqual([]);
  });

  it('refuses a 100-character warehouse name and a 101-character policy name', () => {
    expect(compute(100, 101)).toEqual([
      'customers/acme.yaml:7:15: spec.warehouses[0].name: must be at most 99 characters (the SQL warehouse name limit), got 100',
      'customers/acme.yaml:9:13: spec.clusterPolicies[0].name: must be at most 100 characters (the cluster policy name limit), got 101',
    ]);
    expect(customerCodes(computeSpec(100, 101))).toEqual(['SERVICE_LIMIT', 'SERVICE_LIMIT']);
  });

  it('counts characters, not UTF-16 units: 99 emoji make a valid warehouse name', () => {
    expect(customerIssues(`  warehouses:\n    - { name: "${'🏭'.repeat(99)}", size: Small }\n`)).toEqual([]);
  });
});

describe('custom tag counts, with the customer tags merged in', () => {
  const warehouse = (customerTags: string, warehouseTags: string) =>
    customerIssues(`  tags: ${customerTags}\n  warehouses:\n    - name: wh\n      size: Small\n      tags: ${warehouseTags}\n`);

  it('accepts 44 tags on a warehouse (40 of the customer, 4 of its own; a shared key counts once)', () => {
    expect(warehouse(tagMap(40, 'c'), '{ own0: v, own1: v, own2: v, own3: v, c0: other }')).toEqual([]);
  });

  it("refuses 45, at the warehouse's own tags", () => {
    expect(warehouse(tagMap(40, 'c'), tagMap(5, 'own'))).toEqual([
      'customers/acme.yaml:10:13: spec.warehouses[0].tags: warehouse "wh" would carry its own and the customer\'s custom tags: ' +
        'must be at most 44 tags (the SQL warehouse custom tag count limit), got 45',
    ]);
  });

  it("points at the customer's tags when the warehouse has none of its own", () => {
    const spec = `  tags: ${tagMap(45, 'c')}\n  warehouses:\n    - { name: wh, size: Small }\n`;
    expect(customerCodes(spec)).toEqual(['SERVICE_LIMIT']);
    expect(customerIssues(spec)).toEqual([
      'customers/acme.yaml:6:9: spec.tags: warehouse "wh" would carry its own and the customer\'s custom tags: ' +
        'must be at most 44 tags (the SQL warehouse custom tag count limit), got 45',
    ]);
  });

  const policy = (customerTags: number, policyTags: number) => {
    const fixed = Array.from({ length: policyTags }, (_, i) => `        custom_tags.p${i}: { type: fixed, value: x }\n`).join('');
    return customerIssues(`  tags: ${tagMap(customerTags, 'c')}\n  clusterPolicies:\n    - name: pol\n      definition:\n${fixed}`);
  };

  it('accepts a cluster policy fixing 45 custom tags (its own and the customer\'s)', () => {
    expect(policy(40, 5)).toEqual([]);
  });

  it('refuses 46, at the policy definition', () => {
    expect(policy(40, 6)).toEqual([
      'customers/acme.yaml:10:9: spec.clusterPolicies[0].definition: cluster policy "pol" would carry its own and the customer\'s custom tags: ' +
        'must be at most 45 tags (the cluster custom tag count limit), got 46',
    ]);
  });
});

describe('notebook workspace paths', () => {
  const notebookAt = (notebookPath: string) =>
    customerIssues(`  notebooks:\n    - { path: ${notebookPath}, source: nb.py, language: PYTHON }\n`, { 'nb.py': 'print(1)\n' });

  it.each(['/Workspace/Customers/Acme/Getting Started', '/Shared/a.b/...', '/Users/x/.hidden'])('accepts %s', (notebookPath) => {
    expect(notebookAt(`"${notebookPath}"`)).toEqual([]);
  });

  it.each([
    ['"/Workspace/Customers/../Other/nb"', 'segment 3 is ".." (no empty, "." or ".." segments)'],
    ['"/Workspace/./nb"', 'segment 2 is "." (no empty, "." or ".." segments)'],
    ['"/Workspace//nb"', 'segment 2 is empty (no empty, "." or ".." segments)'],
    ['"/Workspace/nb/"', 'segment 3 is empty (no empty, "." or ".." segments)'],
    ['"/Workspace/a\\tb"', 'without control characters (found U+0009)'],
  ])('refuses %s at the path', (written, reason) => {
    expect(notebookAt(written)).toEqual([
      `customers/acme.yaml:7:15: spec.notebooks[0].path: must be an absolute workspace path such as /Workspace/x${reason.startsWith('without') ? ', ' : '; '}${reason}`,
    ]);
  });

  it('refuses a relative path', () => {
    expect(notebookAt('Workspace/nb')).toEqual([
      'customers/acme.yaml:7:15: spec.notebooks[0].path: must be an absolute workspace path such as /Workspace/x',
    ]);
  });
});

describe('notebook import size (10 MiB of base64, as sent)', () => {
  const limitBytes = (NOTEBOOK_IMPORT_BASE64_BYTES.max / 4) * 3; // raw bytes whose base64 is exactly the limit
  const notebookSpec = (displayName: string) => `  displayName: ${displayName}\n  notebooks:\n    - { path: /Shared/nb, source: nb.py, language: PYTHON }\n`;
  const withSource = (content: string, displayName = 'Acme Corp') => customerIssues(notebookSpec(displayName), { 'nb.py': content });

  it('accepts a source whose base64 is exactly the limit', () => {
    expect(withSource('x'.repeat(limitBytes))).toEqual([]);
  });

  it('refuses one byte more, at the source', () => {
    expect(customerCodes(notebookSpec('Acme Corp'), { 'nb.py': 'x'.repeat(limitBytes + 1) })).toEqual(['SERVICE_LIMIT']);
    expect(withSource('x'.repeat(limitBytes + 1))).toEqual([
      'customers/acme.yaml:8:35: spec.notebooks[0].source: notebook source "nb.py" is too large to import: its base64 encoding ' +
        `must be at most ${NOTEBOOK_IMPORT_BASE64_BYTES.max} bytes (the workspace import size limit), got ${NOTEBOOK_IMPORT_BASE64_BYTES.max + 4}`,
    ]);
  });

  it('measures the source after ${customer} is substituted, in UTF-8 bytes', () => {
    // 11 characters of placeholder become the 12-character display name: one byte over once substituted.
    const atLimitWritten = 'x'.repeat(limitBytes - 11) + '${customer}';
    expect(withSource(atLimitWritten, 'Acme Corp 12')).toHaveLength(1);
    expect(withSource(atLimitWritten, 'Acme Corp 1')).toEqual([]);
    // Two-byte characters count twice.
    expect(withSource('é'.repeat(limitBytes / 2))).toEqual([]);
    expect(withSource('é'.repeat(limitBytes / 2) + 'x')).toHaveLength(1);
  });
});

describe('binary notebook sources', () => {
  const temporaryDirs: string[] = [];
  afterEach(async () => {
    await Promise.all(temporaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  async function folderWithSource(source: Uint8Array): Promise<string> {
    const root = await mkdtemp(path.join(tmpdir(), 'onboarder-limits-'));
    temporaryDirs.push(root);
    const files: Record<string, string | Uint8Array> = {
      ...withCustomer('  notebooks:\n    - { path: /Shared/nb, source: nb.py, language: PYTHON }\n'),
      'nb.py': source,
    };
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), content);
    }
    return root;
  }

  it('refuses bytes that are not UTF-8, at the source, instead of importing a mangled notebook', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]);
    expect(issuesOf(await loadDesiredState(await folderWithSource(png)))).toEqual([
      'customers/acme.yaml:7:35: spec.notebooks[0].source: notebook source "nb.py" is not UTF-8 text (a binary file?); notebook sources must be UTF-8 source code',
    ]);
  });

  it('refuses a NUL byte even in otherwise valid UTF-8', async () => {
    expect(issuesOf(await loadDesiredState(await folderWithSource(Buffer.from('print(1)\0\n', 'utf8'))))).toEqual([
      'customers/acme.yaml:7:35: spec.notebooks[0].source: notebook source "nb.py" is binary (a NUL character at offset 8); notebook sources must be UTF-8 source code',
    ]);
  });

  it('reads UTF-8 with a byte order mark and non-ASCII text unchanged', async () => {
    const text = '\uFEFF# Café ☕\nprint("naïve")\n';
    const result = await loadDesiredState(await folderWithSource(Buffer.from(text, 'utf8')));
    if (!result.ok) throw new Error(issuesOf(result).join('\n'));
    expect(result.state.customers[0]?.notebooks[0]?.content).toBe(text);
  });
});
