/**
 * Every issue code is produced by at least one fixture here, and only that
 * code: the table is typed over the whole code list, so a new code without a
 * case (or a case for a code that is gone) does not compile. The fixtures are
 * the smallest revisions that break each rule; the rule tests beside the
 * loader keep checking the messages' content.
 */
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDesiredState, loadDesiredStateFromFiles, type LoadOptions } from '../src/desired/load.js';
import { createRevisionReader, DEFAULT_READ_LIMITS } from '../src/desired/read-folder.js';
import type { DesiredStateIssue } from '../src/domain/errors.js';
import { DATABRICKS_DOMAINS } from '../src/domain/host-trust.js';
import { ISSUE_CODES, type IssueCode } from '../src/domain/issue-codes.js';
import { emptyUnityCatalog } from '../src/domain/live.js';
import { gitCommit } from '../src/loop/revision.js';
import { diff } from '../src/plan/diff.js';
import { revision, yaml } from './fixtures/desired/revision.js';
import { loadExampleState } from './support/example-state.js';
import { removeFolders, writeFolder } from './support/folder.js';

afterEach(removeFolders);

type Issues = DesiredStateIssue[] | Promise<DesiredStateIssue[]>;

/** The issues of the base revision with `changes` applied, loaded from memory. */
function issuesOf(changes: Record<string, string | undefined>, options: LoadOptions = {}): DesiredStateIssue[] {
  const result = loadDesiredStateFromFiles(revision(changes), '.', options);
  return result.ok ? [] : result.issues;
}

/** The same, from a folder on disk (file-level rules), after `prepare` has done what files alone cannot. */
async function folderIssuesOf(
  changes: Record<string, string | undefined>,
  prepare: (root: string) => Promise<void> = async () => {},
  options: LoadOptions = {},
): Promise<DesiredStateIssue[]> {
  const root = await writeFolder(revision(changes));
  await prepare(root);
  const result = await loadDesiredState(root, options);
  return result.ok ? [] : result.issues;
}

const customer = (spec: string, name = 'acme') => `apiVersion: onboarder/v1\nkind: Customer\nmetadata: { name: ${name} }\nspec:\n${spec}`;
const ACME = 'customers/acme.yaml';
const TEMPLATE = 'personas/analysts.yaml';
const ROSTER = 'customers/acme-roster.yaml';

