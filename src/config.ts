/**
 * The one reader of flags and environment. Every flag has an ONBOARDER_*
 * variable; Databricks credentials come only from the standard Databricks
 * variables. The result is validated and frozen; nothing else reads env.
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CONFIRM_TOKEN_PATTERN } from './domain/confirm-token.js';
import { ConfigError } from './domain/errors.js';
import { DATABRICKS_DOMAINS, originPattern, parseHostPattern, type HostPattern } from './domain/host-trust.js';
import { protectCredentials, type Credentials } from './live/auth.js';
import { DEFAULT_FAMILY_LIMITS, unlimitedFamilyLimits, type FamilyLimitsConfig } from './live/limiter.js';
import { ACTION_KINDS, type ActionKind } from './domain/plan.js';
import type { ApiFamily } from './domain/telemetry.js';

export const COMMANDS = ['validate', 'plan', 'apply', 'run', 'demo', 'schema'] as const;
export type Command = (typeof COMMANDS)[number];


export interface Config {
  readonly command: Command;
  /** The desired-state folder. */
  readonly dir: string;
  readonly json: boolean;
  readonly detailedExitcode: boolean;
  readonly principals: 'create' | 'external';
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  readonly logFormat: 'json' | 'pretty';
  readonly colour: boolean;
  /** Port of the embedded simulator in `demo` (0 picks a free one). */
  readonly simulatorPort: number;
  readonly databricks: {
    readonly accountHost: string;
    readonly accountId: string | undefined;
    /** DATABRICKS_HOST: the host of a Workspace that declares none. */
    readonly defaultWorkspaceHost: string | undefined;
    readonly credentials: Credentials | undefined;
    /**
     * The only hosts credentials go to: Databricks' own domains, the hosts of
     * DATABRICKS_HOST and DATABRICKS_ACCOUNT_HOST, and `--allowed-hosts`.
     * Never widened by the desired state.
     */
    readonly trustedHosts: readonly HostPattern[];
  };
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
  /** How long in-flight work may take to finish after SIGTERM or SIGINT (run, plan, apply). */
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

