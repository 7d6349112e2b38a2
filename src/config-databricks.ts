/**
 * The Databricks half of the configuration: the account, the hosts, the
 * credentials and the hosts trusted with them, from the standard Databricks
 * variables (config.ts hands them over; nothing else reads env), or pointed
 * at a simulator.
 */
import { ConfigError } from './domain/errors.js';
import { originPattern, type HostPattern } from './domain/host-trust.js';
import { normaliseHost } from './config-values.js';
import { protectCredentials, type Credentials } from './live/auth.js';
import { unlimitedFamilyLimits, type FamilyLimitsConfig } from './live/limiter.js';
import { DEFAULT_PAT } from './simulator/defaults.js';

export interface DatabricksSettings {
  readonly accountHost: string;
  /** Which setting gave the account host (DATABRICKS_ACCOUNT_HOST, its default, --simulator), for error messages. */
  readonly accountHostSetting: string;
  readonly accountId: string | undefined;
  /** DATABRICKS_HOST: the host of a Workspace that declares none. */
  readonly defaultWorkspaceHost: string | undefined;
  /** `--simulator` and `demo`: every workspace's calls go to this base URL, whatever its `host` says. */
  readonly everyWorkspaceAt?: string;
  readonly credentials: Credentials | undefined;
  /**
   * The only hosts credentials go to: Databricks' own domains, the hosts of
   * DATABRICKS_HOST and DATABRICKS_ACCOUNT_HOST, and `--allowed-hosts`.
   * Never widened by the desired state.
   */
  readonly trustedHosts: readonly HostPattern[];
}

/**
 * Sends every call, the account's and each workspace's, to the simulator at
 * `url` with its own credentials, and trusts its host: `--simulator`, and the
 * demo with the simulator it starts. `setting` names it in error messages.
 */
export function pointAtSimulator<C extends { rateLimits: FamilyLimitsConfig }>(
  config: C,
  simulator: { url: string; accountId: string; setting: string; trustedHosts: readonly HostPattern[] },
): C & { databricks: DatabricksSettings } {
  const { url } = simulator;
  return {
    ...config,
    // The simulator has no limits unless a fault knob sets one; nothing should wait for nothing.
    rateLimits: { ...unlimitedFamilyLimits(), ...config.rateLimits },
    databricks: Object.freeze({
      accountHost: url,
      accountHostSetting: simulator.setting,
      accountId: simulator.accountId,
      defaultWorkspaceHost: url,
      everyWorkspaceAt: url,
      // Never the operator's own: a real credential has no business with a simulator.
      credentials: protectCredentials({ type: 'pat', token: DEFAULT_PAT }),
      trustedHosts: Object.freeze([...simulator.trustedHosts, originPattern(new URL(url))]),
    }),
  };
}

/** The Databricks settings from the standard variables, the host of each trusted. */
export function databricksFromEnv(env: NodeJS.ProcessEnv, trusted: readonly HostPattern[]): DatabricksSettings {
  const accountHost = normaliseHost(env.DATABRICKS_ACCOUNT_HOST || 'https://accounts.cloud.databricks.com');
  const defaultWorkspaceHost = env.DATABRICKS_HOST ? normaliseHost(env.DATABRICKS_HOST) : undefined;
  return Object.freeze({
    accountHost,
    accountHostSetting: env.DATABRICKS_ACCOUNT_HOST ? 'DATABRICKS_ACCOUNT_HOST' : 'the default account host (DATABRICKS_ACCOUNT_HOST is not set)',
    accountId: env.DATABRICKS_ACCOUNT_ID || undefined,
    defaultWorkspaceHost,
    credentials: readCredentials(env),
    trustedHosts: Object.freeze([
      ...trusted,
      configuredHost(accountHost, 'DATABRICKS_ACCOUNT_HOST'),
      ...(defaultWorkspaceHost ? [configuredHost(defaultWorkspaceHost, 'DATABRICKS_HOST')] : []),
    ]),
  });
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
