/**
 * `onboarder demo`: starts the embedded Databricks simulator with an empty
 * account holding the example's workspaces, converges the bundled
 * desired-state folder onto it, and shows that a second plan is empty.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { connectLive } from './connect.js';
import { protectCredentials } from './live/auth.js';
import { unlimitedFamilyLimits } from './live/limiter.js';
import { applyPass, planPass, type ReconcileDeps } from './loop/reconciler.js';
import { loadOrThrow, type Io } from './main.js';
import { createMetrics } from './report/metrics.js';
import { formatApplyReport, formatPlan } from './report/plan-text.js';
import { createSimulator, DEFAULT_PAT } from './simulator/index.js';

export async function runDemo(config: Config, io: Io, logger: Logger): Promise<number> {
  const desired = await loadOrThrow(config.dir);
  // The storage credentials the example's external locations name exist "already", as they would in a real account.
  const storageCredentials = [...new Set(desired.customers.flatMap((c) => c.externalLocations.map((l) => l.credential)))];
  const simulator = createSimulator({
    workspaces: desired.workspaces.map((w) => ({ workspaceId: w.workspaceId, name: w.name })),
    storageCredentials,
  });
  const url = await simulator.listen(config.simulatorPort);
  const say = (text: string) => io.stdout.write(text);
  say(`Databricks simulator listening on ${url} (account ${simulator.accountId}, ${desired.workspaces.length} workspace(s)).\n`);
  say(`Converging ${config.dir} onto it.\n\n`);

  const demoConfig: Config = {
    ...config,
    // The simulator has no limits unless a fault knob sets one; the demo should not wait for nothing.
    rateLimits: { ...unlimitedFamilyLimits(), ...config.rateLimits },
    databricks: {
      accountHost: url,
      accountId: simulator.accountId,
      defaultWorkspaceHost: url,
      credentials: protectCredentials({ type: 'pat', token: DEFAULT_PAT }),
    },
  };
  const metrics = createMetrics();
  const connection = connectLive(demoConfig, { logger, telemetry: metrics.telemetry, workspaceHost: () => url });
  try {
    const deps: ReconcileDeps = { live: connection.port, logger, metrics, diffOptions: { principals: config.principals } };
    const first = await applyPass(desired, deps);
    say(formatPlan(first.plan, { colour: config.colour }));
    if (first.report && first.report.results.length > 0) say('\n' + formatApplyReport(first.report, { colour: config.colour }));
    say('\nPlanning again against the converged simulator:\n\n');
    const second = await planPass(desired, deps);
    say(formatPlan(second.plan, { colour: config.colour }));
    const writes = simulator.requests.filter((r) => r.method !== 'GET').length;
    say(`\n${simulator.requests.length} API requests in all, ${writes} of them writes.\n`);
    return (first.report?.failed ?? 0) === 0 && second.plan.actions.every((a) => a.status !== 'pending') ? 0 : 1;
  } finally {
    await connection.close();
    await simulator.close();
  }
}
