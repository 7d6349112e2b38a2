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
});
