/**
 * Benchmark: load, observe, diff and apply for a large estate on the
 * embedded simulator over real HTTP. Prints its figures; asserts nothing
 * (speed and memory targets live here, never in timed unit tests).
 *
 *   npm run bench                       # 50 customers x 5 personas x 40 users
 *   BENCH_CUSTOMERS=200 npm run bench
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { connectLive } from '../src/connect.js';
import { parseConfig } from '../src/config.js';
import { loadDesiredState } from '../src/desired/load.js';
import { diff } from '../src/plan/diff.js';
import { emptyUnityCatalog } from '../src/domain/live.js';
import { EMPTY_INVENTORY } from '../src/domain/inventory.js';
import { applyPass } from '../src/loop/reconciler.js';
import { createSimulator, DEFAULT_PAT } from '../src/simulator/index.js';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 50);
const usersPerCustomer = Number(process.env.BENCH_USERS_PER_CUSTOMER ?? 40);
const personas = ['analysts', 'engineers', 'scientists', 'viewers', 'admins'];

async function writeLargeEstate(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onboarder-bench-'));
  const doc = (kind: string, name: string, spec: unknown) => JSON.stringify({ apiVersion: 'onboarder/v1', kind, metadata: { name }, spec });
  await writeFile(path.join(dir, 'workspace.yaml'), doc('Workspace', 'prod', { workspaceId: '1234567890123456' }));
  await writeFile(
    path.join(dir, 'personas.yaml'),
    personas.map((p) => doc('PersonaTemplate', p, { entitlements: ['databricks-sql-access'] })).join('\n---\n'),
  );
  await mkdir(path.join(dir, 'customers'));
  for (let c = 0; c < customers; c++) {
    const users = Array.from({ length: usersPerCustomer }, (_, u) => ({
      userName: `user${u}@customer${c}.example.com`,
      personas: [personas[u % personas.length], personas[(u + 1) % personas.length]],
    }));
    await writeFile(
      path.join(dir, 'customers', `c${c}.yaml`),
      [doc('Customer', `c${c}`, { workspaces: ['prod'], personas: Object.fromEntries(personas.map((p) => [p, { template: p }])) }), doc('Roster', `c${c}`, { users })].join('\n---\n'),
    );
  }
  return dir;
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

const dir = await writeLargeEstate();
const simulator = createSimulator({ maxPageSize: 500 });
const url = await simulator.listen();
const env = { DATABRICKS_ACCOUNT_HOST: url, DATABRICKS_ACCOUNT_ID: simulator.accountId, DATABRICKS_HOST: url, DATABRICKS_TOKEN: DEFAULT_PAT, ONBOARDER_RATE_LIMITS: 'none', ONBOARDER_SCIM_PAGE_SIZE: '500' };
const config = parseConfig(['plan', dir], env, false).config!;
const logger = pino({ level: 'silent' });
const connection = connectLive(config, { logger });

let t = process.hrtime.bigint();
const loaded = await loadDesiredState(dir);
if (!loaded.ok) throw new Error('bench estate is invalid');
const desired = loaded.state;
console.log(`estate: ${customers} customers, ${desired.groups.length} groups, ${desired.principals.length} users`);
console.log(`load + validate + expand: ${ms(t).toFixed(0)} ms`);

t = process.hrtime.bigint();
const first = await applyPass(desired, { live: connection.port, logger, diffOptions: { principals: 'create' } });
console.log(`first apply (from empty): ${ms(t).toFixed(0)} ms, ${first.report?.succeeded} actions, ${first.report?.failed} failed, ${simulator.requests.length} requests`);

simulator.clearRequests();
t = process.hrtime.bigint();
const live = await connection.port.observe(desired, EMPTY_INVENTORY);
console.log(`observe (no-op): ${ms(t).toFixed(0)} ms, ${simulator.requests.length} requests`);

const rounds = 20;
t = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) diff(desired, live, { principals: 'create' });
console.log(`diff (no-op): ${(ms(t) / rounds).toFixed(1)} ms per plan, ${diff(desired, live, { principals: 'create' }).actions.length} actions`);

const empty = { groups: [], users: [], servicePrincipals: [], workspaces: [{ name: 'prod', workspaceId: '1234567890123456', assignments: [], entitlements: {} }], unityCatalog: emptyUnityCatalog(), assets: {} };
t = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) diff(desired, empty, { principals: 'create' });
console.log(`diff (from empty): ${(ms(t) / rounds).toFixed(1)} ms per plan`);

global.gc?.();
const memory = process.memoryUsage();
console.log(`memory: rss ${mib(memory.rss)} MiB, heap used ${mib(memory.heapUsed)} MiB`);
await connection.close();
await simulator.close();
