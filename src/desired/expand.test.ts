import { describe, expect, it } from 'vitest';
import { formatIssue } from '../domain/errors.js';
import { revision, yaml } from '../../test/fixtures/desired/revision.js';
import { loadDesiredStateFromFiles } from './load.js';

function stateOf(changes: Record<string, string | undefined>) {
  const result = loadDesiredStateFromFiles(revision(changes));
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.state;
}

describe('expansion', () => {
  it('normalises "USE CATALOG" to USE_CATALOG and merges grants per (securable, principal)', () => {
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
              - on: { catalog: customer_acme }
                privileges: ["USE CATALOG", "BROWSE", USE_CATALOG]
              - on: { schema: customer_acme.sales }
                privileges: [MODIFY]
        catalog: { name: customer_acme, schemas: [{ name: sales }] }
    `;
    const grants = stateOf({ 'customers/acme.yaml': acme }).customers[0]?.grants;
    expect(grants?.map(({ securable, principal, privileges }) => ({ securable, principal, privileges }))).toEqual([
      {
        securable: { type: 'catalog', fullName: 'customer_acme' },
        principal: 'customer-acme-analysts',
        privileges: ['BROWSE', 'USE_CATALOG'],
      },
      {
        securable: { type: 'schema', fullName: 'customer_acme.sales' },
        principal: 'customer-acme-analysts',
        privileges: ['MODIFY', 'SELECT', 'USE_SCHEMA'],
      },
    ]);
    // The merged grant keeps the location of its first contributor: the template.
    expect(grants?.[0]?.source).toEqual({ file: 'personas/analysts.yaml', line: 8, column: 11, path: ['spec', 'grants', 0, 'on'] });
  });

  it('lets persona fields replace the template (null included) and substitutes placeholders', () => {
    const acme = revision()['customers/acme.yaml']!.replace(
      '{ template: analysts }',
      '{ template: analysts, displayName: "${customer} readers of ${catalog}", warehouses: null, entitlements: [workspace-consume] }',
    );
    const [persona] = stateOf({ 'customers/acme.yaml': acme }).customers[0]?.personas ?? [];
    expect(persona).toEqual({
      name: 'analysts',
      group: 'customer-acme-analysts',
      label: 'Acme Corp readers of customer_acme',
      entitlements: ['workspace-consume'],
      warehouses: null,
      clusterPolicies: null,
      notebooks: 'CAN_READ',
    });
  });

  it('fills defaults: label, warehouse sizing, catalog isolation, membership modes', () => {
    const acme = yaml`
      apiVersion: onboarder/v1
      kind: Customer
      metadata: { name: acme }
      spec:
        workspaces: [prod]
        membership: additive
        personas:
          readers: {}
        warehouses: [{ name: wh, size: Small, minClusters: 2 }]
    `;
    const state = stateOf({ 'customers/acme.yaml': acme, 'customers/acme-roster.yaml': undefined });
    const customer = state.customers[0];
    expect(customer).toMatchObject({ displayName: 'acme', membership: 'additive', membershipExplicit: true, grantsMode: 'authoritative' });
    expect(customer?.warehouses[0]).toMatchObject({ minClusters: 2, maxClusters: 2, autoStopMins: 120, serverless: false, tags: {}, permissions: {} });
    expect(state.groups).toEqual([
      expect.objectContaining({ displayName: 'customer-acme-readers', label: 'acme readers', entitlements: [], members: [], membership: 'additive' }),
    ]);
    expect(state.principals).toEqual([]);
  });

  it("forces the customer's tags into cluster policies and merges them under warehouse tags", () => {
    const acme = `${revision()['customers/acme.yaml']!}  tags: { team: data, owner: acme }
  warehouses: [{ name: wh, size: Small, tags: { team: bi } }]
  clusterPolicies:
    - name: policy
      definition:
        custom_tags.team: { type: fixed, value: someone-else }
        spark_version: { type: unlimited }
`;
    const customer = stateOf({ 'customers/acme.yaml': acme }).customers[0];
    expect(customer?.warehouses[0]?.tags).toEqual({ owner: 'acme', team: 'bi' });
    expect(customer?.clusterPolicies[0]?.definition).toEqual({
      'custom_tags.owner': { type: 'fixed', value: 'acme' },
      'custom_tags.team': { type: 'fixed', value: 'data' },
      spark_version: { type: 'unlimited' },
    });
  });

  it('merges a principal listed by two rosters: customers, and entitlements per workspace of each', () => {
    const workspaceDev = 'apiVersion: onboarder/v1\nkind: Workspace\nmetadata: { name: dev }\nspec: { workspaceId: 7 }\n';
    const globex = 'apiVersion: onboarder/v1\nkind: Customer\nmetadata: { name: globex }\nspec:\n  workspaces: [dev, prod]\n  personas: { readers: {} }\n';
    const globexRoster = yaml`
      apiVersion: onboarder/v1
      kind: Roster
      metadata: { name: globex }
      spec:
        users:
          - { userName: Jane@Acme.com, displayName: Jane, personas: [readers], entitlements: [workspace-access] }
    `;
    const state = stateOf({
      'workspaces/dev.yaml': workspaceDev,
      'customers/globex.yaml': globex,
      'customers/globex-roster.yaml': globexRoster,
    });
    expect(state.principals).toEqual([
      {
        key: 'user:jane@acme.com',
        type: 'user',
        userName: 'jane@acme.com',
        displayName: 'Jane',
        customers: ['acme', 'globex'],
        entitlements: { dev: ['workspace-access'], prod: ['workspace-access'] },
        source: { file: 'customers/acme-roster.yaml', line: 6, column: 7, path: ['spec', 'users', 0] },
      },
    ]);
    expect(state.groups.find((group) => group.displayName === 'customer-globex-readers')?.members).toEqual(['user:jane@acme.com']);
    expect(state.workspaces.map((workspace) => [workspace.name, workspace.workspaceId])).toEqual([
      ['dev', '7'],
      ['prod', '42'],
    ]);
  });

  it('takes an offboarded customer for one that declares nothing, its roster ignored, and names it', () => {
    const globex = yaml`
      apiVersion: onboarder/v1
      kind: Customer
      metadata: { name: globex }
      spec:
        workspaces: [prod]
        offboard: true
        personas:
          analysts: { template: analysts }
        catalog: { name: customer_globex, schemas: [{ name: sales }] }
    `;
    const globexRoster = yaml`
      apiVersion: onboarder/v1
      kind: Roster
      metadata: { name: globex }
      spec:
        users:
          - { userName: jane@acme.com, personas: [analysts] }
          - { userName: hank@globex.com, personas: [analysts] }
    `;
    const state = stateOf({ 'customers/globex.yaml': globex, 'customers/globex-roster.yaml': globexRoster });
    expect(state.customers.map((c) => c.name)).toEqual(['acme']);
    expect(state.groups.map((g) => g.displayName)).toEqual(['customer-acme-analysts']);
    // Jane stays (Acme's roster lists her), for Acme alone; Hank was only Globex's.
    expect(state.principals.map((p) => [p.key, p.customers])).toEqual([['user:jane@acme.com', ['acme']]]);
    expect(state.offboarded).toEqual([{ name: 'globex', source: { file: 'customers/globex.yaml', line: 3, column: 19, path: ['metadata', 'name'] } }]);
    expect(stateOf({}).offboarded).toBeUndefined();
  });

  it('keeps a workspace id beyond 2^53 exactly as written', () => {
    const workspace = 'apiVersion: onboarder/v1\nkind: Workspace\nmetadata: { name: prod }\nspec: { workspaceId: 9007199254740993123 }\n';
    expect(stateOf({ 'workspaces/prod.yaml': workspace }).workspaces[0]?.workspaceId).toBe('9007199254740993123');
  });

  it('gives the same state for the same files, whatever their order', () => {
    const files = revision();
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    expect(JSON.stringify(loadDesiredStateFromFiles(reversed))).toBe(JSON.stringify(loadDesiredStateFromFiles(files)));
  });
});
