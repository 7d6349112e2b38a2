/**
 * Base URLs and query strings. A bearer token must never travel in clear
 * text, so plain `http:` is accepted only for loopback hosts (the simulator
 * and tests).
 */
import { ConfigError } from '../domain/errors.js';
import { isLoopbackHost } from '../domain/host-trust.js';

export type QueryValue = string | number | undefined;

/**
 * Normalises a host as users write it (`adb-1.azuredatabricks.net`,
 * `https://host/`) to an origin-like base URL without a trailing slash.
 * A missing scheme means https, as in the Databricks SDKs.
 * Throws ConfigError for anything but https or loopback http.
 */
export function normalizeBaseUrl(input: string, what = 'host'): string {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`${what} is not a valid URL: ${JSON.stringify(input)}`);
  }
  assertSafeUrl(url, what);
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`${what} must not carry credentials, a query or a fragment: ${url.origin}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Refuses URLs over which a credential could leak in clear text. */
export function assertSafeUrl(url: URL, what = 'URL'): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  throw new ConfigError(
    `${what} ${url.protocol}//${url.host} is refused: use https (plain http is allowed only for loopback hosts)`,
  );
}

export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): URL {
  const url = new URL(baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

const SECRET_QUERY_KEY = /token|secret|password|passwd|credential|signature|sig$|key$|code$/i;

/** The query string for logs, with values of secret-looking parameters replaced. */
export function redactedQuery(url: URL): string {
  if (!url.search) return '';
  const params = new URLSearchParams(url.search);
  for (const key of new Set(params.keys())) {
    if (SECRET_QUERY_KEY.test(key)) params.set(key, '[REDACTED]');
  }
  return `?${params.toString()}`;
}
