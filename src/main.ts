/**
 * The composition root: parses the configuration, builds the stages and
 * runs one command. The only module (with connect.ts) that knows them all.
 */
import { constants as osConstants } from 'node:os';
import type { Logger } from 'pino';
import { COMMANDS, FLAGS, parseConfig, type Config } from './config.js';
import { desiredStateJsonSchema } from './desired/json-schema.js';
import { loadDesiredState, loadOrThrow } from './desired/load.js';
import { ConfigError, ConfirmationMismatchError, DesiredStateError } from './domain/errors.js';
import { planHasChanges } from './domain/plan.js';
import { createScrubber } from './domain/redact.js';
import { credentialSecrets } from './live/auth.js';
import { connectLive, passDeps } from './connect.js';
import { formatDuration, PassStoppedError, startPassSignal, type PassSignal } from './loop/pass-signal.js';
import { applyPass, planPass, type ReconcileDeps } from './loop/reconciler.js';
import { createLogger } from './report/logger.js';
import { createMetrics, type BuildInfo } from './report/metrics.js';
import { desiredStateToJson, formatApplyReport, formatPlan, planToJson } from './report/plan-text.js';
import { runDemo } from './demo.js';
import { describeError, type ErrorContext } from './describe-error.js';
import { commandHelp, generalHelp } from './help.js';
import { packageVersion } from './version.js';
import type { Io } from './io.js';
import { runController } from './run.js';


export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let config: Config;
  try {
    const parsed = parseConfig(argv, env, io.isTty);
    if (parsed.version) {
      io.stdout.write(`onboarder ${packageVersion()}\n`);
      return 0;
    }
    if (parsed.help || !parsed.config) {
      io.stdout.write(parsed.command ? commandHelp(parsed.command) : generalHelp());
      // `onboarder` alone is a mistake (exit 1); asking for help is not.
      return parsed.help ? 0 : 1;
    }
    config = parsed.config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The flag or variable is named in the message; the command's help lists the right ones.
    const help = error.command ? `onboarder ${error.command} --help` : 'onboarder --help';
    io.stderr.write(`onboarder${error.command ? ` ${error.command}` : ''}: ${error.message}\n${error.message.includes('--help') ? '' : `(see ${help})\n`}`);
    return 1;
  }

  const secrets = credentialSecrets(config.databricks.credentials);
  // One-shot commands log to stderr: stdout carries the plan (and `--json` stays parseable).
  const logger = io.logStream
    ? createLogger({ level: config.logLevel, pretty: false, destination: io.logStream, secrets })
    : createLogger({ level: config.logLevel, pretty: config.logFormat === 'pretty', destination: 2, secrets });
  // What the error message may say about where things went: filled in as the command learns it.
  const context: ErrorContext = {
    databricks: config.databricks,
    ports: (['port', 'simulator-port'] as const).map((flag) => ({
      port: flag === 'port' ? config.port : config.simulatorPort,
      flag,
      env: FLAGS[flag].env,
    })),
  };
  try {
    switch (config.command) {
      case 'schema':
        io.stdout.write(JSON.stringify(desiredStateJsonSchema(), null, 2) + '\n');
        return 0;
      case 'validate':
        return await validate(config, io);
      case 'plan':
      case 'apply':
        return await planOrApply(config, io, logger, context);
      case 'run':
        // An invalid or missing folder is not fatal here: git-sync may publish a valid revision later.
        return await runController(config, logger, { stop: io.stop ?? new AbortController().signal, build: buildInfo(), ...(io.onStarted ? { onStarted: io.onStarted } : {}) });
      case 'demo':
        return await runDemo(config, io, logger, buildInfo());
    }
  } catch (error) {
    // `plan --json` gives a rejected revision's issues as data too (with their codes); the text stays on stderr.
    if (config.json && error instanceof DesiredStateError) io.stdout.write(JSON.stringify(desiredStateToJson(error.issues), null, 2) + '\n');
    // API errors are scrubbed already; an unexpected error's message or stack may not be.
    io.stderr.write(`onboarder: ${createScrubber(secrets)(describeError(error, context))}\n`);
    return 1;
  } finally {
    logger.flush();
  }
  return assertNever(config.command);
}

async function validate(config: Config, io: Io): Promise<number> {
  // The same trusted hosts as plan and apply: a pull request naming a foreign host fails here first.
  const result = await loadDesiredState(config.dir, { trustedHosts: config.databricks.trustedHosts });
  if (!result.ok) {
    if (config.json) io.stdout.write(JSON.stringify(desiredStateToJson(result.issues), null, 2) + '\n');
    io.stderr.write(new DesiredStateError(result.issues).message + '\n');
    return 1;
  }
  const { state } = result;
  if (config.json) {
    io.stdout.write(JSON.stringify({ ...desiredStateToJson([]), revision: `sha256:${result.contentHash.slice(0, 12)}` }, null, 2) + '\n');
    return 0;
  }
  io.stdout.write(
    `${config.dir} is valid: ${count(state.workspaces.length, 'workspace')}, ${count(state.customers.length, 'customer')}, ` +
      `${count(state.groups.length, 'persona group')}, ${count(state.principals.length, 'principal')} ` +
      (state.offboarded ? `(offboarding: ${state.offboarded.map((c) => c.name).join(', ')}) ` : '') +
      `(revision sha256:${result.contentHash.slice(0, 12)})\n`,
  );
  return 0;
}


