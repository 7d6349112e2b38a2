/**
 * Benchmark: the status page for a large estate (200 customers, 5,000
 * drift items by default), rendered as the HTTP server renders it: the
 * overview, the busiest customer's page and /status.json. Prints the server
 * time per render; asserts nothing (the target, under 200 ms, lives here,
 * never in a timed test).
 *
 *   npm run bench
 *   BENCH_PAGE_CUSTOMERS=500 BENCH_PAGE_DRIFT=20000 npx tsx bench/status-page-bench.ts
 */
import { ACTION_KINDS, type ActionKind } from '../src/domain/plan.js';
import { DRIFT_STATES, type DriftItem } from '../src/report/drift.js';
import { customerPage, statusPage } from '../src/report/status-page.js';
import type { ControllerStatus } from '../src/report/status.js';
import { customerSyncs } from '../src/report/sync-status.js';

const customers = Number(process.env.BENCH_PAGE_CUSTOMERS ?? 200);
const driftItems = Number(process.env.BENCH_PAGE_DRIFT ?? 5_000);
const names = Array.from({ length: customers }, (_, i) => `customer-${String(i).padStart(3, '0')}`);

// A skewed estate: the first customer holds a fifth of the drift (one customer's page must stay small too).
const drift: DriftItem[] = Array.from({ length: driftItems }, (_, i) => {
  const customer = i % 5 === 0 ? names[0]! : names[i % names.length]!;
  const kind: ActionKind = ACTION_KINDS[i % ACTION_KINDS.length]!;
  return {
    customer,
    kind,
    change: i % 7 === 0 ? 'delete' : 'update',
    target: `${kind}-${i} @ prod`,
    state: DRIFT_STATES[i % DRIFT_STATES.length]!,
    reason: `reason ${i}: <escaped> & "quoted"`,
    before: { members: Array.from({ length: 20 }, (_, m) => `user${m}@example.com`), autoStopMins: 120 },
    after: { members: Array.from({ length: 21 }, (_, m) => `user${m}@example.com`), autoStopMins: 15 },
    details: ['+ user20@example.com'],
  };
});
const now = new Date();
const status: ControllerStatus = {
  ready: true,
  leader: true,
  leadership: { election: true, replica: 'onboarder-0', holder: 'onboarder-0' },
  observe: { mode: 'apply', kinds: [] },
  revision: { id: '0123456789abcdef0123456789abcdef01234567', loadedAt: now },
  rejected: null,
  lastReconcile: null,
  customers: customerSyncs({
    declared: names,
    drift,
    reconciled: new Set(names),
    backoffUntil: new Map([[names[1]!, now]]),
    lastErrors: new Map([[names[1]!, 'PERMISSION_DENIED: not an account admin']]),
    lastSyncedAt: new Map(names.map((name) => [name, now])),
  }),
  drift,
  nextResyncAt: now,
};

function time(label: string, render: () => string, rounds = 20): void {
  render(); // warm-up: the first call compiles
  const started = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < rounds; i++) bytes = render().length;
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / rounds;
  console.log(`${label}: ${ms.toFixed(1)} ms per render, ${(bytes / 1024).toFixed(0)} KiB`);
}

console.log(`status page: ${customers} customers, ${driftItems} drift items (${drift.filter((d) => d.customer === names[0]).length} on ${names[0]})`);
time('overview (/)', () => statusPage(status, now));
time(`busiest customer (/customers/${names[0]})`, () => customerPage(status, names[0]!, now)!);
time('a typical customer', () => customerPage(status, names[7]!, now)!);
time('/status.json', () => JSON.stringify(status, null, 2));
