/**
 * `onboarder demo`: starts the embedded Databricks simulator with an empty
 * account holding the example's workspaces, and runs the controller against
 * it with the bundled desired-state folder: edits to the folder are applied
 * as they are saved. With `--once` it converges the folder, shows that a
 * second plan is empty, and exits.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { connectLive } from './connect.js';
import { originPattern } from './domain/host-trust.js';
import { protectCredentials } from './live/auth.js';
import { unlimitedFamilyLimits } from './live/limiter.js';
import { applyPass, planPass, type ReconcileDeps } from './loop/reconciler.js';
import { loadOrThrow, type Io } from './main.js';
import { createMetrics, type BuildInfo } from './report/metrics.js';
import { runController } from './run.js';
import { formatApplyReport, formatPlan } from './report/plan-text.js';
import { createSimulator, DEFAULT_PAT } from './simulator/index.js';

export async function runDemo(config: Config, io: Io, logger: Logger, build?: BuildInfo): Promise<number> {
  // Checked against the operator's trusted hosts: the demo sends every workspace's traffic to its simulator anyway.
  const desired = await loadOrThrow(config.dir, config.databricks.trustedHosts);
  // The storage credentials the example's external locations name exist "already", as they would in a real account.
  const storageCredentials = [...new Set(desired.customers.flatMap((c) => c.externalLocations.map((l) => l.credential)))];
  const simulator = createSimulator({
    workspaces: desired.workspaces.map((w) => ({ workspaceId: w.workspaceId, name: w.name })),
    storageCredentials,
  });
  const url = await simulator.listen(config.simulatorPort);
  const say = (text: string) => io.stdout.write(text);
  say(`Databricks simulator listening on ${url} (account ${simulator.accountId}, ${desired.workspaces.length} workspace(s)).\n`);
  say(config.once ? `Converging ${config.dir} onto it.\n\n` : `Running the controller on ${config.dir}.\n`);

  const demoConfig: Config = {
    ...config,
    // The simulator has no limits unless a fault knob sets one; the demo should not wait for nothing.
    rateLimits: { ...unlimitedFamilyLimits(), ...config.rateLimits },
    databricks: {
      accountHost: url,
      accountId: simulator.accountId,
      defaultWorkspaceHost: url,
      credentials: protectCredentials({ type: 'pat', token: DEFAULT_PAT }),
      // The demo's own simulator is trusted by this code path, never by an environment variable.
      trustedHosts: [...config.databricks.trustedHosts, originPattern(new URL(url))],
    },
  };
  if (!config.once) {
    try {
      return await runController(demoConfig, logger, {
        stop: io.stop ?? new AbortController().signal,
        connect: { workspaceHost: () => url },
        ...(build ? { build } : {}),
        onStarted: (started) => {
          say(
            `Controller running: status page ${started.url}/, metrics ${started.url}/metrics.\n` +
              `Edit a file under ${config.dir} (add a user to customers/acme/roster.yaml) and save: the change is applied within a second.\n` +
              'Ctrl-C stops it.\n\n',
          );
          io.onStarted?.(started);
        },
      });
    } finally {
      await simulator.close();
    }
  }

  const metrics = createMetrics();
  const connection = connectLive(demoConfig, { logger, telemetry: metrics.telemetry, workspaceHost: () => url });
  try {
    const deps: ReconcileDeps = { live: connection.port, inventory: connection.inventory, logger, metrics, diffOptions: { principals: config.principals } };
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
