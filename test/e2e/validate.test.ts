/**
 * `onboarder validate` on broken revisions of the bundled example: exit 1,
 * every message located by file:line:column and document path.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canMakeFifos, mkfifo } from '../support/fifo.js';
import { copyWithoutHosts, EXAMPLE_DIR, runCli } from '../support/harness.js';
import { formatIssue, type DesiredStateIssue } from '../../src/domain/errors.js';

async function brokenExample(file: string, edit: (text: string) => string): Promise<string> {
  const dir = await copyWithoutHosts();
  const target = path.join(dir, file);
  const before = await readFile(target, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  await writeFile(target, after);
  return dir;
}

describe('onboarder validate', () => {
  it('accepts the bundled example', async () => {
    const run = await runCli(['validate', EXAMPLE_DIR]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/is valid: 1 workspace, 2 customers, 7 persona groups, 9 principals/);
    const json = await runCli(['validate', EXAMPLE_DIR, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ formatVersion: 1, valid: true, issues: [], revision: expect.stringMatching(/^sha256:[0-9a-f]{12}$/) });
  });

  it.each([
    {
      name: 'a YAML syntax error',
      code: 'YAML_SYNTAX',
      file: 'customers/acme/roster.yaml',
      edit: (t: string) => t.replace('displayName: Jane Doe,', 'displayName: "Jane Doe,'),
      expected: /customers\/acme\/roster\.yaml:\d+:\d+: YAML syntax error: /,
    },
    {
      name: 'an unknown key',
      code: 'UNKNOWN_FIELD',
      file: 'customers/acme/customer.yaml',
      edit: (t: string) => t.replace('  membership: authoritative', '  membersip: authoritative'),
      expected: /customers\/acme\/customer\.yaml:10:3: spec(\.membersip)?: .*membersip/,
    },
    {
      name: 'a dangling persona',
      code: 'DANGLING_REFERENCE',
      file: 'customers/acme/roster.yaml',
      edit: (t: string) => t.replace('personas: [scientists, analysts]', 'personas: [scientists, analystz]'),
      expected: /customers\/acme\/roster\.yaml:11:\d+: spec\.users\[2\]\.personas\[1\]: .*analystz/,
    },
    {
      name: 'a name collision between customers',
      code: 'NAME_COLLISION',
      file: 'customers/globex/customer.yaml',
      edit: (t: string) => t.replace('name: customer_globex', 'name: customer_acme'),
      expected: /customers\/globex\/customer\.yaml:16:\d+: spec\.catalog\.name: .*customer_acme/,
    },
    {
      name: 'an entitlement on the users group',
      code: 'PROTECTED_GROUP',
      file: 'customers/acme/customer.yaml',
      edit: (t: string) => t.replace('group: acme-platform-admins', 'group: users'),
      expected: /customers\/acme\/customer\.yaml:23:\d+: spec\.personas\.admins(\.group)?: .*users/,
    },
    {
      name: 'an invalid warehouse size',
      code: 'INVALID_VALUE',
      file: 'customers/acme/customer.yaml',
      edit: (t: string) => t.replace('size: Medium', 'size: Huge'),
      expected: /customers\/acme\/customer\.yaml:\d+:\d+: spec\.warehouses\[0\]\.size: .*Huge|customers\/acme\/customer\.yaml:\d+:\d+: spec\.warehouses\[0\]\.size: /,
    },
    {
      name: 'a permission level the object type does not have',
      code: 'INVALID_VALUE',
      file: 'customers/acme/customer.yaml',
      edit: (t: string) => t.replace('levels: { engineers: CAN_EDIT }', 'levels: { engineers: CAN_USE }'),
      expected: /customers\/acme\/customer\.yaml:\d+:\d+: spec\.notebooks\[0\]\.levels\.engineers: /,
    },
    {
      name: 'a missing notebook source',
      code: 'NOTEBOOK_SOURCE',
      file: 'customers/acme/customer.yaml',
      edit: (t: string) => t.replace('source: customers/acme/notebooks/getting-started.py', 'source: customers/acme/notebooks/missing.py'),
      expected: /customers\/acme\/customer\.yaml:\d+:\d+: spec\.notebooks\[0\]\.source: notebook source "customers\/acme\/notebooks\/missing\.py" not found/,
    },
  ])('rejects $name with a located message, its code in --json, and exit 1', async ({ file, edit, expected, code }) => {
    const dir = await brokenExample(file, edit);
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(expected);
    // Tools match the rule by its code; the same issue, located the same way, is in the data.
    const json = await runCli(['validate', dir, '--json']);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe(run.stderr);
    const verdict = JSON.parse(json.stdout) as { formatVersion: number; valid: boolean; issues: DesiredStateIssue[] };
    expect(verdict).toMatchObject({ formatVersion: 1, valid: false });
    expect([...new Set(verdict.issues.map((issue) => issue.code))]).toEqual([code]);
    expect(verdict.issues.map(formatIssue).join('\n')).toMatch(expected);
  });

  it('reports every error of a revision at once, and plan applies nothing from it', async () => {
    const dir = await brokenExample('customers/acme/roster.yaml', (t) => t.replace('personas: [analysts] }', 'personas: [nobody] }'));
    const globex = path.join(dir, 'customers/globex/customer.yaml');
    await writeFile(globex, (await readFile(globex, 'utf8')).replace('  workspaces: [prod]', '  workspaces: [prod]\n  personaz: {}'));
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2 errors/);
    expect(run.stderr).toMatch(/nobody/);
    expect(run.stderr).toMatch(/personaz/);
    // No Databricks variables at all: an invalid revision fails before any connection is tried.
    const planned = await runCli(['plan', dir]);
    expect(planned.code).toBe(1);
    expect(planned.stderr).toMatch(/nobody/);
  });

  it('errors, located, on a FIFO in place of a YAML file instead of hanging', async (context) => {
    if (!(await canMakeFifos())) context.skip();
    const dir = await copyWithoutHosts();
    await rm(path.join(dir, 'customers/acme/roster.yaml'));
    await mkfifo(path.join(dir, 'customers/acme/roster.yaml'));
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('customers/acme/roster.yaml:1:1: is a FIFO (named pipe), not a regular file');
  });
});
