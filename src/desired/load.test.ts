import { readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../domain/errors.js';
import { DATABRICKS_DOMAINS } from '../domain/host-trust.js';
import { revision } from '../../test/fixtures/desired/revision.js';
import { removeFolders, writeFolder } from '../../test/support/folder.js';
import { contentHash, loadDesiredState, loadDesiredStateFromFiles, type LoadResult } from './load.js';

const EXAMPLE = fileURLToPath(new URL('../../desired-state', import.meta.url));

function expectOk(result: LoadResult): Extract<LoadResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected a valid revision:\n${result.issues.map(formatIssue).join('\n')}`);
  return result;
}

afterEach(removeFolders);

describe('the bundled example (desired-state/)', () => {
  it('loads without issues', async () => {
    const { state, files } = expectOk(await loadDesiredState(EXAMPLE));
    expect(files).toEqual([
      'customers/acme/customer.yaml',
      'customers/acme/notebooks/getting-started.py',
      'customers/acme/roster.yaml',
      'customers/globex/customer.yaml',
      'customers/globex/notebooks/getting-started.sql',
      'customers/globex/roster.yaml',
      'personas/admins.yaml',
      'personas/analysts.yaml',
      'personas/engineers.yaml',
      'personas/scientists.yaml',
      'workspaces/prod.yaml',
    ]);
    expect(state.workspaces).toEqual([
      expect.objectContaining({
        name: 'prod',
        workspaceId: '1234567890123456',
        host: 'https://dbc-1a2b3c4d-5e6f.cloud.databricks.com',
        protectedGroups: ['admins', 'users', 'users-clone-*'],
      }),
    ]);
    expect(state.customers.map((customer) => [customer.name, customer.displayName, customer.catalog?.name])).toEqual([
      ['acme', 'Acme Corp', 'customer_acme'],
      ['globex', 'Globex Corporation', 'customer_globex'],
    ]);
  });

  it('expands to one group per (customer, persona) with its members and entitlements', async () => {
    const { state } = expectOk(await loadDesiredState(EXAMPLE));
    const groups = Object.fromEntries(state.groups.map((group) => [group.displayName, [group.entitlements, group.members]]));
    expect(groups).toEqual({
      'acme-platform-admins': [
        ['allow-cluster-create', 'databricks-sql-access', 'workspace-access'],
        ['user:mike.wilson@acmecorp.com'],
      ],
      'customer-acme-analysts': [
        ['databricks-sql-access'],
        ['user:consultant@partnerfirm.com', 'user:jane.doe@acmecorp.com', 'user:sarah.jones@acmecorp.com'],
      ],
      'customer-acme-auditors': [['workspace-consume'], ['user:pat.reviewer@acmecorp.com']],
      'customer-acme-engineers': [
        ['databricks-sql-access', 'workspace-access'],
        ['sp:acme-etl-pipeline', 'user:john.smith@acmecorp.com', 'user:mike.wilson@acmecorp.com'],
      ],
      'customer-acme-scientists': [['databricks-sql-access', 'workspace-access'], ['user:sarah.jones@acmecorp.com']],
      'customer-globex-analysts': [
        ['databricks-sql-access'],
        ['user:consultant@partnerfirm.com', 'user:frank.grimes@globexcorp.com'],
      ],
      'customer-globex-engineers': [['databricks-sql-access', 'workspace-access'], ['user:hank.scorpio@globexcorp.com']],
    });
    const admins = state.groups.find((group) => group.displayName === 'acme-platform-admins');
    expect(admins).toMatchObject({
      customer: 'acme',
      persona: 'admins',
      label: 'Acme Corp Platform Admins',
      workspaces: ['prod'],
      membership: 'authoritative',
      membershipExplicit: true,
      source: { file: 'customers/acme/customer.yaml', line: 23, column: 5, path: ['spec', 'personas', 'admins'] },
    });
  });

  it('merges the consultant shared by both customers into one principal', async () => {
    const { state } = expectOk(await loadDesiredState(EXAMPLE));
    expect(state.principals.map((principal) => principal.key)).toEqual([
      'sp:acme-etl-pipeline',
      'user:consultant@partnerfirm.com',
      'user:frank.grimes@globexcorp.com',
      'user:hank.scorpio@globexcorp.com',
      'user:jane.doe@acmecorp.com',
      'user:john.smith@acmecorp.com',
      'user:mike.wilson@acmecorp.com',
      'user:pat.reviewer@acmecorp.com',
      'user:sarah.jones@acmecorp.com',
    ]);
    expect(state.principals.find((principal) => principal.key === 'user:consultant@partnerfirm.com')).toEqual({
      key: 'user:consultant@partnerfirm.com',
      type: 'user',
      userName: 'consultant@partnerfirm.com',
      displayName: 'Casey Consultant',
      customers: ['acme', 'globex'],
      entitlements: { prod: [] },
      source: { file: 'customers/acme/roster.yaml', line: 15, column: 7, path: ['spec', 'users', 5] },
    });
    expect(state.principals[0]).toMatchObject({ type: 'servicePrincipal', displayName: 'acme-etl-pipeline', customers: ['acme'] });
  });

  it("expands Acme's grants, compute and notebook", async () => {
    const { state } = expectOk(await loadDesiredState(EXAMPLE));
    const acme = state.customers.find((customer) => customer.name === 'acme');
    const grants = Object.fromEntries(
      (acme?.grants ?? []).map((grant) => [`${grant.securable.fullName} -> ${grant.principal}`, grant.privileges.join(',')]),
    );
    expect(grants).toEqual({
      'customer_acme -> acme-platform-admins': 'ALL_PRIVILEGES',
      'customer_acme -> customer-acme-analysts': 'USE_CATALOG',
      'customer_acme -> customer-acme-auditors': 'USE_CATALOG',
      'customer_acme -> customer-acme-engineers': 'USE_CATALOG',
      'customer_acme -> customer-acme-scientists': 'USE_CATALOG',
      'customer_acme_raw_data -> customer-acme-engineers': 'CREATE_EXTERNAL_TABLE,READ_FILES,WRITE_FILES',
      'customer_acme_raw_data -> customer-acme-scientists': 'READ_FILES',
      'customer_acme.curated -> customer-acme-analysts': 'SELECT,USE_SCHEMA',
      'customer_acme.curated -> customer-acme-engineers': 'CREATE_TABLE,MODIFY,SELECT,USE_SCHEMA',
      'customer_acme.curated -> customer-acme-scientists': 'SELECT,USE_SCHEMA',
      'customer_acme.marketing -> customer-acme-analysts': 'SELECT,USE_SCHEMA',
      'customer_acme.raw -> customer-acme-engineers': 'CREATE_TABLE,MODIFY,SELECT,USE_SCHEMA',
      'customer_acme.sales -> customer-acme-analysts': 'SELECT,USE_SCHEMA',
      'customer_acme.sales -> customer-acme-auditors': 'SELECT,USE_SCHEMA',
    });
    expect(acme?.catalog).toMatchObject({ isolation: 'ISOLATED', bindings: { prod: 'READ_WRITE' } });
    expect(acme?.catalog?.schemas.map((schema) => schema.name)).toEqual(['curated', 'marketing', 'raw', 'sales']);
    expect(acme?.warehouses).toEqual([
      expect.objectContaining({
        name: 'customer-acme-analytics',
        size: 'Medium',
        minClusters: 1,
        maxClusters: 3,
        autoStopMins: 15,
        serverless: true,
        tags: { customer_id: 'acme_corp', environment: 'production', service: 'analytics' },
        permissions: {
          'acme-platform-admins': 'CAN_MANAGE',
          'customer-acme-analysts': 'CAN_USE',
          'customer-acme-engineers': 'CAN_USE',
          'customer-acme-scientists': 'CAN_USE',
        },
      }),
    ]);
    expect(acme?.clusterPolicies[0]?.definition).toMatchObject({
      'custom_tags.customer_id': { type: 'fixed', value: 'acme_corp' },
      'custom_tags.environment': { type: 'fixed', value: 'production' },
      autotermination_minutes: { type: 'fixed', value: 30 },
    });
    const notebook = acme?.notebooks[0];
    expect(notebook?.permissions).toEqual({
      'acme-platform-admins': 'CAN_MANAGE',
      'customer-acme-analysts': 'CAN_READ',
      'customer-acme-auditors': 'CAN_READ',
      'customer-acme-engineers': 'CAN_EDIT',
      'customer-acme-scientists': 'CAN_RUN',
    });
    expect(notebook?.content).toContain('# MAGIC # Welcome to Databricks, Acme Corp');
    expect(notebook?.content).toContain('spark.sql("USE CATALOG customer_acme")');
    expect(notebook?.content).not.toContain('${');
  });

  it('starts every YAML file with a modeline pointing at the committed JSON Schema', async () => {
    const { files } = expectOk(await loadDesiredState(EXAMPLE));
    for (const file of files.filter((name) => name.endsWith('.yaml'))) {
      const firstLine = (await readFile(path.join(EXAMPLE, file), 'utf8')).split('\n')[0] ?? '';
      const schemaPath = /^# yaml-language-server: \$schema=(\S+)$/.exec(firstLine)?.[1];
      expect(schemaPath, file).toBeDefined();
      expect(path.resolve(EXAMPLE, path.dirname(file), schemaPath ?? '')).toBe(
        fileURLToPath(new URL('../../schema/onboarder-v1.schema.json', import.meta.url)),
      );
    }
  });
});

describe('loading a folder', () => {
  it('never takes an empty folder for an empty desired state', async () => {
    const root = await writeFolder({ 'README.md': '# nothing here', 'only-comments.yaml': '# yaml-language-server: x\n---\n' });
    const result = await loadDesiredState(root);
    expect(result).toEqual({
      ok: false,
      issues: [{ file: root, line: 1, column: 1, path: '', code: 'NO_DOCUMENTS', message: 'no YAML documents found; an empty desired state is never applied' }],
    });
  });

  it('reports a missing folder', async () => {
    const root = path.join(tmpdir(), 'onboarder-desired-does-not-exist');
    expect(await loadDesiredState(root)).toEqual({
      ok: false,
      issues: [{ file: root, line: 1, column: 1, path: '', code: 'FOLDER_MISSING', message: 'the desired-state folder does not exist' }],
    });
  });

  it('skips dot-files and dot-directories, and reads .yml as well as .yaml', async () => {
    const files = revision();
    const root = await writeFolder({
      ...Object.fromEntries(Object.entries(files).map(([file, content]) => [file.replace('acme-roster.yaml', 'acme-roster.yml'), content])),
      '.git/config.yaml': 'not: [valid',
      'personas/.draft.yaml': 'kind: Nonsense',
    });
    const result = expectOk(await loadDesiredState(root));
    expect(result.files).toContain('customers/acme-roster.yml');
    expect(result.files.some((file) => file.includes('.git') || file.includes('.draft'))).toBe(false);
  });

  it('reads notebook sources relative to the root, and refuses a symlink leading out of it', async () => {
    const outside = await writeFolder({ 'secret.py': 'print("outside")' });
    const acme = `${revision()['customers/acme.yaml']!}  notebooks:
    - { path: /Workspace/Acme/Start, source: notebooks/start.py, language: PYTHON }
    - { path: /Workspace/Acme/Leak, source: notebooks/leak.py, language: PYTHON }
`;
    const root = await writeFolder(revision({ 'customers/acme.yaml': acme, 'notebooks/start.py': 'print("${customer}")' }));
    await symlink(path.join(outside, 'secret.py'), path.join(root, 'notebooks/leak.py'));
    const result = await loadDesiredState(root);
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([
      'customers/acme.yaml:14:45: spec.notebooks[1].source: notebook source "notebooks/leak.py" not found under the desired-state root',
    ]);
  });

  it('gives the same state and hash from disk as from memory', async () => {
    const files = revision({ 'notebooks/start.py': 'print("${catalog}")' });
    const fromMemory = expectOk(loadDesiredStateFromFiles(files));
    const fromDisk = expectOk(await loadDesiredState(await writeFolder(files)));
    expect(fromDisk.state).toEqual(fromMemory.state);
    expect(fromDisk.contentHash).toBe(fromMemory.contentHash);
  });
});

describe('contentHash', () => {
  it('does not depend on the order files are read in', () => {
    const files = revision();
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    expect(expectOk(loadDesiredStateFromFiles(reversed)).contentHash).toBe(expectOk(loadDesiredStateFromFiles(files)).contentHash);
    expect(expectOk(loadDesiredStateFromFiles(files)).contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any content, including a comment, a rename and a notebook source', () => {
    const acme = `${revision()['customers/acme.yaml']!}  notebooks: [{ path: /Workspace/Acme/Start, source: start.py, language: PYTHON }]\n`;
    const base = revision({ 'customers/acme.yaml': acme, 'start.py': 'print(1)' });
    const hash = (files: Record<string, string>) => expectOk(loadDesiredStateFromFiles(files)).contentHash;
    const hashes = new Set([
      hash(base),
      hash({ ...base, 'customers/acme.yaml': `${acme}# a comment\n` }),
      hash({ ...base, 'start.py': 'print(2)' }),
      hash(Object.fromEntries(Object.entries(base).map(([file, content]) => [file.replace('acme.yaml', 'acme-corp.yaml'), content]))),
    ]);
    expect(hashes.size).toBe(4);
  });

  it('frames paths and contents so that moving bytes between them changes the hash', () => {
    expect(contentHash(new Map([['a', 'bc']]))).not.toBe(contentHash(new Map([['ab', 'c']])));
  });
});

