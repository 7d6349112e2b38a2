import { describe, expect, it } from 'vitest';
import type { DriftItem, DriftState } from './drift.js';
import { customerSyncs, decideSync, type SyncInput } from './sync-status.js';

const item = (state: DriftState, customer = 'acme', reason?: string): DriftItem => ({
  customer,
  kind: 'grants',
  change: 'update',
  target: `grants ${state}`,
  state,
  ...(reason === undefined ? {} : { reason }),
  before: null,
  after: null,
  details: [],
});

const input = (items: DriftItem[], extra: Partial<SyncInput> = {}): SyncInput => ({ items, reconciled: true, backoffUntil: null, lastError: null, ...extra });
const IN_A_MINUTE = new Date('2026-12-02T10:01:00Z');

describe('decideSync: one rule, first match wins', () => {
  it('Synced when the last pass left nothing', () => {
    expect(decideSync(input([]))).toEqual({ status: 'Synced', reason: 'live state matches the desired state' });
  });

  it('OutOfSync for anything else left, or when not reconciled yet', () => {
    for (const state of ['observed', 'waiting', 'skipped', 'pending', 'held'] as const) {
      expect(decideSync(input([item(state)])).status, state).toBe('OutOfSync');
    }
    expect(decideSync(input([item('observed'), item('observed'), item('waiting')])).reason).toBe('3 objects out of sync (2 observed, 1 waiting)');
    expect(decideSync(input([], { reconciled: false }))).toEqual({ status: 'OutOfSync', reason: 'not reconciled yet under the revision in force' });
  });

  it('Blocked when a guard holds a change, over anything merely out of sync', () => {
    expect(decideSync(input([item('observed'), item('blocked', 'acme', 'deletion blocked: over budget')]))).toEqual({
      status: 'Blocked',
      reason: '1 change held by a guard: deletion blocked: over budget',
    });
  });

  it('BackingOff when its actions were held out after a failure, over Blocked', () => {
    const decision = decideSync(input([item('held'), item('blocked')], { backoffUntil: IN_A_MINUTE, lastError: 'TEMPORARILY_UNAVAILABLE' }));
    expect(decision).toEqual({ status: 'BackingOff', reason: 'retrying at 2026-12-02T10:01:00.000Z after: TEMPORARILY_UNAVAILABLE' });
    // In backoff but nothing held (its drift is only observed): backing off is not what keeps it out of sync.
    expect(decideSync(input([item('observed')], { backoffUntil: IN_A_MINUTE })).status).toBe('OutOfSync');
  });

  it('Failed over everything, with the first error', () => {
    const decision = decideSync(input([item('held'), item('blocked'), item('failed', 'acme', 'PERMISSION_DENIED: no'), item('failed')], { backoffUntil: IN_A_MINUTE }));
    expect(decision).toEqual({ status: 'Failed', reason: '2 actions failed: PERMISSION_DENIED: no' });
  });
});

describe('customerSyncs', () => {
  it('lists every declared customer, plus account-wide and undeclared items with drift, by name', () => {
    const synced = new Date('2026-12-02T09:00:00Z');
    const customers = customerSyncs({
      declared: ['globex', 'acme', 'initech'],
      drift: [item('failed', 'acme', 'boom'), item('waiting', 'account'), item('blocked', 'vanished')],
      reconciled: new Set(['acme', 'globex']),
      backoffUntil: new Map([['acme', IN_A_MINUTE]]),
      lastErrors: new Map([['acme', 'boom']]),
      lastSyncedAt: new Map([['globex', synced]]),
    });
    expect(customers.map((c) => [c.name, c.status, c.drift])).toEqual([
      ['account', 'OutOfSync', 1],
      ['acme', 'Failed', 1],
      ['globex', 'Synced', 0],
      ['initech', 'OutOfSync', 0],
      ['vanished', 'Blocked', 1],
    ]);
    expect(customers[1]).toMatchObject({ lastError: 'boom', backoffUntil: IN_A_MINUTE, lastSyncedAt: null });
    expect(customers[2]).toMatchObject({ lastSyncedAt: synced, lastError: null, backoffUntil: null });
    expect(customers[3]!.reason).toMatch(/not reconciled yet/);
  });
});