const CASES: Record<IssueCode, () => Issues> = {
  FOLDER_MISSING: async () => {
    const root = await writeFolder({});
    const result = await loadDesiredState(path.join(root, 'not-published-yet'));
    return result.ok ? [] : result.issues;
  },
  // A file listed and then gone: the reader says so rather than skipping it.
  FILE_UNREADABLE: async () => {
    const root = await writeFolder({});
    const read = await createRevisionReader(root, DEFAULT_READ_LIMITS).read('gone.yaml', DEFAULT_READ_LIMITS.yamlFileBytes);
    return read.ok || !read.issue ? [] : [read.issue];
  },
  // A Unix socket named like YAML (a FIFO needs mkfifo; hostile-files.test.ts covers those), listening while the folder is read.
  NOT_A_REGULAR_FILE: async () => {
    const server = createServer();
    try {
      return await folderIssuesOf({}, (root) => new Promise<void>((resolve) => server.listen(path.join(root, 'customers/socket.yaml'), resolve)));
    } finally {
      server.close();
    }
  },
  SYMLINK: () => folderIssuesOf({}, (root) => symlink(path.join(root, ROSTER), path.join(root, 'customers/again.yaml'))),
  FILE_TOO_LARGE: () =>
    folderIssuesOf({ 'notes.yaml': `#${'x'.repeat(4096)}\n` }, async () => {}, { limits: { ...DEFAULT_READ_LIMITS, yamlFileBytes: 4096 } }),
  REVISION_TOO_LARGE: () => folderIssuesOf({}, async () => {}, { limits: { ...DEFAULT_READ_LIMITS, revisionBytes: 400 } }),
  NO_DOCUMENTS: () => {
    const result = loadDesiredStateFromFiles({ 'empty.yaml': '# nothing declared\n' });
    return result.ok ? [] : result.issues;
  },
  // `.git/HEAD` that is a folder: the commit cannot be read, so the revision gets no made-up id.
  GIT_METADATA: async () => {
    const root = await writeFolder(revision());
    await mkdir(path.join(root, '.git', 'HEAD'), { recursive: true });
    const commit = await gitCommit(root);
    return commit.ok ? [] : [commit.issue];
  },

  YAML_SYNTAX: () => issuesOf({ 'broken.yaml': 'metadata:\n  name: [dev\n' }),
  YAML_WARNING: () => issuesOf({ 'tagged.yaml': 'a: !!js/function x\n' }),
  YAML_ALIAS: () => issuesOf({ 'alias.yaml': 'a: *nowhere\n' }),
  PROTOTYPE_KEY: () => issuesOf({ 'proto.yaml': 'spec:\n  __proto__: { admin: true }\n' }),

  UNSUPPORTED_API_VERSION: () => issuesOf({ 'old.yaml': 'apiVersion: onboarder/v0\nkind: Workspace\n' }),
  UNKNOWN_KIND: () => issuesOf({ 'tenant.yaml': 'apiVersion: onboarder/v1\nkind: Tenant\nmetadata: { name: x }\nspec: {}\n' }),
  UNKNOWN_FIELD: () => issuesOf({ [ACME]: `${revision()[ACME]!}  colour: blue\n` }),
  MISSING_FIELD: () => issuesOf({ [ACME]: customer('  displayName: Acme Corp\n') }),
  WRONG_TYPE: () => issuesOf({ 'list.yaml': '- apiVersion: onboarder/v1\n' }),
  INVALID_VALUE: () => issuesOf({ [ACME]: `${revision()[ACME]!}  warehouses: [{ name: wh, size: Huge }]\n` }),
  SERVICE_LIMIT: () => issuesOf({ [ACME]: `${revision()[ACME]!}  warehouses: [{ name: ${'w'.repeat(100)}, size: Small }]\n` }),

  DUPLICATE_NAME: () => issuesOf({ 'workspaces/again.yaml': revision()['workspaces/prod.yaml']! }),
  NAME_COLLISION: () =>
    issuesOf({ 'customers/globex.yaml': customer('  workspaces: [prod]\n  catalog: { name: customer_acme }\n', 'globex') }),
  PRINCIPAL_CONFLICT: () =>
    issuesOf({
      'customers/globex.yaml': customer('  workspaces: [prod]\n  personas: { readers: {} }\n', 'globex'),
      'customers/globex-roster.yaml': yaml`
        apiVersion: onboarder/v1
        kind: Roster
        metadata: { name: globex }
        spec:
          users: [{ userName: jane@acme.com, displayName: Jane, personas: [readers] }]
      `,
      [ROSTER]: `${revision()[ROSTER]!.replace('{ userName: jane@acme.com,', '{ userName: jane@acme.com, displayName: Janet,')}`,
    }),
  DANGLING_REFERENCE: () => issuesOf({ [ACME]: revision()[ACME]!.replace('workspaces: [prod]', 'workspaces: [prod, staging]') }),
  UNDECLARED_SECURABLE: () => issuesOf({ [TEMPLATE]: revision()[TEMPLATE]!.replace('"${catalog}.sales"', '"${catalog}.finance"') }),
  INVALID_PRIVILEGE: () => issuesOf({ [TEMPLATE]: revision()[TEMPLATE]!.replace('[USE_CATALOG]', '[USE_CATALOG, READ_FILES]') }),
  ENTITLEMENT_CONFLICT: () =>
    issuesOf({ [TEMPLATE]: revision()[TEMPLATE]!.replace('[databricks-sql-access]', '[workspace-consume, workspace-access]') }),
  PLACEHOLDER: () => issuesOf({ [TEMPLATE]: revision()[TEMPLATE]!.replace('"${customer} Analysts"', '"${tenant} Analysts"') }),
  // The template grants on `${catalog}`: a customer without a catalog cannot use it.
  CATALOG_REQUIRED: () => issuesOf({ [ACME]: customer('  workspaces: [prod]\n  personas:\n    analysts: { template: analysts }\n') }),
  UNTRUSTED_HOST: () =>
    issuesOf(
      { 'workspaces/prod.yaml': `${revision()['workspaces/prod.yaml']!}  host: https://databricks.example.net\n` },
      { trustedHosts: DATABRICKS_DOMAINS },
    ),
  PROTECTED_GROUP: () => issuesOf({ [ACME]: revision()[ACME]!.replace('analysts: { template: analysts }', 'analysts: { template: analysts, group: admins }') }),
  ISOLATION: () => issuesOf({ [ACME]: revision()[ACME]!.replace('name: customer_acme', 'name: customer_acme\n    isolation: ISOLATED') }),
  NOTEBOOK_SOURCE: () =>
    issuesOf({ [ACME]: `${revision()[ACME]!}  notebooks: [{ path: /Workspace/Acme/Start, source: missing.py, language: PYTHON }]\n` }),

  // Planned against an account that has no storage credential at all.
  MISSING_STORAGE_CREDENTIAL: async () => {
    const example = await loadExampleState();
    const live = { groups: [], users: [], servicePrincipals: [], workspaces: [], unityCatalog: emptyUnityCatalog(), assets: {} };
    return diff(example, live, { principals: 'create' }).issues;
  },
};

describe('desired-state issue codes', () => {
  it.each([...ISSUE_CODES])('%s is produced by its fixture, and no other code with it', async (code) => {
    const issues = await CASES[code]();
    expect(issues.length).toBeGreaterThan(0);
    expect([...new Set(issues.map((issue) => issue.code))]).toEqual([code]);
  });

  it('are the ones docs/issue-codes.md lists, each once', async () => {
    const page = await readFile(new URL('../docs/issue-codes.md', import.meta.url), 'utf8');
    const documented = [...page.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(documented).toEqual([...ISSUE_CODES]);
  });

  it('are UPPER_SNAKE and listed once', () => {
    for (const code of ISSUE_CODES) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(new Set(ISSUE_CODES).size).toBe(ISSUE_CODES.length);
  });
});