const FLAGS = {
  json: { type: 'boolean' },
  'detailed-exitcode': { type: 'boolean' },
  principals: { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  'simulator-port': { type: 'string' },
  'scim-page-size': { type: 'string' },
  'rate-limits': { type: 'string' },
  'request-timeout': { type: 'string' },
  'resync-interval': { type: 'string' },
  port: { type: 'string' },
  'bind-address': { type: 'string' },
  'allowed-hosts': { type: 'string' },
  'shutdown-grace': { type: 'string' },
  'pass-timeout': { type: 'string' },
  'leader-elect': { type: 'boolean' },
  'lease-name': { type: 'string' },
  'lease-namespace': { type: 'string' },
  once: { type: 'boolean' },
  mode: { type: 'string' },
  'allow-mass-delete': { type: 'boolean' },
  'confirm-deletions': { type: 'string' },
  'observe-kinds': { type: 'string' },
  'inventory-workspace': { type: 'string' },
  'inventory-path': { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** In onboarder's own home folder, which only it and workspace admins can write: nobody else can edit what it may delete. */
export const DEFAULT_INVENTORY_PATH = '/Users/{me}/.onboarder/inventory';

/** `30s`, `10m`, `1h`, `500ms` -> milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, { error: 'must be a duration such as 500ms, 30s, 10m or 1h' })
  .transform((text) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h)$/.exec(text)!;
    return Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  })
  .refine((ms) => ms > 0, { error: 'must be longer than 0' });

const settingsSchema = z.object({
  principals: z.enum(['create', 'external']).default('create'),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  logFormat: z.enum(['json', 'pretty']).optional(),
  simulatorPort: z.coerce.number().int().min(0).max(65535).default(0),
  scimPageSize: z.coerce.number().int().min(1).max(10_000).default(100),
  resyncIntervalMs: duration.default(10 * 60_000),
  requestTimeoutMs: duration.default(60_000),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  shutdownGraceMs: duration.default(20_000),
  // Long enough for a cold apply of a large estate at the documented rate limits; short enough that a hang is seen.
  passTimeoutMs: duration.default(15 * 60_000),
  leaseName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a Kubernetes object name' }).default('onboarder'),
  inventoryPath: z
    .string()
    .regex(/^\/[^\s]*[^/\s]$/, { error: 'must be an absolute workspace folder path, e.g. /Users/{me}/.onboarder/inventory' })
    .default(DEFAULT_INVENTORY_PATH),
  confirmDeletions: z.string().regex(CONFIRM_TOKEN_PATTERN, { error: 'must be the token a blocked plan prints (12 hex digits)' }).optional(),
});

/** Where each setting comes from: its flag and its variable (errors name both). */
const SETTING_SOURCES = {
  principals: ['principals', 'ONBOARDER_PRINCIPALS'],
  logLevel: ['log-level', 'ONBOARDER_LOG_LEVEL'],
  logFormat: ['log-format', 'ONBOARDER_LOG_FORMAT'],
  simulatorPort: ['simulator-port', 'ONBOARDER_SIMULATOR_PORT'],
  scimPageSize: ['scim-page-size', 'ONBOARDER_SCIM_PAGE_SIZE'],
  resyncIntervalMs: ['resync-interval', 'ONBOARDER_RESYNC_INTERVAL'],
  requestTimeoutMs: ['request-timeout', 'ONBOARDER_REQUEST_TIMEOUT'],
  port: ['port', 'ONBOARDER_PORT'],
  shutdownGraceMs: ['shutdown-grace', 'ONBOARDER_SHUTDOWN_GRACE'],
  passTimeoutMs: ['pass-timeout', 'ONBOARDER_PASS_TIMEOUT'],
  leaseName: ['lease-name', 'ONBOARDER_LEASE_NAME'],
  inventoryPath: ['inventory-path', 'ONBOARDER_INVENTORY_PATH'],
  confirmDeletions: ['confirm-deletions', 'ONBOARDER_CONFIRM_DELETIONS'],
} as const satisfies Record<keyof z.input<typeof settingsSchema>, readonly [keyof typeof FLAGS, string]>;

export interface ParsedArgs {
  command: Command | undefined;
  help: boolean;
  config?: Config;
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv, isTty: boolean): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const [commandName, dirArg, ...extra] = parsed.positionals;
  const help = parsed.values.help === true;
  if (commandName === undefined) return { command: undefined, help: true };
  if (!(COMMANDS as readonly string[]).includes(commandName)) throw new ConfigError(`unknown command "${commandName}"`);
  const command = commandName as Command;
  if (extra.length > 0) throw new ConfigError(`unexpected arguments: ${extra.join(' ')}`);

  const pick = (flag: keyof typeof FLAGS, variable: string) => {
    const value = parsed.values[flag];
    return typeof value === 'string' ? value : env[variable] || undefined;
  };
  const settings = settingsSchema.safeParse(
    Object.fromEntries(Object.entries(SETTING_SOURCES).map(([key, [flag, variable]]) => [key, pick(flag, variable)])),
  );
  if (!settings.success) {
    const named = (key: PropertyKey | undefined) => {
      const source = SETTING_SOURCES[key as keyof typeof SETTING_SOURCES];
      return source ? `--${source[0]} (${source[1]})` : String(key);
    };
    throw new ConfigError(settings.error.issues.map((i) => `${named(i.path[0])}: ${i.message}`).join('; '));
  }
  if (settings.data.confirmDeletions !== undefined && command !== 'plan' && command !== 'apply') {
    // Never for `run`: a confirmation kept in a Deployment would be a guard turned off for good.
    throw new ConfigError(`--confirm-deletions (ONBOARDER_CONFIRM_DELETIONS) confirms what one plan holds, once: apply (or plan, to preview) takes it, ${command} does not`);
  }
  const colour = isTty && parsed.values['no-color'] !== true && !env.NO_COLOR;
  const accountHost = normaliseHost(env.DATABRICKS_ACCOUNT_HOST || 'https://accounts.cloud.databricks.com');
  const defaultWorkspaceHost = env.DATABRICKS_HOST ? normaliseHost(env.DATABRICKS_HOST) : undefined;
  const config: Config = Object.freeze({
    command,
    dir: dirArg ?? env.ONBOARDER_DIR ?? 'desired-state',
    json: parsed.values.json === true,
    detailedExitcode: parsed.values['detailed-exitcode'] === true,
    principals: settings.data.principals,
    logLevel: settings.data.logLevel,
    logFormat: settings.data.logFormat ?? (isTty ? 'pretty' : 'json'),
    colour,
    simulatorPort: settings.data.simulatorPort,
    scimPageSize: settings.data.scimPageSize,
    rateLimits: parseRateLimits(pick('rate-limits', 'ONBOARDER_RATE_LIMITS')),
    resyncIntervalMs: settings.data.resyncIntervalMs,
    requestTimeoutMs: settings.data.requestTimeoutMs,
    port: settings.data.port,
    bindAddress: parseBindAddress(pick('bind-address', 'ONBOARDER_BIND_ADDRESS')),
    shutdownGraceMs: settings.data.shutdownGraceMs,
    passTimeoutMs: settings.data.passTimeoutMs,
    leaderElect: parsed.values['leader-elect'] === true || env.ONBOARDER_LEADER_ELECT === 'true',
    leaseName: settings.data.leaseName,
    leaseIdentity: env.POD_NAME || hostname(),
    leaseNamespace: pick('lease-namespace', 'ONBOARDER_LEASE_NAMESPACE'),
    once: parsed.values.once === true,
    allowMassDelete: parsed.values['allow-mass-delete'] === true || env.ONBOARDER_ALLOW_MASS_DELETE === 'true',
    confirmDeletions: settings.data.confirmDeletions,
    observeKinds: observeKinds(pick('mode', 'ONBOARDER_MODE'), pick('observe-kinds', 'ONBOARDER_OBSERVE_KINDS')),
    observeOnly: pick('mode', 'ONBOARDER_MODE') === 'observe',
    inventoryWorkspace: pick('inventory-workspace', 'ONBOARDER_INVENTORY_WORKSPACE'),
    inventoryPath: settings.data.inventoryPath,
    databricks: Object.freeze({
      accountHost,
      accountId: env.DATABRICKS_ACCOUNT_ID || undefined,
      defaultWorkspaceHost,
      credentials: readCredentials(env),
      trustedHosts: Object.freeze([
        ...DATABRICKS_DOMAINS,
        configuredHost(accountHost, 'DATABRICKS_ACCOUNT_HOST'),
        ...(defaultWorkspaceHost ? [configuredHost(defaultWorkspaceHost, 'DATABRICKS_HOST')] : []),
        ...parseAllowedHosts(pick('allowed-hosts', 'ONBOARDER_ALLOWED_HOSTS')),
      ]),
    }),
  });
  return { command, help, config };
}

/** `--mode=observe` observes every kind; `--observe-kinds=notebooks,grants` some (singular or plural names). */
export function observeKinds(mode: string | undefined, kinds: string | undefined): ReadonlySet<ActionKind> {
  if (mode !== undefined && mode !== 'apply' && mode !== 'observe') throw new ConfigError(`--mode must be apply or observe, got "${mode}"`);
  if (mode === 'observe') return new Set(ACTION_KINDS);
  const observed = new Set<ActionKind>();
  for (const name of (kinds ?? '').split(',').map((k) => k.trim()).filter(Boolean)) {
    const kind = ACTION_KINDS.find((k) => k === name || `${k}s` === name || (k.endsWith('y') && `${k.slice(0, -1)}ies` === name));
    if (!kind) throw new ConfigError(`--observe-kinds: unknown kind "${name}" (known: ${ACTION_KINDS.join(', ')})`);
    observed.add(kind);
  }
  return observed;
}

/**
 * `--allowed-hosts`: comma-separated `host[:port]` or `*.domain` entries the
 * operator trusts with credentials besides Databricks' own domains (a
 * private endpoint, the simulator in tests). Every bad entry is named.
 */
export function parseAllowedHosts(text: string | undefined): HostPattern[] {
  const entries = (text ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const patterns: HostPattern[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const result = parseHostPattern(entry);
    if (result.ok) patterns.push(result.pattern);
    else problems.push(`"${entry}" ${result.reason}`);
  }
  if (problems.length > 0) throw new ConfigError(`--allowed-hosts (ONBOARDER_ALLOWED_HOSTS): ${problems.join('; ')}`);
  return patterns;
}

/** The host the operator configured is trusted as written: that host and port only. */
function configuredHost(url: string, variable: string): HostPattern {
  try {
    return originPattern(new URL(url));
  } catch {
    // The value itself stays out of the message: a URL may carry user info.
    throw new ConfigError(`${variable} is not a valid URL`);
  }
}

/** An IP address (`0.0.0.0`, `127.0.0.1`, `::`) or a host name such as `localhost`. */
export function parseBindAddress(text: string | undefined): string {
  if (text === undefined) return '0.0.0.0';
  const address = text.trim();
  if (isIP(address) !== 0 || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(address)) return address;
  throw new ConfigError(`--bind-address (ONBOARDER_BIND_ADDRESS): "${text}" is not an IP address or host name (e.g. 0.0.0.0, 127.0.0.1, ::)`);
}

/** Resolves the standard Databricks auth variables the way the SDKs do (one method, never two). */
function readCredentials(env: NodeJS.ProcessEnv): Credentials | undefined {
  const token = env.DATABRICKS_TOKEN || undefined;
  const clientId = env.DATABRICKS_CLIENT_ID || undefined;
  const clientSecret = env.DATABRICKS_CLIENT_SECRET || undefined;
  if (token && (clientId || clientSecret)) {
    throw new ConfigError('more than one authorization method configured: oauth and pat (set DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID/SECRET, not both)');
  }
  if (token) return protectCredentials({ type: 'pat', token });
  if (clientId && clientSecret) return protectCredentials({ type: 'oauth-m2m', clientId, clientSecret });
  if (clientId || clientSecret) throw new ConfigError('OAuth needs both DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET');
  return undefined;
}

/**
 * `none` (no client-side limits: the simulator), or a comma list of
 * `family=RPS` or `family=RPS/WRITE_RPS`, e.g. `account-scim=10/2,workspace-scim=4`.
 */
export function parseRateLimits(text: string | undefined): FamilyLimitsConfig {
  if (text === undefined || text.trim() === '') return {};
  if (text.trim() === 'none') return unlimitedFamilyLimits();
  const limits: FamilyLimitsConfig = {};
  for (const item of text.split(',')) {
    const match = /^\s*([a-z-]+)=(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?\s*$/.exec(item);
    if (!match || !(match[1]! in DEFAULT_FAMILY_LIMITS)) {
      throw new ConfigError(
        `rate-limits: "${item}" is not family=RPS[/WRITE_RPS] with a family from ${Object.keys(DEFAULT_FAMILY_LIMITS).join(', ')}`,
      );
    }
    limits[match[1] as ApiFamily] = {
      requestsPerSecond: Number(match[2]),
      ...(match[3] === undefined ? {} : { writeRequestsPerSecond: Number(match[3]) }),
    };
  }
  return limits;
}

/** `adb-1.azuredatabricks.net` -> `https://adb-1.azuredatabricks.net` (the SDKs assume https). */
export function normaliseHost(host: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `https://${host}`;
  return withScheme.replace(/\/+$/, '');
}

export const USAGE = `Usage: onboarder <command> [DIR] [flags]

Commands:
  validate [DIR]   load and check the desired-state folder (exit 0 valid, 1 invalid)
  plan [DIR]       read live state and print the changes
                     --json                the plan as JSON
                     --detailed-exitcode   exit 0 no changes, 2 changes, 1 error
  apply [DIR]      one reconcile, then exit (0 converged, 1 error)
  run [DIR]        the controller: watch DIR (git-sync symlink swaps or edits), reconcile on change
                   and every resync interval, serve /metrics /healthz /readyz and a status page
  demo             the controller against the embedded Databricks simulator and the bundled example
                     --once                converge once, plan again, exit
  schema           print the JSON Schema of the desired-state format

Flags (each also an environment variable):
  --principals=create|external   ONBOARDER_PRINCIPALS   create missing users and service principals,
                                                        or report them as waiting for the IdP (default create)
  --log-level=LEVEL              ONBOARDER_LOG_LEVEL    trace|debug|info|warn|error (default info)
  --log-format=json|pretty       ONBOARDER_LOG_FORMAT   default pretty on a terminal, json otherwise
  --scim-page-size=N             ONBOARDER_SCIM_PAGE_SIZE  SCIM list page size (default 100)
  --rate-limits=SPEC             ONBOARDER_RATE_LIMITS  client-side limits per API family over the defaults:
                                                        family=RPS[/WRITE_RPS],... or none
  --resync-interval=DURATION     ONBOARDER_RESYNC_INTERVAL  run: full reconcile interval, e.g. 30s, 10m (default 10m)
  --request-timeout=DURATION     ONBOARDER_REQUEST_TIMEOUT  the most one Databricks request attempt may take, connect
                                                        to last byte (default 60s; retries stay within 5 minutes)
  --port=N                       ONBOARDER_PORT         run: HTTP port (default 8080)
  --bind-address=ADDRESS         ONBOARDER_BIND_ADDRESS  run: HTTP listen address (default 0.0.0.0, all interfaces)
  --allowed-hosts=H1,H2          ONBOARDER_ALLOWED_HOSTS  hosts trusted with credentials besides Databricks' own domains
                                                        and DATABRICKS_HOST/DATABRICKS_ACCOUNT_HOST: host[:port] or *.domain
  --shutdown-grace=DURATION      ONBOARDER_SHUTDOWN_GRACE  time for in-flight work after SIGTERM/SIGINT (default 20s)
  --pass-timeout=DURATION        ONBOARDER_PASS_TIMEOUT  deadline of one pass (read, apply, inventory) (default 15m)
  --leader-elect                 ONBOARDER_LEADER_ELECT=true  run: Kubernetes Lease leader election
  --lease-name=NAME              ONBOARDER_LEASE_NAME   Lease name (default onboarder)
  --lease-namespace=NS           ONBOARDER_LEASE_NAMESPACE  Lease namespace (default: the pod's)
  --mode=apply|observe           ONBOARDER_MODE         observe: report drift and metrics, never write (default apply)
  --observe-kinds=K1,K2          ONBOARDER_OBSERVE_KINDS  observe only these kinds, e.g. notebooks,grants
  --allow-mass-delete            ONBOARDER_ALLOW_MASS_DELETE=true  confirm deletions over the budget (10 or 10% of the
                                                        inventory) or of a customer no longer declared at all
  --confirm-deletions=TOKEN      ONBOARDER_CONFIRM_DELETIONS  plan/apply: let through, once, exactly what a blocked plan
                                                        holds (the token it prints); never run's
  --inventory-workspace=NAME     ONBOARDER_INVENTORY_WORKSPACE  Workspace keeping the inventory (required when more
                                                        than one is declared)
  --inventory-path=PATH          ONBOARDER_INVENTORY_PATH  its folder (default /Users/{me}/.onboarder/inventory)
  --simulator-port=N             ONBOARDER_SIMULATOR_PORT  demo: simulator port (default: a free one)
  --no-color                     NO_COLOR               plain output
  DIR                            ONBOARDER_DIR          default ./desired-state

Databricks (standard variables): DATABRICKS_ACCOUNT_ID, DATABRICKS_ACCOUNT_HOST
(default https://accounts.cloud.databricks.com), DATABRICKS_HOST (host of a Workspace
that declares none), and DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET.
`;
