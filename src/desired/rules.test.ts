import { describe, expect, it } from 'vitest';
import { formatIssue } from '../domain/errors.js';
import { revision, yaml } from '../../test/fixtures/desired/revision.js';
import { loadDesiredStateFromFiles } from './load.js';

/** Every issue of a revision as `file:line:column: path: message`. */
function issuesOf(changes: Record<string, string | undefined>): string[] {
  const result = loadDesiredStateFromFiles(revision(changes));
  if (result.ok) throw new Error('expected the revision to be rejected');
  return result.issues.map(formatIssue);
}

/** The codes of the same issues: the rule each one breaks, whatever its message says. */
function codesOf(changes: Record<string, string | undefined>): string[] {
  const result = loadDesiredStateFromFiles(revision(changes));
  return result.ok ? [] : result.issues.map((issue) => issue.code);
}

const customer = (spec: string, name = 'acme') =>
  `apiVersion: onboarder/v1\nkind: Customer\nmetadata: { name: ${name} }\nspec:\n${spec}`;

describe('per-document validation', () => {
  it('reports a YAML syntax error with its position and keeps checking the other files', () => {
    expect(
      issuesOf({
        'workspaces/broken.yaml': yaml`
          apiVersion: onboarder/v1
          kind: Workspace
          metadata:
            name: [dev
          spec: {}
        `,
        'customers/acme.yaml': customer('  workspaces: [prod]\n  colour: blue\n'),
      }),
    ).toEqual([
      'customers/acme.yaml:6:3: spec.colour: unknown key "colour"',
      'workspaces/broken.yaml:5:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('points at an unknown key itself, however deep', () => {
    expect(
      issuesOf({
        'customers/acme.yaml': yaml`
          apiVersion: onboarder/v1
          kind: Customer
          metadata: { name: acme }
          spec:
            workspaces: [prod]
            personas:
              analysts: { template: analysts, groop: acme-analysts }
        `,
      }),
    ).toEqual(['customers/acme.yaml:7:37: spec.personas.analysts.groop: unknown key "groop"']);
  });

  it('points a missing required key at its parent', () => {
    expect(issuesOf({ 'customers/acme.yaml': customer('  displayName: Acme Corp\n') })).toEqual([
      'customers/acme.yaml:4:1: spec.workspaces: missing required key "workspaces"',
    ]);
  });

  it('rejects an unknown kind and a wrong apiVersion', () => {
    expect(
      issuesOf({
        'extra.yaml': 'apiVersion: onboarder/v1\nkind: Tenant\nmetadata: { name: x }\nspec: {}\n---\napiVersion: v2\n',
      }),
    ).toEqual([
      'extra.yaml:2:7: kind: unknown kind "Tenant"; expected one of Workspace, PersonaTemplate, Customer, Roster',
      'extra.yaml:6:13: apiVersion: unsupported apiVersion "v2"; expected onboarder/v1',
    ]);
  });

  it('rejects an invalid warehouse size', () => {
    expect(
      issuesOf({
        'customers/acme.yaml': customer('  workspaces: [prod]\n  warehouses:\n    - { name: wh, size: Huge }\n'),
      }),
    ).toEqual([
      'customers/acme.yaml:7:25: spec.warehouses[0].size: "Huge" is not one of: ' +
        '2X-Small, X-Small, Small, Medium, Large, X-Large, 2X-Large, 3X-Large, 4X-Large, 5X-Large',
    ]);
  });

  it('rejects a permission level its object type does not have', () => {
    const template = revision()['personas/analysts.yaml']!.replace('warehouses: CAN_USE', 'warehouses: CAN_RUN');
    expect(issuesOf({ 'personas/analysts.yaml': template })).toEqual([
      'personas/analysts.yaml:12:15: spec.warehouses: "CAN_RUN" is not one of: CAN_VIEW, CAN_MONITOR, CAN_USE, CAN_MANAGE',
    ]);
  });

  it('rejects an entitlement outside the enum and a lower-case metadata.name', () => {
    expect(
      issuesOf({
        'customers/acme-roster.yaml': yaml`
          apiVersion: onboarder/v1
          kind: Roster
          metadata: { name: Acme }
          spec:
            users:
              - { userName: jane@acme.com, personas: [analysts], entitlements: [sql] }
        `,
      }),
    ).toEqual([
      'customers/acme-roster.yaml:3:19: metadata.name: must be lower-case letters, digits and "-"',
      'customers/acme-roster.yaml:6:71: spec.users[0].entitlements[0]: "sql" is not one of: ' +
        'workspace-access, databricks-sql-access, allow-cluster-create, allow-instance-pool-create, workspace-consume',
    ]);
  });

  it('asks for quotes around a numeric tag value', () => {
    expect(issuesOf({ 'customers/acme.yaml': customer('  workspaces: [prod]\n  tags: { cost_center: 1234 }\n') })).toEqual([
      'customers/acme.yaml:6:24: spec.tags.cost_center: expected string, got number (quote the value)',
    ]);
  });

  it.each([
    ['0x2A', 'must be a decimal integer, got 0x2A'],
    ['-5', 'must be a decimal integer, got -5'],
    ['1e3', 'must be a decimal integer, got 1e3'],
    ['"12a"', 'must be a decimal integer (digits, quoted or not)'],
    ['true', 'must be a decimal integer (digits, quoted or not)'],
  ])('rejects the workspace id %s', (written, message) => {
    const workspace = `apiVersion: onboarder/v1\nkind: Workspace\nmetadata: { name: prod }\nspec:\n  workspaceId: ${written}\n`;
    expect(issuesOf({ 'workspaces/prod.yaml': workspace })).toEqual([`workspaces/prod.yaml:5:16: spec.workspaceId: ${message}`]);
  });
});

describe('references', () => {
  it('reports a persona naming a PersonaTemplate that does not exist', () => {
    expect(
      issuesOf({
        'customers/acme.yaml': customer('  workspaces: [prod]\n  personas:\n    analysts: { template: analystz }\n'),
      }),
    ).toEqual(['customers/acme.yaml:7:27: spec.personas.analysts.template: unknown PersonaTemplate "analystz"']);
  });

  it('reports a customer naming a Workspace that does not exist', () => {
    const acme = revision()['customers/acme.yaml']!.replace('workspaces: [prod]', 'workspaces: [prod, dev]');
    expect(issuesOf({ 'customers/acme.yaml': acme })).toEqual([
      'customers/acme.yaml:6:22: spec.workspaces[1]: unknown Workspace "dev"',
    ]);
  });

  it('reports a Roster without its Customer', () => {
    const roster = revision()['customers/acme-roster.yaml']!.replace('name: acme', 'name: globex');
    expect(issuesOf({ 'customers/acme-roster.yaml': roster })).toEqual([
      'customers/acme-roster.yaml:3:19: metadata.name: no Customer "globex" for this Roster (a Roster is named after its Customer)',
    ]);
  });

  it("reports a roster persona the customer does not declare, and a location grant to one", () => {
    const roster = revision()['customers/acme-roster.yaml']!.replace('personas: [analysts]', 'personas: [analysts, admins]');
    const acme = `${revision()['customers/acme.yaml']!}  externalLocations:
    - name: acme_raw
      url: s3://acme/raw/
      credential: acme-credential
      grants: { engineers: [READ_FILES] }
`;
    expect(issuesOf({ 'customers/acme-roster.yaml': roster, 'customers/acme.yaml': acme })).toEqual([
      'customers/acme-roster.yaml:6:55: spec.users[0].personas[1]: unknown persona "admins" (customer "acme" declares: analysts)',
      'customers/acme.yaml:16:17: spec.externalLocations[0].grants.engineers: unknown persona "engineers" (customer "acme" declares: analysts)',
    ]);
  });

  it('reports a template grant on a schema the customer does not declare, at the persona using it', () => {
    const acme = revision()['customers/acme.yaml']!.replace('schemas: [{ name: sales }]', 'schemas: [{ name: marketing }]');
    expect(issuesOf({ 'customers/acme.yaml': acme })).toEqual([
      'customers/acme.yaml:8:27: spec.personas.analysts.template: template "analysts" has a grant on schema ' +
        '"customer_acme.sales", which customer "acme" does not declare (personas/analysts.yaml:10:11)',
    ]);
  });

  it('reports a template with catalog grants used by a customer without a catalog', () => {
    const acme = customer('  workspaces: [prod]\n  personas:\n    analysts: { template: analysts }\n');
    expect(issuesOf({ 'customers/acme.yaml': acme })).toEqual([
      'customers/acme.yaml:7:27: spec.personas.analysts.template: template "analysts" grants on a catalog ' +
        '(personas/analysts.yaml:8:11) but customer "acme" declares no catalog',
    ]);
  });

  it("reports an inline grant on another customer's catalog", () => {
    const acme = yaml`
      apiVersion: onboarder/v1
      kind: Customer
      metadata: { name: acme }
      spec:
        workspaces: [prod]
        personas:
          analysts:
            template: analysts
            grants:
              - on: { catalog: customer_globex }
                privileges: [USE_CATALOG]
        catalog: { name: customer_acme, schemas: [{ name: sales }] }
    `;
    expect(issuesOf({ 'customers/acme.yaml': acme })).toEqual([
      'customers/acme.yaml:10:15: spec.personas.analysts.grants[0].on: grant on catalog "customer_globex", which customer "acme" does not declare',
    ]);
  });

  it('reports an unknown placeholder in a template', () => {
    const template = revision()['personas/analysts.yaml']!.replace('${customer} Analysts', '${custmer} Analysts');
    expect(issuesOf({ 'personas/analysts.yaml': template })).toEqual([
      'personas/analysts.yaml:5:16: spec.displayName: unknown placeholder ${custmer} (known: ${customer}, ${catalog})',
    ]);
  });

  it('reports a missing notebook source, and one that escapes the root', () => {
    const acme = `${revision()['customers/acme.yaml']!}  notebooks:
    - { path: /Workspace/Acme/Start, source: notebooks/start.py, language: PYTHON }
    - { path: /Workspace/Acme/Secrets, source: ../../etc/passwd, language: PYTHON }
`;
    expect(issuesOf({ 'customers/acme.yaml': acme })).toEqual([
      'customers/acme.yaml:13:46: spec.notebooks[0].source: notebook source "notebooks/start.py" not found under the desired-state root',
      'customers/acme.yaml:14:48: spec.notebooks[1].source: notebook source "../../etc/passwd" escapes the desired-state root',
    ]);
  });

  it('reports the second of two documents with one name, naming the first', () => {
    expect(issuesOf({ 'workspaces/staging.yaml': revision()['workspaces/prod.yaml']! })).toEqual([
      'workspaces/staging.yaml:3:19: metadata.name: duplicate Workspace "prod": first defined at workspaces/prod.yaml:3:19',
    ]);
  });
});

describe('references inside a customer', () => {
  it('reports bindings, notebook levels and location grants naming what the customer does not have', () => {
    const acme = yaml`
      apiVersion: onboarder/v1
      kind: Customer
      metadata: { name: acme }
      spec:
        workspaces: [prod]
        personas:
          analysts:
            template: analysts
            grants:
              - on: { externalLocation: acme_landing }
                privileges: [READ_FILES]
        catalog: { name: customer_acme, bindings: { dev: READ_ONLY }, schemas: [{ name: sales }, { name: sales }] }
        notebooks:
          - { path: /Workspace/Acme/Start, source: start.py, language: PYTHON, levels: { admins: CAN_EDIT } }
    `;
    expect(issuesOf({ 'customers/acme.yaml': acme, 'start.py': 'print(1)' })).toEqual([
      'customers/acme.yaml:10:15: spec.personas.analysts.grants[0].on: grant on external location "acme_landing", ' +
        'which customer "acme" does not declare',
      'customers/acme.yaml:12:47: spec.catalog.bindings.dev: workspace "dev" is not one of the customer\'s workspaces',
      'customers/acme.yaml:12:100: spec.catalog.schemas[1].name: duplicate schema "sales": first listed at customers/acme.yaml:12:83',
      'customers/acme.yaml:14:84: spec.notebooks[0].levels.admins: unknown persona "admins" (customer "acme" declares: analysts)',
    ]);
  });

  it('rejects an ISOLATED catalog that no customer workspace may write to', () => {
    const acme = (bindings: string) => yaml`
      apiVersion: onboarder/v1
      kind: Customer
      metadata: { name: acme }
      spec:
        workspaces: [prod]
        personas: { analysts: {} }
        catalog: { name: customer_acme, isolation: ISOLATED${bindings} }
    `;
    const message = "an ISOLATED catalog must be bound READ_WRITE to at least one of the customer's workspaces, or nobody (onboarder included) could change it";
    expect(issuesOf({ 'customers/acme.yaml': acme('') })).toEqual([`customers/acme.yaml:7:46: spec.catalog.isolation: ${message}`]);
    expect(issuesOf({ 'customers/acme.yaml': acme(', bindings: { prod: READ_ONLY }') })).toEqual([
      `customers/acme.yaml:7:66: spec.catalog.bindings: ${message}`,
    ]);
    expect(loadDesiredStateFromFiles(revision({ 'customers/acme.yaml': acme(', bindings: { prod: READ_WRITE }') })).ok).toBe(true);
  });

  it('reports a user listed twice in one roster, ignoring case, and two display names across rosters', () => {
    const roster = `${revision()['customers/acme-roster.yaml']!}    - { userName: Jane@acme.com, displayName: Jane, personas: [] }\n`;
    const globex = customer('  workspaces: [prod]\n  personas:\n    readers: {}\n', 'globex');
    const globexRoster =
      'apiVersion: onboarder/v1\nkind: Roster\nmetadata: { name: globex }\nspec:\n  users:\n' +
      '    - { userName: jane@acme.com, displayName: Jane Doe, personas: [readers] }\n';
    expect(
      issuesOf({ 'customers/acme-roster.yaml': roster, 'customers/globex.yaml': globex, 'customers/globex-roster.yaml': globexRoster }),
    ).toEqual([
      'customers/acme-roster.yaml:7:19: spec.users[1].userName: duplicate user "jane@acme.com": first listed at customers/acme-roster.yaml:6:19',
      'customers/globex-roster.yaml:6:47: spec.users[0].displayName: user jane@acme.com has displayName "Jane Doe" here ' +
        'but "Jane" at customers/acme-roster.yaml:7:47',
    ]);
  });
});

describe('protected groups', () => {
  it('rejects a persona whose group is `users`: no entitlement, grant or member may target it', () => {
    const acme = revision()['customers/acme.yaml']!.replace('{ template: analysts }', '{ template: analysts, group: users }');
    expect(codesOf({ 'customers/acme.yaml': acme })).toEqual(['PROTECTED_GROUP']);
    expect(issuesOf({ 'customers/acme.yaml': acme })).toEqual([
      'customers/acme.yaml:8:44: spec.personas.analysts.group: group "users" of persona "analysts" is a protected group ' +
        '(users, admins, users-clone-*): onboarder never sets its entitlements, grants or members',
    ]);
  });

  it("checks the default group name against the workspace's own patterns, ignoring case", () => {
    const workspace = `${revision()['workspaces/prod.yaml']!}  protectedGroups: [users, admins, "Customer-*"]\n`;
    expect(issuesOf({ 'workspaces/prod.yaml': workspace })).toEqual([
      'customers/acme.yaml:8:5: spec.personas.analysts: group "customer-acme-analysts" of persona "analysts" is a protected group ' +
        '(users, admins, users-clone-*, Customer-*): onboarder never sets its entitlements, grants or members',
    ]);
  });

  it("protects the default groups even where a Workspace's own list leaves them out", () => {
    const workspace = `${revision()['workspaces/prod.yaml']!}  protectedGroups: ["finance-*"]\n`;
    const acme = revision()['customers/acme.yaml']!.replace('{ template: analysts }', '{ template: analysts, group: admins }');
    expect(codesOf({ 'workspaces/prod.yaml': workspace, 'customers/acme.yaml': acme })).toEqual(['PROTECTED_GROUP']);
    expect(issuesOf({ 'workspaces/prod.yaml': workspace, 'customers/acme.yaml': acme })[0]).toMatch(
      /group "admins" of persona "analysts" is a protected group \(users, admins, users-clone-\*, finance-\*\)/,
    );
  });

  it('rejects users-clone-* groups too', () => {
    const acme = revision()['customers/acme.yaml']!.replace('{ template: analysts }', '{ template: analysts, group: users-clone-7 }');
    expect(codesOf({ 'customers/acme.yaml': acme })).toEqual(['PROTECTED_GROUP']);
    expect(issuesOf({ 'customers/acme.yaml': acme })[0]).toMatch(/^customers\/acme\.yaml:8:44: .*group "users-clone-7" /);
  });
});

describe('values', () => {
  it('rejects SELECT on an external location', () => {
    const acme = `${revision()['customers/acme.yaml']!}  externalLocations:
    - name: acme_raw
      url: s3://acme/raw/
      credential: acme-credential
      grants: { analysts: [READ_FILES, SELECT] }
`;
    expect(issuesOf({ 'customers/acme.yaml': acme })).toEqual([
      'customers/acme.yaml:16:40: spec.externalLocations[0].grants.analysts[1]: privilege SELECT is not valid on an external location ' +
        '(valid: ALL_PRIVILEGES, BROWSE, CREATE_EXTERNAL_TABLE, CREATE_EXTERNAL_VOLUME, CREATE_MANAGED_STORAGE, MANAGE, READ_FILES, WRITE_FILES)',
    ]);
  });

  it('rejects a privilege the securable type does not have, in a template', () => {
    const template = revision()['personas/analysts.yaml']!.replace('privileges: [USE_CATALOG]', 'privileges: [USE_CATALOG, READ_FILES]');
    expect(codesOf({ 'personas/analysts.yaml': template })).toEqual(['INVALID_PRIVILEGE']);
    expect(issuesOf({ 'personas/analysts.yaml': template })).toEqual([
      expect.stringMatching(/^personas\/analysts\.yaml:9:33: spec\.grants\[0\]\.privileges\[1\]: privilege READ_FILES is not valid on a catalog \(valid: /),
    ]);
  });

  it('rejects workspace-consume combined with workspace-access in one list', () => {
    const roster = revision()['customers/acme-roster.yaml']!.replace(
      'personas: [analysts] }',
      'personas: [analysts], entitlements: [workspace-consume, workspace-access] }',
    );
    expect(issuesOf({ 'customers/acme-roster.yaml': roster })).toEqual([
      'customers/acme-roster.yaml:6:70: spec.users[0].entitlements: workspace-consume (consumer access) cannot be combined with workspace-access',
    ]);
  });

  it('checks warehouse cluster counts and auto-stop', () => {
    const acme = `${revision()['customers/acme.yaml']!}  warehouses:
    - { name: wh, size: Small, minClusters: 3, maxClusters: 2, autoStopMins: 5 }
`;
    expect(issuesOf({ 'customers/acme.yaml': acme })).toEqual([
      'customers/acme.yaml:13:61: spec.warehouses[0].maxClusters: maxClusters (2) must be at least minClusters (3)',
      'customers/acme.yaml:13:78: spec.warehouses[0].autoStopMins: must be 0 (never stop) or at least 10, got 5',
    ]);
  });

  it('rejects a service principal given two different applicationIds', () => {
    const acmeRoster = `${revision()['customers/acme-roster.yaml']!}  servicePrincipals:
    - { displayName: etl, applicationId: 11111111-1111-4111-8111-111111111111, personas: [analysts] }
`;
    const globex = customer('  workspaces: [prod]\n  personas:\n    readers: {}\n', 'globex');
    const globexRoster = yaml`
      apiVersion: onboarder/v1
      kind: Roster
      metadata: { name: globex }
      spec:
        servicePrincipals:
          - { displayName: etl, applicationId: 22222222-2222-4222-8222-222222222222, personas: [readers] }
    `;
    expect(
      issuesOf({
        'customers/acme-roster.yaml': acmeRoster,
        'customers/globex.yaml': globex,
        'customers/globex-roster.yaml': globexRoster,
      }),
    ).toEqual([
      'customers/globex-roster.yaml:6:42: spec.servicePrincipals[0].applicationId: service principal "etl" has applicationId ' +
        '"22222222-2222-4222-8222-222222222222" here but "11111111-1111-4111-8111-111111111111" at customers/acme-roster.yaml:8:42',
    ]);
  });
});

describe('names across customers', () => {
  it("rejects a second customer reusing the first's catalog and group names", () => {
    const globex = yaml`
      apiVersion: onboarder/v1
      kind: Customer
      metadata: { name: globex }
      spec:
        workspaces: [prod]
        personas:
          analysts: { template: analysts, group: Customer-Acme-Analysts }
        catalog: { name: customer_acme, schemas: [{ name: sales }] }
    `;
    expect(codesOf({ 'customers/globex.yaml': globex })).toEqual(['NAME_COLLISION', 'NAME_COLLISION']);
    expect(issuesOf({ 'customers/globex.yaml': globex })).toEqual([
      'customers/globex.yaml:7:44: spec.personas.analysts.group: group "Customer-Acme-Analysts" collides with customer "acme" (customers/acme.yaml:8:5)',
      'customers/globex.yaml:8:20: spec.catalog.name: catalog "customer_acme" collides with customer "acme" (customers/acme.yaml:10:11)',
    ]);
  });

  it('rejects two customers declaring the same warehouse, policy or notebook path', () => {
    const objects = `  warehouses: [{ name: shared-wh, size: Small }]
  clusterPolicies: [{ name: shared-policy, definition: {} }]
  notebooks: [{ path: /Shared/Start, source: start.sql, language: SQL }]
`;
    const acme = `${revision()['customers/acme.yaml']!}${objects}`;
    const globex = customer(`  workspaces: [prod]\n${objects}`, 'globex');
    expect(issuesOf({ 'customers/acme.yaml': acme, 'customers/globex.yaml': globex, 'start.sql': 'SELECT 1' })).toEqual([
      'customers/globex.yaml:6:24: spec.warehouses[0].name: warehouse "shared-wh" collides with customer "acme" (customers/acme.yaml:12:24)',
      'customers/globex.yaml:7:29: spec.clusterPolicies[0].name: cluster policy "shared-policy" collides with customer "acme" (customers/acme.yaml:13:29)',
      'customers/globex.yaml:8:23: spec.notebooks[0].path: notebook path "/Shared/Start" collides with customer "acme" (customers/acme.yaml:14:23)',
    ]);
  });
});

describe('a revision with many problems', () => {
  it('reports every issue, sorted by file and position, not only the first', () => {
    const changes = {
      'workspaces/prod.yaml': undefined,
      'personas/analysts.yaml': revision()['personas/analysts.yaml']!.replace('notebooks: CAN_READ', 'notebooks: CAN_USE'),
      'customers/acme-roster.yaml': revision()['customers/acme-roster.yaml']!.replace('[analysts]', '[analysts, ghosts]'),
    };
    expect(codesOf(changes)).toEqual(['DANGLING_REFERENCE', 'DANGLING_REFERENCE', 'INVALID_VALUE']);
    const issues = issuesOf(changes);
    expect(issues).toEqual([
      'customers/acme-roster.yaml:6:55: spec.users[0].personas[1]: unknown persona "ghosts" (customer "acme" declares: analysts)',
      'customers/acme.yaml:6:16: spec.workspaces[0]: unknown Workspace "prod"',
      'personas/analysts.yaml:13:14: spec.notebooks: "CAN_USE" is not one of: CAN_READ, CAN_RUN, CAN_EDIT, CAN_MANAGE',
    ]);
  });
});
