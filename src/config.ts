/**
 * The one reader of flags and environment. Every flag has an ONBOARDER_*
 * variable; Databricks credentials come only from the standard Databricks
 * variables. FLAGS (config-flags.ts) is the one description of the flags:
 * parsing, validation and `--help` (help.ts) are all derived from it. The result is
 * validated and frozen; nothing else reads env.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { COMMAND_SPECS, COMMANDS, isCommand, type Command } from './commands.js';
import { databricksFromEnv, pointAtSimulator, type DatabricksSettings } from './config-databricks.js';
import { FLAGS, type FlagName, type LogLevel } from './config-flags.js';
import type { FlagSpec } from './config-values.js';
import { ConfigError } from './domain/errors.js';
import { DATABRICKS_DOMAINS } from './domain/host-trust.js';
import { ACTION_KINDS, type ActionKind } from './domain/plan.js';
import type { FamilyLimitsConfig } from './live/limiter.js';
import { DEFAULT_ACCOUNT_ID } from './simulator/defaults.js';

export { COMMANDS, type Command } from './commands.js';
export { DEFAULT_INVENTORY_PATH, FLAGS, type FlagName } from './config-flags.js';
export type { DatabricksSettings } from './config-databricks.js';
export type { FlagSpec } from './config-values.js';

export interface Config {
  readonly command: Command;
  /** The desired-state folder. */
  readonly dir: string;
  readonly json: boolean;
  readonly detailedExitcode: boolean;
  readonly principals: 'create' | 'external';
  readonly logLevel: LogLevel;
  readonly logFormat: 'json' | 'pretty';
  readonly colour: boolean;
  /** Port of the embedded simulator in `demo` (0 picks a free one). */
  readonly simulatorPort: number;
  readonly databricks: DatabricksSettings;
  /** SCIM page size for list reads. */
  readonly scimPageSize: number;
  /** Client-side rate limits per API family, over the defaults. */
  readonly rateLimits: FamilyLimitsConfig;
  /** The most one Databricks request attempt may take, connect to last byte. */
  readonly requestTimeoutMs: number;
  /** `run`: full reconcile interval (a commit reconciles at once). */
  readonly resyncIntervalMs: number;
  /** `run`: HTTP port for /metrics, /healthz, /readyz and the status page. */
  readonly port: number;
  /** `run`: the address that server listens on; default all interfaces (IPv4), what a container needs. */
  readonly bindAddress: string;
  /** How long in-flight work may take to finish after SIGTERM or SIGINT (run, apply). */
  readonly shutdownGraceMs: number;
  /** The deadline of one pass (observe, apply, inventory): past it the pass is aborted and reported as failed. */
  readonly passTimeoutMs: number;
  /** `run`: Kubernetes Lease leader election; only the leader writes. */
  readonly leaderElect: boolean;
  readonly leaseName: string;
  /** The Lease holder: POD_NAME (the downward API), else the host name (Kubernetes sets it to the pod name). */
  readonly leaseIdentity: string;
  /** Default: the pod's own namespace. */
  readonly leaseNamespace: string | undefined;
  /** Lift the deletion budget (at most 10 objects or 10% of the inventory per reconcile). */
  readonly allowMassDelete: boolean;
  /** `plan`/`apply`: the token of what a blocked plan holds, confirming exactly that once (domain/confirm-token.ts). */
  readonly confirmDeletions: string | undefined;
  /** Kinds observed only: drift reported, never written (`--mode=observe` means every kind). */
  readonly observeKinds: ReadonlySet<ActionKind>;
  /** `--mode=observe`: nothing at all is written, the inventory included. */
  readonly observeOnly: boolean;
  /** The Workspace (by name) that keeps the inventory; may be left out only when one is declared. */
  readonly inventoryWorkspace: string | undefined;
  /** Folder of the inventory in that workspace; `{me}` is onboarder's own user name or application id. */
  readonly inventoryPath: string;
  /** `demo`: converge once and exit instead of running the controller. */
  readonly once: boolean;
}

type FlagValues = { [K in FlagName]: (typeof FLAGS)[K] extends FlagSpec<infer T> ? T : never };

/** `--help` and `--version` answer instead of running, so any command takes them. */
const META_FLAGS = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } } as const;

