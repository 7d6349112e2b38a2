import { describe, expect, it } from 'vitest';
import { customerPage, ITEMS_PER_KIND } from './customer-page.js';
import type { DriftItem } from './drift.js';
import { statusPage } from './status-page.js';
import { confirmDeletionsHint, type ControllerStatus } from './status.js';
import { customerSyncs } from './sync-status.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

const item = (customer: string, kind: DriftItem['kind'], i: number, extra: Partial<DriftItem> = {}): DriftItem => ({
  customer,
  kind,
  change: 'update',
  target: `${kind}-${i}`,
  state: 'observed',
  before: null,
  after: null,
  details: [],
  ...extra,
});

function statusOf(drift: DriftItem[], declared: string[], extra: Partial<ControllerStatus> = {}): ControllerStatus {
  return {
    ready: true,
    leader: true,
    leadership: { election: false, replica: 'onboarder-0', holder: null },
    observe: { mode: 'apply', kinds: [] },
    revision: { id: COMMIT, loadedAt: NOW },
    rejected: null,
    lastReconcile: null,
    customers: customerSyncs({ declared, drift, reconciled: new Set(declared), backoffUntil: new Map(), lastErrors: new Map(), lastSyncedAt: new Map([['synced', new Date(NOW.getTime() - 200_000)]]) }),
    drift,
    nextResyncAt: null,
    ...extra,
  };
}

describe('the status page', () => {
  it('lists customers with counts, problems first, and keeps the items on their own pages, capped per kind', () => {
    const drift = [
      ...Array.from({ length: 80 }, (_, i) => item('big', 'membership', i)),
      ...Array.from({ length: 3 }, (_, i) => item('big', 'grants', i)),
      item('broken', 'grants', 0, { state: 'failed', reason: 'PERMISSION_DENIED: nope' }),
    ];
    const status = statusOf(drift, ['synced', 'big', 'broken']);
    const overview = statusPage(status, NOW);
    expect(overview).toContain('3 customers: 1 Failed, 1 OutOfSync, 1 Synced; 84 objects out of sync.');
    const order = ['broken', 'big', 'synced'].map((name) => overview.indexOf(`href="/customers/${name}"`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(overview).toContain('<time datetime="2026-12-02T09:56:40.000Z" title="2026-12-02T09:56:40.000Z">3m 20s ago</time>');
    expect(overview).not.toContain('membership-0<'); // items are not on the overview
    expect(overview).toContain(`commit <code>${COMMIT}</code>`);

    const big = customerPage(status, 'big', NOW)!;
    expect(big).toContain('<h3>membership (80)</h3>');
    expect(big.match(/<code>membership-\d+<\/code>/g)).toHaveLength(ITEMS_PER_KIND);
    expect(big).toContain(`${80 - ITEMS_PER_KIND} more membership items (all in /status.json)`);
    expect(big).toContain('<h3>grants (3)</h3>');
    expect(customerPage(status, 'nobody', NOW)).toBeUndefined();
  });

  it('lists blocked deletions object by object, capped, with the way to confirm them', () => {
    const drift = Array.from({ length: 130 }, (_, i) => item('gone', 'group', i, { change: 'delete', state: 'blocked', reason: 'deletion blocked' }));
    const status = statusOf(drift, [], {
      lastReconcile: {
        id: 'pass0001',
        revision: COMMIT,
        startedAt: NOW,
        finishedAt: NOW,
        result: 'success',
        summary: { create: 0, update: 0, delete: 0, waiting: 0, reported: 0, blocked: 130 },
        failed: 0,
        deletionsBlocked: 'deletion blocked: customer gone is no longer declared',
        confirmToken: 'abc123',
      },
    });
    const overview = statusPage(status, NOW);
    expect(overview).toContain('<h2>Blocked deletions (130)</h2>');
    expect(overview).toContain('<code>onboarder apply --confirm-deletions=abc123</code>');
    expect(overview.match(/<code>group-\d+<\/code>/g)).toHaveLength(100);
    expect(overview).toContain("30 more on the customers' pages");
    expect(customerPage(status, 'gone', NOW)).toContain('Blocked deletions are confirmed once with <code>onboarder apply --confirm-deletions=abc123</code>');
  });

  it('says plainly that a follower observes only and who leads, and escapes customer names in links', () => {
    const status = statusOf([item('a<b>&c', 'group', 0)], ['a<b>&c'], { leader: false, leadership: { election: true, replica: 'onboarder-1', holder: 'onboarder-0' } });
    const overview = statusPage(status, NOW);
    expect(overview).toContain('Follower: this replica (<code>onboarder-1</code>) observes only and writes nothing; the leader is <code>onboarder-0</code>.');
    expect(overview).toContain('href="/customers/a%3Cb%3E%26c">a&lt;b&gt;&amp;c</a>');
    const nobody = statusPage({ ...status, leadership: { election: true, replica: 'onboarder-1', holder: null } }, NOW);
    expect(nobody).toContain('no replica holds the Lease right now');
  });

  it('shows the kinds observed only', () => {
    const overview = statusPage(statusOf([], [], { observe: { mode: 'apply', kinds: ['grants', 'notebook'] } }), NOW);
    expect(overview).toContain('Observed only, never written: <code>grants</code>, <code>notebook</code>');
  });
});

describe('confirmDeletionsHint', () => {
  it('names the one-time token of what the plan holds', () => {
    expect(confirmDeletionsHint('3f9c0a1b2d4e')).toBe('onboarder apply --confirm-deletions=3f9c0a1b2d4e');
  });
});
