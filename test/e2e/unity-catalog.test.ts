/**
 * Unity Catalog onboarding end to end: the real CLI against the simulator
 * over real HTTP. The simulator enforces the API's rules (privileges per
 * securable, principals that exist, isolation and bindings), so a plan
 * that gets the order or a payload wrong fails here.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { connectLive } from '../../src/connect.js';
import { applyPass } from '../../src/loop/reconciler.js';
import { loadOrThrow } from '../../src/desired/load.js';
import { useExampleAccount } from '../support/example-account.js';

const PROD = '1234567890123456';

const example = useExampleAccount();
const { plan, apply } = example;
const writes = () => example.account.sim.requests.filter((r) => r.method !== 'GET');

async function editAcme(edit: (text: string) => string): Promise<void> {
  const file = path.join(example.dir, 'customers/acme/customer.yaml');
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

describe("the example's Unity Catalog objects", () => {
  it('are created by apply (catalog, schemas, binding, isolation, location, every persona grant), then plan is empty', async () => {
    const applied = await apply();
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);

    const uc = example.account.sim.state.uc;
    const catalog = uc.catalog('customer_acme');
    expect(catalog).toMatchObject({ comment: 'Acme Corp customer catalog', isolationMode: 'ISOLATED' });
    expect(uc.bindings('customer_acme')).toEqual([{ workspaceId: PROD, bindingType: 'BINDING_TYPE_READ_WRITE' }]);
    expect(uc.schemas('customer_acme').map((s) => s.name)).toEqual(['curated', 'default', 'marketing', 'raw', 'sales']);
    expect(uc.schema('customer_acme.sales')?.comment).toBe('Acme Corp sales data');
    expect(uc.externalLocation('customer_acme_raw_data')).toMatchObject({
      url: 's3://acme-databricks-data/raw',
      credentialName: 'aws-acme-credential',
      readOnly: false,
      comment: 'Acme Corp raw files',
    });

    expect(uc.grants('catalog', 'customer_acme')).toEqual([
      { principal: 'acme-platform-admins', privileges: ['ALL_PRIVILEGES'] },
      { principal: 'customer-acme-analysts', privileges: ['USE_CATALOG'] },
      { principal: 'customer-acme-auditors', privileges: ['USE_CATALOG'] },
      { principal: 'customer-acme-engineers', privileges: ['USE_CATALOG'] },
      { principal: 'customer-acme-scientists', privileges: ['USE_CATALOG'] },
    ]);
    expect(uc.grants('schema', 'customer_acme.sales')).toEqual([
      { principal: 'customer-acme-analysts', privileges: ['SELECT', 'USE_SCHEMA'] },
      { principal: 'customer-acme-auditors', privileges: ['SELECT', 'USE_SCHEMA'] },
    ]);
    expect(uc.grants('schema', 'customer_acme.raw')).toEqual([
      { principal: 'customer-acme-engineers', privileges: ['CREATE_TABLE', 'MODIFY', 'SELECT', 'USE_SCHEMA'] },
    ]);
    expect(uc.grants('external_location', 'customer_acme_raw_data')).toEqual([
      { principal: 'customer-acme-engineers', privileges: ['CREATE_EXTERNAL_TABLE', 'READ_FILES', 'WRITE_FILES'] },
      { principal: 'customer-acme-scientists', privileges: ['READ_FILES'] },
    ]);
    expect(uc.catalog('customer_globex')?.isolationMode).toBe('ISOLATED');

    const again = await plan('--detailed-exitcode');
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);
  });

  it('reads the grants of each securable with one request, and never writes on a no-op plan', async () => {
    expect((await apply()).code).toBe(0);
    example.account.sim.clearRequests();
    expect((await plan('--detailed-exitcode')).code).toBe(0);
    expect(writes()).toEqual([]);
    const grantReads = example.account.sim.requests.filter((r) => r.path.includes('/unity-catalog/permissions/'));
    // acme: catalog + 4 schemas + 1 location; globex: catalog + 2 schemas.
    expect(grantReads.map((r) => decodeURIComponent(r.path.split('/permissions/')[1]!)).sort()).toEqual([
      'catalog/customer_acme',
      'catalog/customer_globex',
      'external_location/customer_acme_raw_data',
      'schema/customer_acme.curated',
      'schema/customer_acme.marketing',
      'schema/customer_acme.raw',
      'schema/customer_acme.sales',
      'schema/customer_globex.curated',
      'schema/customer_globex.raw',
    ]);
  });
});

describe('grants made by hand', () => {
  it('are revoked on the next apply, the plan naming the outside principal', async () => {
    expect((await apply()).code).toBe(0);
    const outsider = example.account.sim.state.createUser({ userName: 'mallory@example.com' });
    example.account.sim.state.uc.grant('catalog', 'customer_acme', outsider.userName, ['SELECT']);

    const planned = await plan('--detailed-exitcode');
    expect(planned.code).toBe(2);
    expect(planned.stdout).toContain('~ grants');
    expect(planned.stdout).toContain('- mallory@example.com: SELECT (not managed by onboarder)');

    expect((await apply()).code).toBe(0);
    expect(example.account.sim.state.uc.grants('catalog', 'customer_acme').map((a) => a.principal)).not.toContain('mallory@example.com');
    expect((await plan('--detailed-exitcode')).code).toBe(0);
  });

  it('are left alone under grants: additive, while missing ones are still added', async () => {
    await editAcme((text) => text.replace('grants: authoritative', 'grants: additive'));
    expect((await apply()).code).toBe(0);
    const outsider = example.account.sim.state.createUser({ userName: 'mallory@example.com' });
    example.account.sim.state.uc.grant('catalog', 'customer_acme', outsider.userName, ['SELECT']);
    example.account.sim.state.uc.setGrants('schema', 'customer_acme.sales', []);

    expect((await apply()).code).toBe(0);
    expect(example.account.sim.state.uc.grants('catalog', 'customer_acme')).toContainEqual({ principal: 'mallory@example.com', privileges: ['SELECT'] });
    expect(example.account.sim.state.uc.grants('schema', 'customer_acme.sales')).toHaveLength(2);
    expect((await plan('--detailed-exitcode')).code).toBe(0);
  });
});

describe('bad input touching Unity Catalog', () => {
  it('a credential the account lacks is a located plan error, and nothing is applied', async () => {
    await editAcme((text) => text.replace('credential: aws-acme-credential', 'credential: aws-acme-credentail'));
    const applied = await apply();
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain(
      'customers/acme/customer.yaml:47:19: spec.externalLocations[0].credential: storage credential "aws-acme-credentail" does not exist',
    );
    expect(applied.stderr).toContain('known: aws-acme-credential');
    expect(writes()).toEqual([]);
  });

  it('plan --json gives that rejection as data: the issue, located, with its code', async () => {
    await editAcme((text) => text.replace('credential: aws-acme-credential', 'credential: aws-acme-credentail'));
    const planned = await plan('--json');
    expect(planned.code).toBe(1);
    expect(JSON.parse(planned.stdout)).toEqual({
      formatVersion: 1,
      valid: false,
      issues: [
        {
          file: 'customers/acme/customer.yaml',
          line: 47,
          column: 19,
          path: 'spec.externalLocations[0].credential',
          code: 'MISSING_STORAGE_CREDENTIAL',
          message: expect.stringMatching(/^storage credential "aws-acme-credentail" does not exist .*known: aws-acme-credential$/),
        },
      ],
    });
    expect(planned.stderr).toContain('spec.externalLocations[0].credential: storage credential "aws-acme-credentail" does not exist');
  });

  it('an invalid privilege for the securable and a grant on an undeclared schema reject the revision before any request', async () => {
    await editAcme((text) =>
      text
        .replace('scientists: [READ_FILES]', 'scientists: [SELECT]')
        .replace('on: { schema: customer_acme.marketing }', 'on: { schema: customer_acme.finance }'),
    );
    const applied = await apply();
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('spec.externalLocations[0].grants.scientists[0]');
    expect(applied.stderr).toContain('"customer_acme.finance", which customer "acme" does not declare');
    expect(example.account.sim.requests).toEqual([]);
  });
});

describe('drift in the catalog itself', () => {
  it('re-binds and re-isolates a catalog opened by hand, and recreates a dropped schema', async () => {
    expect((await apply()).code).toBe(0);
    const uc = example.account.sim.state.uc;
    uc.updateCatalog('customer_acme', { isolationMode: 'OPEN' });
    uc.updateBindings('catalog', 'customer_acme', { remove: [PROD] });
    uc.deleteSchema('customer_acme.marketing');

    const planned = await plan();
    expect(planned.stdout).toMatch(/~ catalog-bindings\s+customer_acme/);
    expect(planned.stdout).toContain('+ prod: READ_WRITE');
    expect(planned.stdout).toContain('isolation: "OPEN" -> "ISOLATED"');
    expect(planned.stdout).toMatch(/\+ schema\s+customer_acme\.marketing/);

    expect((await apply()).code).toBe(0);
    expect(uc.catalog('customer_acme')?.isolationMode).toBe('ISOLATED');
    expect(uc.grants('schema', 'customer_acme.marketing')).toEqual([
      { principal: 'customer-acme-analysts', privileges: ['SELECT', 'USE_SCHEMA'] },
    ]);
    expect((await plan('--detailed-exitcode')).code).toBe(0);
  });

  it('repairs a catalog isolated away from its home workspace over two passes', async () => {
    expect((await apply()).code).toBe(0);
    const uc = example.account.sim.state.uc;
    uc.updateBindings('catalog', 'customer_acme', { remove: [PROD] });
    uc.setGrants('catalog', 'customer_acme', []);

    expect((await apply()).code).toBe(0); // binds prod again: the catalog is readable from then on
    expect(uc.bindings('customer_acme')).toEqual([{ workspaceId: PROD, bindingType: 'BINDING_TYPE_READ_WRITE' }]);
    expect((await apply()).code).toBe(0); // now sees and restores the grants
    expect(uc.grants('catalog', 'customer_acme')).toHaveLength(5);
    expect((await plan('--detailed-exitcode')).code).toBe(0);
  });
});

describe('a principal Unity Catalog cannot see yet', () => {
  async function reconcile(visibilityTimeoutMs: number) {
    const config = parseConfig(['apply', example.dir], example.account.env, false).config!;
    const logger = pino({ level: 'silent' });
    const connection = connectLive(config, { logger, visibilityTimeoutMs });
    try {
      const desired = await loadOrThrow(example.dir, config.databricks.trustedHosts);
      return await applyPass(desired, { live: connection.port, logger, diffOptions: { principals: 'create' } });
    } finally {
      await connection.close();
    }
  }

  it('is waited for while identity propagates, and the grants then land', async () => {
    example.account.sim.faults.principalPropagationMs = 1_500;
    const { report } = await reconcile(20_000);
    expect(report?.failed).toBe(0);
    expect(example.account.sim.state.uc.grants('catalog', 'customer_acme')).toHaveLength(5);
    const refused = example.account.sim.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/permissions/') && r.status === 400);
    expect(refused.length).toBeGreaterThan(0);
  });

  it('is reported as not yet visible once the wait is over, and converges on a later pass', async () => {
    example.account.sim.faults.principalPropagationMs = 60_000;
    const { report } = await reconcile(1_000);
    const failed = report!.results.filter((r) => r.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.action.kind === 'grants')).toBe(true);
    expect(failed[0]!.error).toMatch(/exists in the account but is not yet visible to Unity Catalog .*retried on the next reconcile/);

    example.account.sim.faults.principalPropagationMs = 0;
    expect((await reconcile(1_000)).report?.failed).toBe(0);
    expect((await plan('--detailed-exitcode')).code).toBe(0);
  });
});
