/**
 * The one reader of flags and environment. Every flag has an ONBOARDER_*
 * variable; Databricks credentials come only from the standard Databricks
 * variables. FLAGS below is the one description of the flags: parsing,
 * validation and `--help` (help.ts) are all derived from it. The result is
 * validated and frozen; nothing else reads env.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { COMMAND_SPECS, COMMANDS, isCommand, type Command } from './commands.js';
import { databricksFromEnv, pointAtSimulator, type DatabricksSettings } from './config-databricks.js';
import {
  allowedHostsValue,
  bindAddressValue,
  durationValue,
  integerValue,
  kindsValue,
  matching,
  oneOf,
  presenceValue,
  rateLimitsValue,
  simulatorUrlValue,
  switchFlag,
  textValue,
  valueFlag,
  type FlagSpec,
} from './config-values.js';
import { CONFIRM_TOKEN_PATTERN } from './domain/confirm-token.js';
import { ConfigError } from './domain/errors.js';
import { DATABRICKS_DOMAINS, type HostPattern } from './domain/host-trust.js';
import { ACTION_KINDS, type ActionKind } from './domain/plan.js';
import type { FamilyLimitsConfig } from './live/limiter.js';
import { DEFAULT_ACCOUNT_ID } from './simulator/defaults.js';

export { COMMANDS, type Command } from './commands.js';
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

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** The commands that read the live account. */
const CONNECTING: readonly Command[] = ['plan', 'apply', 'run', 'demo'];
/** The commands that serve HTTP (`demo` runs the controller). */
const SERVING: readonly Command[] = ['run', 'demo'];

/** In onboarder's own home folder, which only it and workspace admins can write: nobody else can edit what it may delete. */
export const DEFAULT_INVENTORY_PATH = '/Users/{me}/.onboarder/inventory';

