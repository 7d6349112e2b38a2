/**
 * Live state is read by listing, never object by object: a no-op plan of
 * 1,000 users and 50 groups costs a fixed number of list pages plus one GET
 * per managed group (account group lists no longer carry members).
 */
import { describe, expect, it } from 'vitest';
import { writeEstate } from '../support/random-estate.js';
import { runCli, startSimulatedAccount } from '../support/harness.js';

const CUSTOMERS = 10;
const PERSONAS = ['analysts', 'engineers', 'scientists', 'viewers', 'admins'];
const USERS_PER_CUSTOMER = 100;
const PAGE = 100;

function largeEstate(): Record<string, string> {
  const doc = (kind: string, name: string, spec: unknown) => JSON.stringify({ apiVersion: 'onboarder/v1', kind, metadata: { name }, spec });
  const files: Record<string, string> = {
    'workspace.yaml': doc('Workspace', 'prod', { workspaceId: '1234567890123456' }),
    'personas.yaml': PERSONAS.map((p) => doc('PersonaTemplate', p, { entitlements: ['databricks-sql-access'] })).join('\n---\n'),
  };
  for (let c = 0; c < CUSTOMERS; c++) {
    const personas = Object.fromEntries(PERSONAS.map((p) => [p, { template: p }]));
    const users = Array.from({ length: USERS_PER_CUSTOMER }, (_, u) => ({
      userName: `user${u}@customer${c}.example.com`,
      personas: [PERSONAS[u % PERSONAS.length]],
    }));
    files[`customer${c}.yaml`] = [
      doc('Customer', `customer${c}`, { workspaces: ['prod'], personas }),
      doc('Roster', `customer${c}`, { users }),
    ].join('\n---\n');
  }
  return files;
}

/** Pages a SCIM list of n items takes: the pages holding them, then the empty page that ends it. */
const pages = (n: number) => Math.ceil(n / PAGE) + 1;

describe('read cost', () => {
  it('a no-op plan of 1,000 users and 50 groups lists pages and GETs each managed group once', async () => {
    const account = await startSimulatedAccount({ maxPageSize: PAGE });
    try {
      const dir = await writeEstate(largeEstate());
      const env = { ...account.env, ONBOARDER_LOG_LEVEL: 'warn', ONBOARDER_SCIM_PAGE_SIZE: String(PAGE) };
      expect((await runCli(['apply', dir], env)).code).toBe(0);

      account.sim.clearRequests();
      const planned = await runCli(['plan', dir, '--detailed-exitcode'], env);
      expect(planned.code).toBe(0);

      const users = CUSTOMERS * USERS_PER_CUSTOMER; // 1,000
      const groups = CUSTOMERS * PERSONAS.length; // 50
      const servicePrincipals = 1; // the controller's own
      const requests = account.sim.requests;
      const count = (family: string, pattern: RegExp) =>
        requests.filter((r) => r.family === family && r.method === 'GET' && pattern.test(r.path)).length;
      expect(requests.every((r) => r.method === 'GET')).toBe(true);
      expect(count('account-scim', /\/Users$/)).toBe(pages(users));
      expect(count('account-scim', /\/ServicePrincipals$/)).toBe(pages(servicePrincipals));
      expect(count('account-scim', /\/Groups$/)).toBe(pages(groups));
      expect(count('account-scim', /\/Groups\/\d+$/)).toBe(groups);
      expect(count('account-scim', /\/(Users|ServicePrincipals)\/\d+$/)).toBe(0);
      expect(count('workspace-assignment', /permissionassignments$/)).toBe(1);
      expect(count('workspace-scim', /\/Users$/)).toBe(pages(users));
      expect(count('workspace-scim', /\/Groups$/)).toBe(pages(groups + 2)); // plus users and admins
      expect(count('workspace-scim', /\/ServicePrincipals$/)).toBe(pages(servicePrincipals));
      // The inventory: who onboarder is (its home folder), the folder list, the newest generation.
      expect(count('workspace-scim', /\/Me$/)).toBe(1);
      expect(count('workspace', /\/workspace\/list$/)).toBe(1);
      expect(count('workspace', /\/workspace\/export$/)).toBe(1);
      expect(requests.length).toBe(
        2 * pages(users) + 2 * pages(servicePrincipals) + pages(groups) + groups + 1 + pages(groups + 2) + 3,
      );
    } finally {
      await account.close();
    }
  }, 120_000);
});

const UC_CUSTOMERS = 50;
const SCHEMAS = ['raw', 'curated', 'sales', 'marketing'];

function catalogEstate(): Record<string, string> {
  const doc = (kind: string, name: string, spec: unknown) => JSON.stringify({ apiVersion: 'onboarder/v1', kind, metadata: { name }, spec });
  const files: Record<string, string> = {
    'workspace.yaml': doc('Workspace', 'prod', { workspaceId: '1234567890123456' }),
    'personas.yaml': [
      doc('PersonaTemplate', 'readers', {
        grants: [
          { on: { catalog: '${catalog}' }, privileges: ['USE_CATALOG'] },
          ...SCHEMAS.map((s) => ({ on: { schema: `\${catalog}.${s}` }, privileges: ['USE_SCHEMA', 'SELECT'] })),
        ],
      }),
      doc('PersonaTemplate', 'writers', {
        grants: SCHEMAS.map((s) => ({ on: { schema: `\${catalog}.${s}` }, privileges: ['MODIFY', 'CREATE_TABLE'] })),
      }),
    ].join('\n---\n'),
  };
  for (let c = 0; c < UC_CUSTOMERS; c++) {
    files[`customer${c}.yaml`] = doc('Customer', `customer${c}`, {
      workspaces: ['prod'],
      personas: { readers: { template: 'readers' }, writers: { template: 'writers' } },
      catalog: { name: `customer_${c}`, isolation: 'ISOLATED', bindings: { prod: 'READ_WRITE' }, schemas: SCHEMAS.map((name) => ({ name })) },
    });
  }
  return files;
}

describe('Unity Catalog read cost', () => {
  it('a no-op plan of 50 customers with 4 schemas each reads the grants of every securable once', async () => {
    const account = await startSimulatedAccount();
    try {
      const dir = await writeEstate(catalogEstate());
      const env = { ...account.env, ONBOARDER_LOG_LEVEL: 'warn' };
      expect((await runCli(['apply', dir], env)).code).toBe(0);

      account.sim.clearRequests();
      expect((await runCli(['plan', dir, '--detailed-exitcode'], env)).code).toBe(0);

      const uc = account.sim.requests.filter((r) => r.family === 'unity-catalog');
      expect(uc.every((r) => r.method === 'GET')).toBe(true);
      const grantReads = uc.filter((r) => r.path.includes('/permissions/')).map((r) => r.path);
      const securables = UC_CUSTOMERS * (1 + SCHEMAS.length); // 250
      expect(grantReads).toHaveLength(securables);
      expect(new Set(grantReads).size).toBe(securables); // at most one request per securable
      // Per customer: the catalog, its bindings, one page of schemas, and the grants.
      const count = (pattern: RegExp) => uc.filter((r) => pattern.test(r.path)).length;
      expect(count(/\/catalogs\/[^/]+$/)).toBe(UC_CUSTOMERS);
      expect(count(/\/bindings\/catalog\//)).toBe(UC_CUSTOMERS);
      expect(count(/\/schemas$/)).toBe(UC_CUSTOMERS);
      expect(uc).toHaveLength(UC_CUSTOMERS * 3 + securables);
    } finally {
      await account.close();
    }
  }, 120_000);
});
