/**
 * `onboarder run`: the controller, its HTTP server and (with
 * `--leader-elect`) the Lease elector, until the stop signal; then a
 * graceful shutdown: no new work, in-flight API calls finish within the
 * grace period (then the pass is aborted and hung sockets destroyed, so it
 * always ends a few seconds after the grace), logs flushed, exit 0.
 */
import { once } from 'node:events';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { connectLive, diffOptionsOf, type ConnectOptions } from './connect.js';
import { createController, type Controller } from './loop/controller.js';
import { inClusterLeaseConfig } from './loop/in-cluster.js';
import { createLeaderElector } from './loop/leader.js';
import { startControllerHttpServer } from './report/http-server.js';
import { createMetrics, type BuildInfo } from './report/metrics.js';

export interface RunHooks {
  /** Aborted on SIGTERM/SIGINT (cli.ts), or by a test. */
  stop: AbortSignal;
  /** For the demo and tests: where the HTTP server listens, and the controller. */
  onStarted?: (started: { url: string; controller: Controller }) => void;
  connect?: Partial<ConnectOptions>;
  /** For onboarder_build_info; read by the composition root. */
  build?: BuildInfo;
}

export async function runController(config: Config, logger: Logger, hooks: RunHooks): Promise<number> {
  const metrics = createMetrics(hooks.build);
  const connection = connectLive(config, { logger, telemetry: metrics.telemetry, ...hooks.connect });
  const elector = config.leaderElect
    ? createLeaderElector(
        await inClusterLeaseConfig({
          name: config.leaseName,
          identity: config.leaseIdentity,
          ...(config.leaseNamespace ? { namespace: config.leaseNamespace } : {}),
        }),
        { logger: logger.child({ component: 'leader-election' }) },
      )
    : undefined;
  const controller = createController({
    dir: config.dir,
    live: connection.port,
    inventory: connection.inventory,
    logger,
    metrics,
    diffOptions: diffOptionsOf(config),
    resyncIntervalMs: config.resyncIntervalMs,
    // A revision naming an untrusted Workspace host is rejected; the last good one stays in force.
    load: { trustedHosts: config.databricks.trustedHosts },
    passTimeoutMs: config.passTimeoutMs,
    ...(elector ? { leadership: elector } : {}),
    replica: config.leaseIdentity,
  });
  const server = await startControllerHttpServer({ port: config.port, host: config.bindAddress, metrics, status: controller.status, logger }).catch(
    async (error: unknown) => {
      // A port in use ends the command here: the connection pool goes with it (main says which flag chose the port).
      await connection.close();
      throw error;
    },
  );
  try {
    elector?.start();
    await controller.start();
    logger.info({ url: server.url, dir: config.dir, resyncIntervalMs: config.resyncIntervalMs, leaderElect: config.leaderElect }, 'controller running');
    hooks.onStarted?.({ url: server.url, controller });
    if (!hooks.stop.aborted) await once(hooks.stop, 'abort');
    logger.info({ graceMs: config.shutdownGraceMs }, 'shutting down: no new work, waiting for in-flight calls');
    await controller.stop(config.shutdownGraceMs);
    await elector?.stop();
    return 0;
  } finally {
    await server.close();
    await connection.close();
    logger.info('stopped');
  }
}