describe('Workspace hosts', () => {
  const withHost = (host: string) =>
    revision({ 'workspaces/prod.yaml': `apiVersion: onboarder/v1\nkind: Workspace\nmetadata: { name: prod }\nspec:\n  workspaceId: "42"\n  host: ${host}\n` });
  const trustedHosts = [...DATABRICKS_DOMAINS, { host: '127.0.0.1', subdomains: false, port: 18099 }];
  const issuesWith = (host: string) => {
    const result = loadDesiredStateFromFiles(withHost(host), '.', { trustedHosts });
    return result.ok ? [] : result.issues.map(formatIssue);
  };
  const codesWith = (host: string) => {
    const result = loadDesiredStateFromFiles(withHost(host), '.', { trustedHosts });
    return result.ok ? [] : result.issues.map((issue) => issue.code);
  };

  it('accepts a host among the trusted ones, and no host at all (DATABRICKS_HOST)', () => {
    expect(issuesWith('https://adb-1.7.azuredatabricks.net')).toEqual([]);
    expect(issuesWith('http://127.0.0.1:18099')).toEqual([]);
    expect(expectOk(loadDesiredStateFromFiles(revision(), '.', { trustedHosts: [] })).state.workspaces).toHaveLength(1);
  });

  it('reports any other host at its host field, saying who decides what is trusted', () => {
    expect(issuesWith('http://127.0.0.1:18098')).toEqual([
      "workspaces/prod.yaml:6:9: spec.host: 127.0.0.1:18098 is not a trusted host: credentials go only to Databricks' own domains, " +
        'the hosts of DATABRICKS_HOST and DATABRICKS_ACCOUNT_HOST, and --allowed-hosts (ONBOARDER_ALLOWED_HOSTS), which the operator sets',
    ]);
    expect(codesWith('https://evilcloud.databricks.com.attacker.net')).toEqual(['UNTRUSTED_HOST']);
    expect(codesWith('http://adb-1.7.azuredatabricks.net')).toEqual(['UNTRUSTED_HOST']);
    expect(issuesWith('https://evilcloud.databricks.com.attacker.net')).toEqual([expect.stringMatching(/^workspaces\/prod\.yaml:6:9: spec\.host: evilcloud\.databricks\.com\.attacker\.net is not a trusted host/)]);
    expect(issuesWith('http://adb-1.7.azuredatabricks.net')).toEqual([expect.stringMatching(/^workspaces\/prod\.yaml:6:9: spec\.host: http:\/\/adb-1\.7\.azuredatabricks\.net is refused: use https/)]);
  });

  it('checks nothing when no trusted hosts are given (tools that never connect)', () => {
    expect(loadDesiredStateFromFiles(withHost('https://attacker.example.net')).ok).toBe(true);
  });
});
