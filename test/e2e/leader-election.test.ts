/**
 * Two controllers against one Lease (a strict stand-in of the Kubernetes
 * API) and one simulated account: only the leader writes, and when it goes
 * away the other takes over and repairs drift.
 */
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { connectLive } from '../../src/connect.js';
import { createController, type Controller } from '../../src/loop/controller.js';
import { createLeaderElector, type LeaderElector } from '../../src/loop/leader.js';
import { createMetrics } from '../../src/report/metrics.js';
import { startKubeLeaseServer } from '../support/kube-lease.js';
import { copyWithoutHosts, startSimulatedAccount } from '../support/harness.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('lets only the leader write, and hands over when the leader stops', async () => {
  const account = await startSimulatedAccount();
  cleanups.push(() => account.close());
  const kube = await startKubeLeaseServer({ tokens: ['token-a', 'token-b'] });
  cleanups.push(() => kube.close());
  const dir = await copyWithoutHosts();
  const logger = pino({ level: 'silent' });
  const writes: { instance: string; leader: boolean }[] = [];

  const instance = async (name: string): Promise<{ elector: LeaderElector; controller: Controller }> => {
    const elector = createLeaderElector(
      {
        apiServer: kube.url,
        namespace: kube.api.namespace,
        name: kube.api.name,
        identity: name,
        token: async () => `token-${name}`,
        leaseDurationMs: 600,
        renewDeadlineMs: 400,
        retryPeriodMs: 100,
      },
      { logger },
    );
    const config = parseConfig(['run', dir], account.env, false).config!;
    const connection = connectLive(config, { logger });
    const port = connection.port;
    const controller = createController({
      dir,
      logger,
      metrics: createMetrics(),
      diffOptions: { principals: 'create' },
      resyncIntervalMs: 200,
      leadership: elector,
      live: {
        observe: (desired, inventory) => port.observe(desired, inventory),
        runner: (desired, live) => {
          const run = port.runner(desired, live);
          return (action) => {
            writes.push({ instance: name, leader: elector.isLeader() });
            return run(action);
          };
        },
      },
    });
    elector.start();
    await controller.start();
    cleanups.push(async () => {
      await controller.stop(5_000);
      await elector.stop();
      await connection.close();
    });
    return { elector, controller };
  };

  const a = await instance('a');
  const b = await instance('b');
  const { state } = account.sim;
  const janeInAnalysts = () => {
    const group = state.findGroup('customer-acme-analysts');
    const jane = state.findUser('jane.doe@acmecorp.com');
    return group !== undefined && jane !== undefined && state.members(group.id).includes(jane.id);
  };
  await until('the example applied by the leader', janeInAnalysts);
  expect([a, b].filter((i) => i.elector.isLeader())).toHaveLength(1);
  const first = a.elector.isLeader() ? a : b;
  const second = first === a ? b : a;
  const firstName = first === a ? 'a' : 'b';
  expect(new Set(writes.map((w) => w.instance))).toEqual(new Set([firstName]));
  // Both know who leads (every replica's status page says so).
  await until('the follower reading the holder', () => second.elector.holder() === firstName);
  expect(first.elector.holder()).toBe(firstName);

  // The leader goes away (releasing the Lease, as on SIGTERM): the other takes over and repairs drift.
  await first.controller.stop(5_000);
  await first.elector.stop();
  await until('the other instance leading', () => second.elector.isLeader(), 2_000);
  state.removeMember(state.findGroup('customer-acme-analysts')!.id, state.findUser('jane.doe@acmecorp.com')!.id);
  await until('the drift repaired by the new leader', janeInAnalysts);
  expect(writes.some((w) => w.instance !== firstName)).toBe(true);
  // Every write started while its instance held the Lease.
  expect(writes.every((w) => w.leader)).toBe(true);
}, 30_000);