/** Every flag, in the order help lists them. */
export const FLAGS = {
  json: switchFlag({ env: 'ONBOARDER_JSON', commands: ['plan', 'validate'], help: 'print the result as JSON instead of text (a plan: formatVersion, summary, actions[]; invalid desired state: issues[] with their codes)' }),
  'detailed-exitcode': switchFlag({ env: 'ONBOARDER_DETAILED_EXITCODE', commands: ['plan'], help: 'exit 0 when there is nothing to change, 2 when there is, 1 on error' }),
  once: switchFlag({ env: 'ONBOARDER_ONCE', commands: ['demo'], help: 'converge the folder once, plan again to show nothing is left, and exit' }),
  simulator: valueFlag<string | undefined>({
    value: 'URL',
    env: 'ONBOARDER_SIMULATOR',
    commands: ['plan', 'apply', 'run'],
    fallback: undefined,
    parse: simulatorUrlValue,
    help:
      'use the Databricks simulator at URL (the one `onboarder demo` serves and prints) instead of Databricks: every ' +
      'account and workspace call goes there, with the simulator\'s own account id and token, and its host is trusted; ' +
      'the DATABRICKS_* variables are ignored',
  }),
  principals: valueFlag<'create' | 'external'>({
    value: 'create|external',
    env: 'ONBOARDER_PRINCIPALS',
    commands: CONNECTING,
    shownDefault: 'create',
    fallback: 'create',
    parse: oneOf(['create', 'external']),
    help: 'create missing users and service principals, or report them as waiting for the identity provider',
  }),
  mode: valueFlag<'apply' | 'observe'>({
    value: 'apply|observe',
    env: 'ONBOARDER_MODE',
    commands: CONNECTING,
    shownDefault: 'apply',
    fallback: 'apply',
    parse: oneOf(['apply', 'observe']),
    help: 'observe: compute and report every drift (plan, status page, metrics), write nothing, the inventory included',
  }),
  'observe-kinds': valueFlag<ActionKind[]>({
    value: 'KIND,...',
    env: 'ONBOARDER_OBSERVE_KINDS',
    commands: CONNECTING,
    fallback: [],
    parse: kindsValue,
    help: 'observe only these kinds (e.g. notebooks,grants; singular or plural names); the rest is applied',
  }),
  'allow-mass-delete': switchFlag({
    env: 'ONBOARDER_ALLOW_MASS_DELETE',
    commands: CONNECTING,
    help:
      'confirm what the guards hold back: deletions over the budget (10 objects or 10% of the inventory), of a ' +
      'customer no longer declared at all, or membership removals taking more than half of a persona group',
  }),
  // Never `run`'s or `demo`'s: a confirmation kept in a Deployment would be a guard turned off for good.
  'confirm-deletions': valueFlag<string | undefined>({
    value: 'TOKEN',
    env: 'ONBOARDER_CONFIRM_DELETIONS',
    commands: ['plan', 'apply'],
    fallback: undefined,
    parse: matching(CONFIRM_TOKEN_PATTERN, 'the token a blocked plan prints (12 hex digits)'),
    help: 'let through, once, exactly what a blocked plan holds (the token it prints); a token whose set changed confirms nothing',
  }),
  'inventory-workspace': valueFlag<string | undefined>({
    value: 'NAME',
    env: 'ONBOARDER_INVENTORY_WORKSPACE',
    commands: CONNECTING,
    shownDefault: 'the only declared Workspace',
    fallback: undefined,
    parse: textValue,
    help: 'the Workspace that keeps the inventory; required once more than one is declared, so adding one never moves it',
  }),
  'inventory-path': valueFlag({
    value: 'PATH',
    env: 'ONBOARDER_INVENTORY_PATH',
    commands: CONNECTING,
    shownDefault: DEFAULT_INVENTORY_PATH,
    fallback: DEFAULT_INVENTORY_PATH,
    parse: matching(/^\/[^\s]*[^/\s]$/, 'an absolute workspace folder path, e.g. /Users/{me}/.onboarder/inventory'),
    help: 'the inventory\'s folder in that workspace; {me} is onboarder\'s own user name or application id',
  }),
  'allowed-hosts': valueFlag<HostPattern[]>({
    value: 'HOST,...',
    env: 'ONBOARDER_ALLOWED_HOSTS',
    commands: ['validate', ...CONNECTING],
    shownDefault: 'none',
    fallback: [],
    parse: allowedHostsValue,
    help:
      'hosts trusted with credentials besides Databricks\' own domains and the hosts of DATABRICKS_HOST and ' +
      'DATABRICKS_ACCOUNT_HOST: host[:port] or *.domain; a Workspace host outside them is an error',
  }),
  'scim-page-size': valueFlag({
    value: 'N',
    env: 'ONBOARDER_SCIM_PAGE_SIZE',
    commands: CONNECTING,
    shownDefault: '100',
    fallback: 100,
    parse: integerValue(1, 10_000),
    help: 'SCIM list page size',
  }),
  'rate-limits': valueFlag<FamilyLimitsConfig>({
    value: 'SPEC',
    env: 'ONBOARDER_RATE_LIMITS',
    commands: CONNECTING,
    shownDefault: 'the documented limits per API family',
    fallback: {},
    parse: rateLimitsValue,
    help: 'client-side limits per API family over the defaults: family=RPS[/WRITE_RPS],... or none',
  }),
  'request-timeout': valueFlag({
    value: 'DURATION',
    env: 'ONBOARDER_REQUEST_TIMEOUT',
    commands: CONNECTING,
    shownDefault: '60s',
    fallback: 60_000,
    parse: durationValue,
    help: 'the most one Databricks request attempt may take, connect to last byte (retries stay within 5 minutes)',
  }),
  'pass-timeout': valueFlag({
    value: 'DURATION',
    env: 'ONBOARDER_PASS_TIMEOUT',
    commands: CONNECTING,
    shownDefault: '15m',
    // Long enough for a cold apply of a large estate at the documented rate limits; short enough that a hang is seen.
    fallback: 15 * 60_000,
    parse: durationValue,
    help: 'the deadline of one pass (read, apply, inventory); past it the pass is aborted and reported as failed',
  }),
  'shutdown-grace': valueFlag({
    value: 'DURATION',
    env: 'ONBOARDER_SHUTDOWN_GRACE',
    commands: ['apply', 'run', 'demo'],
    shownDefault: '20s',
    fallback: 20_000,
    parse: durationValue,
    help: 'how long calls in flight may finish after SIGTERM/SIGINT before they are cancelled',
  }),
  'resync-interval': valueFlag({
    value: 'DURATION',
    env: 'ONBOARDER_RESYNC_INTERVAL',
    commands: SERVING,
    shownDefault: '10m',
    fallback: 10 * 60_000,
    parse: durationValue,
    help: 'full reconcile interval (500ms, 30s, 10m, 1h), plus up to 10% jitter; a new revision reconciles at once',
  }),
  port: valueFlag({
    value: 'N',
    env: 'ONBOARDER_PORT',
    commands: SERVING,
    shownDefault: '8080',
    fallback: 8080,
    parse: integerValue(0, 65535),
    help: 'HTTP port of /metrics, /healthz, /readyz and the status page (0 picks a free one)',
  }),
  'bind-address': valueFlag({
    value: 'ADDRESS',
    env: 'ONBOARDER_BIND_ADDRESS',
    commands: SERVING,
    shownDefault: '0.0.0.0, all interfaces (what a container needs)',
    fallback: '0.0.0.0',
    parse: bindAddressValue,
    help: 'the address the HTTP server listens on, e.g. 127.0.0.1 or ::',
  }),
  'simulator-port': valueFlag({
    value: 'N',
    env: 'ONBOARDER_SIMULATOR_PORT',
    commands: ['demo'],
    shownDefault: 'a free port',
    fallback: 0,
    parse: integerValue(0, 65535),
    help: 'the port of the embedded Databricks simulator',
  }),
  'leader-elect': switchFlag({ env: 'ONBOARDER_LEADER_ELECT', commands: ['run'], help: 'Kubernetes Lease leader election: only the leader writes' }),
  'lease-name': valueFlag({
    value: 'NAME',
    env: 'ONBOARDER_LEASE_NAME',
    commands: ['run'],
    shownDefault: 'onboarder',
    fallback: 'onboarder',
    parse: matching(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Kubernetes object name (lower case letters, digits, - and .)'),
    help: 'the Lease',
  }),
  'lease-namespace': valueFlag<string | undefined>({
    value: 'NS',
    env: 'ONBOARDER_LEASE_NAMESPACE',
    commands: ['run'],
    shownDefault: 'the pod\'s namespace',
    fallback: undefined,
    parse: textValue,
    help: 'the Lease\'s namespace',
  }),
  'log-level': valueFlag<LogLevel>({
    value: 'LEVEL',
    env: 'ONBOARDER_LOG_LEVEL',
    commands: CONNECTING,
    shownDefault: 'info',
    fallback: 'info',
    parse: oneOf(LOG_LEVELS),
    help: 'trace, debug, info, warn, error, fatal or silent',
  }),
  'log-format': valueFlag<'json' | 'pretty' | undefined>({
    value: 'json|pretty',
    env: 'ONBOARDER_LOG_FORMAT',
    commands: CONNECTING,
    shownDefault: 'pretty on a terminal, json otherwise',
    fallback: undefined,
    parse: oneOf(['json', 'pretty']),
    help: 'log lines as JSON, or for people',
  }),
  'no-color': switchFlag({ env: 'NO_COLOR', commands: ['plan', 'apply', 'demo'], parse: presenceValue, help: 'plain output, without colour (NO_COLOR set to anything)' }),
} as const satisfies Record<string, FlagSpec<unknown>>;

export type FlagName = keyof typeof FLAGS;
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
