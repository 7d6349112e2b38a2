/**
 * What Databricks would refuse (a `..` notebook path, an oversized or binary
 * notebook, too many warehouse tags) rejects the revision in `plan` itself:
 * located errors, exit 1, and not one request to the simulated account.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExampleAccount } from '../support/example-account.js';

const example = useExampleAccount();
const CUSTOMER = 'customers/acme/customer.yaml';
const NOTEBOOK = 'customers/acme/notebooks/getting-started.py';

async function edit(file: string, change: (text: string) => string): Promise<void> {
  const target = path.join(example.dir, file);
  const before = await readFile(target, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  await writeFile(target, after);
}

describe('a revision the service would refuse', () => {
  it('the untouched example does reach the account (so an empty request log below means something)', async () => {
    expect((await example.plan('--detailed-exitcode')).code).toBe(2);
    expect(example.account.sim.requests.length).toBeGreaterThan(0);
  });

  it.each([
    {
      name: 'a notebook path with a ".." segment',
      prepare: () => edit(CUSTOMER, (text) => text.replace('/Workspace/Customers/Acme/Getting Started', '/Workspace/Customers/../Globex/Getting Started')),
      expected: [`${CUSTOMER}:67:13: spec.notebooks[0].path: must be an absolute workspace path such as /Workspace/x; segment 3 is ".."`],
    },
    {
      name: 'a 12 MB notebook and 45 warehouse tags',
      prepare: async () => {
        const extraTags = Array.from({ length: 42 }, (_, i) => `extra${i}: x`).join(', ');
        await edit(CUSTOMER, (text) => text.replace('tags: { service: analytics }', `tags: { service: analytics, ${extraTags} }`));
        // 16 MB once base64-encoded for import.
        await writeFile(path.join(example.dir, NOTEBOOK), `print("padding")\n${'#'.repeat(12 * 1024 * 1024)}\n`);
      },
      expected: [
        `${CUSTOMER}:59:13: spec.warehouses[0].tags: warehouse "customer-acme-analytics" would carry its own and the customer's custom tags: ` +
          'must be at most 44 tags (the SQL warehouse custom tag count limit), got 45',
        `${CUSTOMER}:68:15: spec.notebooks[0].source: notebook source "${NOTEBOOK}" is too large to import: ` +
          'its base64 encoding must be at most 10485760 bytes (the workspace import size limit), got 16777240',
      ],
    },
    {
      name: 'a binary notebook source',
      prepare: () => writeFile(path.join(example.dir, NOTEBOOK), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff])),
      expected: [`${CUSTOMER}:68:15: spec.notebooks[0].source: notebook source "${NOTEBOOK}" is not UTF-8 text`],
    },
  ])('$name: plan exits 1 with located errors and sends no request', async ({ prepare, expected }) => {
    await prepare();
    const planned = await example.plan();
    expect(planned.code).toBe(1);
    expect(planned.stdout).toBe('');
    for (const line of expected) expect(planned.stderr).toContain(line);
    expect(example.account.sim.requests).toEqual([]);
  });
});
