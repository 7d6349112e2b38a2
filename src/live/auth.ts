/**
 * Where bearer tokens come from: a PAT, or OAuth M2M client credentials
 * (reference §3). Secrets are held in closures and hidden from JSON and
 * util.inspect, so that logging a config object cannot leak them.
 */
import { inspect } from 'node:util';
import { z } from 'zod';
import { formBody, type DatabricksHttp } from './http.js';

export interface TokenSource {
  token(): Promise<string>;
  /** For logs and status pages, e.g. `oauth-m2m client onboarder-sp`; never the secret. */
  describe(): string;
}

export type Credentials =
  | { type: 'pat'; token: string }
  | { type: 'oauth-m2m'; clientId: string; clientSecret: string };

/**
 * Returns the credentials with `toJSON` and `util.inspect` that show the
 * method and the (public) client id only. Call it where credentials are
 * first read (config), so every later copy that is logged stays safe.
 */
export function protectCredentials<C extends Credentials>(credentials: C): C {
  const safe = credentials.type === 'pat' ? { type: 'pat' } : { type: credentials.type, clientId: credentials.clientId };
  const copy = { ...credentials };
  Object.defineProperty(copy, 'toJSON', { value: () => ({ ...safe, secret: '[REDACTED]' }), enumerable: false });
  Object.defineProperty(copy, inspect.custom, {
    value: () => `Credentials(${credentials.type === 'pat' ? 'pat' : `oauth-m2m client ${credentials.clientId}`})`,
    enumerable: false,
  });
  return copy;
}

/** The values to scrub wherever text leaves the process: the secret, and the `id:secret` pair Basic auth encodes. */
export function credentialSecrets(credentials: Credentials | undefined): string[] {
  if (credentials === undefined) return [];
  if (credentials.type === 'pat') return [credentials.token];
  return [credentials.clientSecret, `${credentials.clientId}:${credentials.clientSecret}`];
}

export function patTokenSource(token: string): TokenSource {
  return hideInternals({
    token: () => Promise.resolve(token),
    describe: () => 'pat',
  });
}

export interface OAuthM2mOptions {
  http: DatabricksHttp;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  workspaceId?: string;
  /** ms since the epoch; injected so tests can move time. */
  clock?: () => number;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  // Some servers send the lifetime as a numeric string.
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().positive()),
  scope: z.string().optional(),
});

interface CachedToken {
  value: string;
  expiresAt: number;
  refreshAt: number;
}

/** Refresh when less than 5 min or 10 % of the lifetime is left, whichever comes later, so short tokens are not refreshed on every call. */
function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(5 * 60_000, lifetimeMs * 0.1);
}

export function oauthM2mTokenSource(options: OAuthM2mOptions): TokenSource {
  const { http, tokenUrl, clientId, clientSecret } = options;
  const clock = options.clock ?? Date.now;
  const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
  const url = new URL(tokenUrl);
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  const fetchToken = async (): Promise<CachedToken> => {
    const requestedAt = clock();
    const response = await http.request({
      family: 'oauth',
      method: 'POST',
      baseUrl: url.origin,
      path: url.pathname,
      body: formBody({ grant_type: 'client_credentials', scope: 'all-apis' }),
      headers: { authorization: `Basic ${basic}` },
      ...(options.workspaceId === undefined ? {} : { workspaceId: options.workspaceId }),
      schema: tokenResponseSchema,
      // Asking for a token twice has no side effect.
      idempotent: true,
      secrets: [clientSecret],
    });
    const lifetimeMs = response.expires_in * 1000;
    // Measured from the request, not the answer: the token may be older than it looks.
    const expiresAt = requestedAt + lifetimeMs;
    return { value: response.access_token, expiresAt, refreshAt: expiresAt - refreshMarginMs(lifetimeMs) };
  };

  // Concurrent callers share one request.
  const refresh = (): Promise<CachedToken> => {
    inFlight ??= fetchToken()
      .then((token) => {
        cached = token;
        return token;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return hideInternals({
    async token() {
      const now = clock();
      if (cached && now < cached.refreshAt) return cached.value;
      try {
        return (await refresh()).value;
      } catch (error) {
        // A token endpoint hiccup should not fail calls while the old token is still good.
        if (cached && clock() < cached.expiresAt - 10_000) return cached.value;
        throw error;
      }
    },
    describe: () => `oauth-m2m client ${clientId}`,
  });
}

export function accountTokenUrl(accountHost: string, accountId: string): string {
  return `${accountHost.replace(/\/+$/, '')}/oidc/accounts/${encodeURIComponent(accountId)}/v1/token`;
}

export function workspaceTokenUrl(host: string): string {
  return `${host.replace(/\/+$/, '')}/oidc/v1/token`;
}

export interface TokenSources {
  account: TokenSource;
  /** One per workspace host, cached. */
  workspace(host: string, workspaceId?: string): TokenSource;
}

/**
 * An account-level token source and one per workspace host: OAuth tokens are
 * scoped to the host that issued them (§3.1). A PAT is used everywhere.
 */
export function createTokenSources(options: {
  http: DatabricksHttp;
  credentials: Credentials;
  accountHost: string;
  accountId: string;
  clock?: () => number;
}): TokenSources {
  const { http, credentials, accountHost, accountId } = options;
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  if (credentials.type === 'pat') {
    const pat = patTokenSource(credentials.token);
    return { account: pat, workspace: () => pat };
  }
  const { clientId, clientSecret } = credentials;
  const account = oauthM2mTokenSource({ http, clientId, clientSecret, tokenUrl: accountTokenUrl(accountHost, accountId), ...clock });
  const perHost = new Map<string, TokenSource>();
  return {
    account,
    workspace(host, workspaceId) {
      // OAuth tokens are scoped to one workspace; hosts shared by several workspaces (unified
      // hosts, the simulator) must not share a token.
      const baseUrl = host.replace(/\/+$/, '');
      const key = `${baseUrl}|${workspaceId ?? ''}`;
      let source = perHost.get(key);
      if (!source) {
        source = oauthM2mTokenSource({
          http,
          clientId,
          clientSecret,
          tokenUrl: workspaceTokenUrl(baseUrl),
          ...(workspaceId === undefined ? {} : { workspaceId }),
          ...clock,
        });
        perHost.set(key, source);
      }
      return source;
    },
  };
}

function hideInternals(source: TokenSource): TokenSource {
  Object.defineProperty(source, 'toJSON', { value: () => ({ tokenSource: source.describe() }), enumerable: false });
  Object.defineProperty(source, inspect.custom, { value: () => `TokenSource(${source.describe()})`, enumerable: false });
  return source;
}
