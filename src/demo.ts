/**
 * `onboarder demo`: starts the embedded Databricks simulator with an empty
 * account holding the example's workspaces, and runs the controller against
 * it with the bundled desired-state folder: edits to the folder are applied
 * as they are saved. With `--once` it converges the folder, shows that a
 * second plan is empty, and exits.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { connectLive, passDeps } from './connect.js';
import { pointAtSimulator } from './config-databricks.js';
import { applyPass, planPass } from './loop/reconciler.js';
import { loadOrThrow } from './desired/load.js';
import type { Io } from './io.js';
import { createMetrics, type BuildInfo } from './report/metrics.js';
import { runController } from './run.js';
import { formatApplyReport, formatPlan } from './report/plan-text.js';
import { createSimulator } from './simulator/index.js';

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

  // The demo's own simulator is trusted by this code path, never by an environment variable.
  const demoConfig = pointAtSimulator(config, {
    url,
    accountId: simulator.accountId,
    setting: 'the demo\'s simulator',
    trustedHosts: config.databricks.trustedHosts,
  });
  if (!config.once) {
    try {
      return await runController(demoConfig, logger, {
        stop: io.stop ?? new AbortController().signal,
        ...(build ? { build } : {}),
        onStarted: (started) => {
          say(
            `Controller running: status page ${started.url}/, metrics ${started.url}/metrics.\n` +
              `Edit a file under ${config.dir} (add a user to customers/acme/roster.yaml) and save: the change is applied within a second.\n` +
              'Ctrl-C stops it.\n\n' +
              tryTheCommands(config.dir, url),
          );
          io.onStarted?.(started);
        },
      });
    } finally {
      await simulator.close();
    }
  }

  const metrics = createMetrics();
  const connection = connectLive(demoConfig, { logger, telemetry: metrics.telemetry });
  try {
    const deps = passDeps(demoConfig, connection, logger, metrics);
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

/**
 * What to type, in another terminal, to run the other commands against this
 * simulator: `--simulator` brings its host, account and token, and trusts it.
 */
export function tryTheCommands(dir: string, url: string): string {
  const cli = 'node dist/cli.js';
  const folder = /^[\w./-]+$/.test(dir) ? dir : `'${dir.replaceAll("'", "'\\''")}'`;
  return (
    'Try the other commands against this simulator, from another terminal while the demo runs\n' +
    '(--simulator sends every call there with its own account and token; no DATABRICKS_* variable is needed):\n' +
    `  ${cli} validate ${folder}\n` +
    `  ${cli} plan ${folder} --simulator=${url}\n` +
    `  ${cli} apply ${folder} --simulator=${url}\n` +
    `  ${cli} run ${folder} --simulator=${url} --port=8081\n\n`
  );
}
