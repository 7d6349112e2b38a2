/**
 * Which hosts may receive onboarder's credentials (behaviour.md, "Order and
 * safety"): Databricks' own domains, the hosts of DATABRICKS_HOST and
 * DATABRICKS_ACCOUNT_HOST, and the operator's `--allowed-hosts`. The folder
 * can name a Workspace host but never widen this list: anyone who can merge
 * to the desired-state repository could otherwise collect the account-admin
 * credential. Pure: patterns are plain data, matching is a function.
 */

export interface HostPattern {
  /** The host as a URL parses it (lower case, punycode, IPv6 in brackets); for a wildcard, the domain below `*.`. */
  host: string;
  /** `*.domain`: any host below the domain, never the domain itself. */
  subdomains: boolean;
  /** Absent: the scheme's default port only (443 for https), as in a URL written without a port. */
  port?: number;
}

/**
 * Databricks' own DNS zones per cloud: the production entries of the
 * environment table in the Databricks Go SDK (databricks/databricks-sdk-go,
 * config/environments.go): AWS, AWS GovCloud (`cloud.databricks.us`), Azure,
 * Azure Government (`databricks.azure.us`), Azure China
 * (`databricks.azure.cn`) and GCP. Its dev and staging zones are
 * Databricks-internal and left out. Every accounts host
 * (`accounts.cloud.databricks.com`, `accounts.azuredatabricks.net`, ...)
 * lies in one of them.
 */
export const DATABRICKS_DOMAINS: readonly HostPattern[] = [
  'cloud.databricks.com',
  'cloud.databricks.us',
  'azuredatabricks.net',
  'databricks.azure.us',
  'databricks.azure.cn',
  'gcp.databricks.com',
].map((host) => Object.freeze({ host, subdomains: true }));

export type HostPatternResult = { ok: true; pattern: HostPattern } | { ok: false; reason: string };

/** `host`, `host:port`, `[::1]:8443` or `*.domain` (an operator's allowlist entry). */
export function parseHostPattern(entry: string): HostPatternResult {
  const text = entry.trim();
  if (text === '') return { ok: false, reason: 'is empty' };
  if (/[/@?#\s]/.test(text)) return { ok: false, reason: 'must be host[:port] or *.domain, without a scheme, path or user' };
  const subdomains = text.startsWith('*.');
  const rest = subdomains ? text.slice(2) : text;
  if (rest.includes('*')) return { ok: false, reason: 'may hold a wildcard only as its first label (*.domain)' };
  const parts = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(rest);
  if (!parts) return { ok: false, reason: 'must be host[:port] or *.domain (an IPv6 address goes in brackets: [::1]:8443)' };
  const [, hostText, portText] = parts;
  let host: string;
  try {
    host = new URL(`https://${hostText}/`).hostname;
  } catch {
    return { ok: false, reason: 'is not a valid host name or IP address' };
  }
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return { ok: false, reason: 'has a port outside 1-65535' };
  if (subdomains && (isIpLiteral(host) || !host.includes('.'))) {
    return { ok: false, reason: 'is too broad: *. must precede a domain of at least two labels' };
  }
  return { ok: true, pattern: { host, subdomains, ...(port === undefined ? {} : { port }) } };
}

/** The exact origin of a URL the operator configured (DATABRICKS_HOST, the demo's simulator). */
export function originPattern(url: URL): HostPattern {
  return { host: url.hostname, subdomains: false, ...(url.port === '' ? {} : { port: Number(url.port) }) };
}

export function describeHostPattern(pattern: HostPattern): string {
  return `${pattern.subdomains ? '*.' : ''}${pattern.host}${pattern.port === undefined ? '' : `:${pattern.port}`}`;
}

/**
 * Why credentials may not go to `url`, or undefined when they may: it must
 * be https (plain http only on loopback, so nothing travels in clear text
 * over a network) and its host and port must match a pattern.
 */
export function untrustedReason(url: URL, patterns: readonly HostPattern[]): string | undefined {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return `${url.protocol}//${url.host} is refused: use https (plain http is allowed only for loopback hosts)`;
  }
  if (patterns.some((pattern) => matches(pattern, url))) return undefined;
  return (
    `${url.host} is not a trusted host: credentials go only to Databricks' own domains, the hosts of ` +
    'DATABRICKS_HOST and DATABRICKS_ACCOUNT_HOST, and --allowed-hosts (ONBOARDER_ALLOWED_HOSTS), which the operator sets'
  );
}

export function isTrustedUrl(url: URL, patterns: readonly HostPattern[]): boolean {
  return untrustedReason(url, patterns) === undefined;
}

function matches(pattern: HostPattern, url: URL): boolean {
  // URL has lower-cased and normalised the host (punycode, IPv4 forms, IPv6 compression) already.
  const host = url.hostname;
  const hostMatches = pattern.subdomains ? host.endsWith(`.${pattern.host}`) : host === pattern.host;
  if (!hostMatches) return false;
  // URL drops a port equal to the scheme's default, so '' means 443 for https and 80 for http.
  if (pattern.port === undefined) return url.port === '';
  return (url.port === '' ? defaultPort(url.protocol) : Number(url.port)) === pattern.port;
}

function defaultPort(protocol: string): number {
  return protocol === 'http:' ? 80 : 443;
}

function isIpLiteral(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** True for 127.0.0.0/8, `localhost` (and `*.localhost`) and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
