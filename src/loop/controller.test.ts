import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { copyWithoutHosts } from '../../test/support/harness.js';
import { emptyUnityCatalog, type LiveState } from '../domain/live.js';
import { createMetrics } from '../report/metrics.js';
import { createController, type Controller } from './controller.js';

let controller: Controller | undefined;
afterEach(() => controller?.stop(1_000));

it('keeps resyncing when a resync trigger is folded into a pass queued for another reason', async () => {
  const dir = await copyWithoutHosts();
  const observedAt: number[] = [];
  const live: LiveState = { groups: [], users: [], servicePrincipals: [], workspaces: [], unityCatalog: emptyUnityCatalog(), assets: {} };
  controller = createController({
    dir,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    diffOptions: { principals: 'create' },
    resyncIntervalMs: 100,
    resyncJitter: 0,
    live: {
      // Each observe takes longer than the interval, so the resync timer always fires mid-pass.
      observe: async () => {
        observedAt.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 250));
        return live;
      },
      runner: () => async () => undefined,
    },
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await controller.start(); // pass 1: 0-250 ms; the resync is then due at 350 ms
  await sleep(50);
  controller.reconcileNow('first'); // pass 2: 250-500 ms
  await sleep(250);
  controller.reconcileNow('second'); // queued at 300 ms, so the resync firing at 350 ms folds into it
  await sleep(1_400);
  const recent = observedAt.filter((at) => at > Date.now() - 500);
  expect(recent.length).toBeGreaterThanOrEqual(1);
});
