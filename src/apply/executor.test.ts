import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { executePlan } from './executor.js';
import { diff } from '../plan/diff.js';
import { desiredGroup, desiredState, desiredUser, emptyLive } from '../../test/support/estate.js';

const logger = pino({ level: 'silent' });
const jane = desiredUser('jane@acme.com', ['acme'], ['workspace-access']);
const bob = desiredUser('bob@globex.com', ['globex']);
const plan = diff(
  desiredState([desiredGroup('acme', 'analysts', [jane.key]), desiredGroup('globex', 'analysts', [bob.key])], [jane, bob]),
  emptyLive(),
  { principals: 'create' },
);

describe('executePlan', () => {
  it('runs waves in order, parents before children', async () => {
    const order: string[] = [];
    const report = await executePlan(plan, async (action) => void order.push(action.id), { logger });
    expect(report).toMatchObject({ succeeded: plan.actions.length, failed: 0, skipped: 0 });
    const position = (id: string) => order.indexOf(id);
    for (const action of plan.actions) {
      for (const dep of action.dependsOn) expect(position(dep)).toBeLessThan(position(action.id));
    }
  });

  it('a failure skips only what depends on it; the other customer proceeds', async () => {
    const report = await executePlan(
      plan,
      async (action) => {
        if (action.id === 'group:customer-acme-analysts') throw new Error('POST /Groups failed: 400 INVALID: nope');
      },
      { logger },
    );
    const outcome = (id: string) => report.results.find((r) => r.action.id === id)?.outcome;
    expect(outcome('group:customer-acme-analysts')).toBe('failed');
    expect(outcome('membership:customer-acme-analysts')).toBe('skipped');
    expect(outcome('workspace-assignment:customer-acme-analysts @ prod')).toBe('skipped');
    expect(outcome('user:jane@acme.com')).toBe('succeeded');
    expect(outcome('membership:customer-globex-analysts')).toBe('succeeded');
    expect(outcome('entitlements:jane@acme.com @ prod')).toBe('skipped');
    expect(report.results.find((r) => r.action.id === 'group:customer-acme-analysts')?.error).toContain('400 INVALID: nope');
  });

  it('starts no action once its signal aborts: the rest are held with the reason, none reported as succeeded', async () => {
    const pass = new AbortController();
    const ran: string[] = [];
    // The abort lands while the first wave runs (the way a deadline or a shutdown's grace ends mid-apply).
    const firstWave = new Set(plan.actions.filter((a) => a.dependsOn.length === 0).map((a) => a.id));
    const report = await executePlan(
      plan,
      async (action) => {
        ran.push(action.id);
        if (firstWave.has(action.id)) pass.abort(new Error('the pass did not finish within its deadline'));
      },
      { logger, signal: pass.signal },
    );
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((id) => firstWave.has(id))).toBe(true);
    const held = report.results.filter((r) => !firstWave.has(r.action.id));
    expect(held.length).toBeGreaterThan(0);
    for (const result of held) expect(result).toMatchObject({ outcome: 'skipped', error: 'the pass did not finish within its deadline' });
    expect(report.succeeded).toBe(ran.length);
    expect(report.skipped).toBe(plan.actions.length - ran.length);
  });

  it('an already aborted signal holds every action; without a reason it says the command or pass was stopped', async () => {
    const pass = new AbortController();
    pass.abort();
    const report = await executePlan(plan, async () => expect.unreachable('no action may start'), { logger, signal: pass.signal });
    expect(report).toMatchObject({ succeeded: 0, failed: 0, skipped: plan.actions.length });
    expect(new Set(report.results.map((r) => r.error))).toEqual(new Set(['the command or pass was stopped']));
  });
});
