/**
 * Every flag of onboarder, in one table: its variable, the commands that
 * take it, its default as help shows it, its value parser and its help
 * text. Parsing and validation (config.ts) and `--help` (help.ts) are all
 * derived from it, so they cannot drift apart.
 */
import type { Command } from './commands.js';
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
import type { HostPattern } from './domain/host-trust.js';
import type { ActionKind } from './domain/plan.js';
import type { FamilyLimitsConfig } from './live/limiter.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