export interface ParsedArgs {
  /** The command to run, or whose help to print (`onboarder help plan`, `plan --help`); undefined for the general help. */
  command: Command | undefined;
  help: boolean;
  version: boolean;
  config?: Config;
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv, isTty: boolean): ParsedArgs {
  const options = {
    ...Object.fromEntries(Object.entries(FLAGS).map(([name, spec]) => [name, { type: 'value' in spec ? 'string' : 'boolean' }] as const)),
    ...META_FLAGS,
  };
  // Not strict: unknown flags come back as tokens, so that the error can name the command as well.
  const { positionals, tokens, values } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  const [first, ...rest] = positionals;
  if (first === 'help') {
    if (rest.length > 1) throw new ConfigError(`help takes one command, got ${rest.join(' ')}`);
    return { command: rest[0] === undefined ? undefined : knownCommand(rest[0]), help: true, version: false };
  }
  const command = first === undefined ? undefined : knownCommand(first);
  if (values.version === true) return { command, help: false, version: true };
  if (values.help === true || command === undefined) {
    const unknown = tokens.find((t) => t.kind === 'option' && !(t.name in options));
    if (unknown?.kind === 'option') throw new ConfigError(`unknown flag ${unknown.rawName} (see onboarder --help)`);
    // `onboarder` alone prints the general help too, but as the mistake it is (main exits 1).
    return { command, help: values.help === true, version: false };
  }
  const given = flagsGiven(command, tokens);
  const [dirArg, ...extra] = rest;
  if (dirArg !== undefined && !COMMAND_SPECS[command].takesDir) fail(command, `${command} takes no argument, got "${dirArg}"`);
  if (extra.length > 0) fail(command, `unexpected arguments: ${extra.join(' ')} (${command} takes one DIR)`);
  const flags = readFlags(command, given, env);
  const config: Omit<Config, 'databricks'> = {
    command,
    dir: dirArg ?? env.ONBOARDER_DIR ?? 'desired-state',
    json: flags.json,
    detailedExitcode: flags['detailed-exitcode'],
    principals: flags.principals,
    logLevel: flags['log-level'],
    logFormat: flags['log-format'] ?? (isTty ? 'pretty' : 'json'),
    colour: isTty && !flags['no-color'],
    simulatorPort: flags['simulator-port'],
    scimPageSize: flags['scim-page-size'],
    rateLimits: flags['rate-limits'],
    resyncIntervalMs: flags['resync-interval'],
    requestTimeoutMs: flags['request-timeout'],
    port: flags.port,
    bindAddress: flags['bind-address'],
    shutdownGraceMs: flags['shutdown-grace'],
    passTimeoutMs: flags['pass-timeout'],
    leaderElect: flags['leader-elect'],
    leaseName: flags['lease-name'],
    leaseIdentity: env.POD_NAME || hostname(),
    leaseNamespace: flags['lease-namespace'],
    once: flags.once,
    allowMassDelete: flags['allow-mass-delete'],
    confirmDeletions: flags['confirm-deletions'],
    observeKinds: new Set(flags.mode === 'observe' ? ACTION_KINDS : flags['observe-kinds']),
    observeOnly: flags.mode === 'observe',
    inventoryWorkspace: flags['inventory-workspace'],
    inventoryPath: flags['inventory-path'],
  };
  const trusted = [...DATABRICKS_DOMAINS, ...flags['allowed-hosts']];
  try {
    const full = flags.simulator
      ? pointAtSimulator(config, { url: flags.simulator, accountId: DEFAULT_ACCOUNT_ID, setting: '--simulator', trustedHosts: trusted })
      : { ...config, databricks: databricksFromEnv(env, trusted) };
    return { command, help: false, version: false, config: Object.freeze(full) };
  } catch (error) {
    if (error instanceof ConfigError) fail(command, error.message);
    throw error;
  }
}

function knownCommand(name: string): Command {
  if (isCommand(name)) return name;
  throw new ConfigError(`unknown command "${name}" (commands: ${COMMANDS.join(', ')}; see onboarder --help)`);
}

function fail(command: Command, message: string): never {
  throw new ConfigError(message, command);
}

type Token = ReturnType<typeof parseArgs>['tokens'] extends (infer T)[] | undefined ? T : never;

/** The flags on the command line, name -> text (a switch: ''); the last one given wins. Refuses any the command does not take. */
function flagsGiven(command: Command, tokens: readonly Token[]): Map<FlagName, string> {
  const given = new Map<FlagName, string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name in META_FLAGS) continue;
    const name = token.name as FlagName;
    const spec: FlagSpec<unknown> | undefined = Object.hasOwn(FLAGS, name) ? FLAGS[name] : undefined;
    if (!spec || !spec.commands.includes(command)) {
      fail(command, `${token.rawName} is not a flag of ${command} (see onboarder ${command} --help)`);
    }
    if (spec.value === undefined) {
      if (token.value !== undefined) fail(command, `${token.rawName} takes no value, got "${token.value}"`);
      given.set(name, '');
    } else if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      fail(command, `${token.rawName}: expected a value (${token.rawName}=${spec.value})`);
    } else {
      given.set(name, token.value);
    }
  }
  return given;
}

/**
 * Each flag the command takes from its command line, else its variable, else
 * its default; a flag the command does not take keeps its default, its
 * variable unread. Every bad value is reported, by the name the operator used.
 */
function readFlags(command: Command, given: ReadonlyMap<FlagName, string>, env: NodeJS.ProcessEnv): FlagValues {
  const problems: string[] = [];
  const values = Object.fromEntries(
    (Object.entries(FLAGS) as [FlagName, FlagSpec<unknown>][]).map(([name, spec]) => {
      if (!spec.commands.includes(command)) return [name, spec.fallback];
      const flagText = given.get(name);
      if (flagText !== undefined && spec.value === undefined) return [name, true];
      const [source, text] = flagText !== undefined ? [`--${name}`, flagText] : [`${spec.env} (--${name})`, env[spec.env]];
      // An empty variable counts as unset (as a shell's `X=` means); an empty flag is a mistake.
      if (text === undefined || (text === '' && flagText === undefined)) return [name, spec.fallback];
      const parsed = spec.parse(text);
      if (parsed.ok) return [name, parsed.value];
      problems.push(`${source}: ${parsed.problem}`);
      return [name, spec.fallback];
    }),
  );
  if (problems.length > 0) fail(command, problems.join('; '));
  return values as FlagValues;
}