async function planOrApply(config: Config, io: Io, logger: Logger, context: ErrorContext): Promise<number> {
  // Before any connection: a Workspace host nobody trusted never sees a request.
  const desired = await loadOrThrow(config.dir, config.databricks.trustedHosts);
  context.desired = desired;
  const metrics = createMetrics();
  const connection = connectLive(config, { logger, telemetry: metrics.telemetry });
  const pass = startPassSignal({ timeoutMs: config.passTimeoutMs });
  const stop = obeyStop(io.stop, pass, config, logger);
  try {
    const deps: ReconcileDeps = { ...passDeps(config, connection, logger, metrics), signal: pass.signal };
    if (config.command === 'plan') {
      const { plan } = await planPass(desired, deps);
      io.stdout.write(config.json ? JSON.stringify(planToJson(plan), null, 2) + '\n' : formatPlan(plan, { colour: config.colour, dir: config.dir }));
      const signal = stop.signalName();
      if (signal) return stopped(io, signal, `stopped by ${signal} after the plan was computed`);
      return config.detailedExitcode && planHasChanges(plan) ? 2 : 0;
    }
    const { plan, report, stopped: stoppedBecause } = await applyPass(desired, deps, { holdReason: stop.holdReason });
    io.stdout.write(formatPlan(plan, { colour: config.colour, dir: config.dir }));
    if (report && report.results.length > 0) io.stdout.write('\n' + formatApplyReport(report, { colour: config.colour }));
    const signal = stop.signalName();
    if (signal) return stopped(io, signal, stoppedBecause ?? `stopped by ${signal}: no action started after it; the ones running finished`);
    if (stoppedBecause) io.stderr.write(`onboarder: ${stoppedBecause}\n`);
    return stoppedBecause || (report && report.failed + report.skipped > 0) ? 1 : 0;
  } catch (error) {
    if (error instanceof ConfirmationMismatchError) {
      // What is held now, with its token: the operator reviews it and confirms again.
      io.stdout.write(formatPlan(error.plan, { colour: config.colour, dir: config.dir }));
      io.stderr.write(`onboarder: ${error.message}\n`);
      return 1;
    }
    const signal = stop.signalName();
    if (signal === undefined) throw error;
    // Stopped before the plan was known: the error is the cancelled request, the signal is the news.
    return stopped(io, signal, `stopped by ${signal} before any action ran (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    stop.dispose();
    // Whatever this command left running (a request still retrying after another failed) ends with it.
    pass.end();
    await connection.close();
  }
}

/** Says why the command stopped; returns 128 + the signal's number, the shell's convention: 130 for SIGINT, 143 for SIGTERM. */
function stopped(io: Io, signal: NodeJS.Signals, why: string): number {
  io.stderr.write(`onboarder: ${why}\n`);
  return 128 + (osConstants.signals[signal] ?? 2);
}

interface CommandStop {
  /** The signal that stopped the command (io.stop's reason, as cli.ts aborts it), once it did. */
  signalName(): NodeJS.Signals | undefined;
  /** For the executor: once stopped, no new action starts. */
  holdReason(): string | undefined;
  dispose(): void;
}

/**
 * `plan` and `apply` obey the first SIGINT/SIGTERM like `run`: no new action
 * starts and the calls in flight get the shutdown grace, then the pass is
 * aborted. `plan` writes nothing, so it is aborted at once.
 */
function obeyStop(stop: AbortSignal | undefined, pass: PassSignal, config: Config, logger: Logger): CommandStop {
  let signal: NodeJS.Signals | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const onStop = () => {
    const reason: unknown = stop?.reason;
    signal = typeof reason === 'string' && reason.startsWith('SIG') ? (reason as NodeJS.Signals) : 'SIGINT';
    const graceMs = config.command === 'plan' ? 0 : config.shutdownGraceMs;
    logger.warn({ signal, graceMs }, 'stopping: no new action starts; calls in flight get the grace period');
    graceTimer = setTimeout(
      () => pass.abort(new PassStoppedError('STOPPED', `stopped by ${signal}: calls still in flight after the shutdown grace (${formatDuration(graceMs)}) were cancelled`)),
      graceMs,
    );
  };
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  return {
    signalName: () => signal,
    holdReason: () => (signal ? `stopped by ${signal}` : undefined),
    dispose() {
      clearTimeout(graceTimer);
      stop?.removeEventListener('abort', onStop);
    },
  };
}

/** What `onboarder_build_info` says: package.json's version (beside src/ and dist/ alike) and Node's. */
function buildInfo(): BuildInfo {
  return { version: packageVersion(), node: process.version };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function assertNever(value: never): never {
  throw new Error(`unhandled command ${String(value)}; known: ${COMMANDS.join(', ')}`);
}

