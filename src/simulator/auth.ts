/**
 * Bearer authentication and the OAuth M2M token endpoints (reference §3.1).
 * PATs are valid everywhere; an account token only on account APIs; a
 * workspace token only on the workspace it was requested for. Tokens and
 * secrets never appear in a response or an error message.
 */
import { randomBytes } from 'node:crypto';
import { HttpResponse, type HttpHandler } from 'msw';
import { route, WORKSPACE_HEADER, type SimulatorContext } from './pipeline.js';

export type TokenAudience = { kind: 'account' } | { kind: 'workspace'; workspaceId: string };
export type AuthTarget = { account: true } | { workspaceId: string };

export interface AuthDenial {
  status: 401 | 403;
  errorCode: 'UNAUTHENTICATED' | 'PERMISSION_DENIED';
  message: string;
}

interface IssuedToken {
  audience: TokenAudience;
  expiresAt: number;
}

export class AccessTokens {
  private readonly issued = new Map<string, IssuedToken>();

  constructor(
    private readonly pats: readonly string[],
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  issue(audience: TokenAudience): { token: string; expiresIn: number } {
    const token = `sim-oauth.${randomBytes(24).toString('base64url')}`;
    this.issued.set(token, { audience, expiresAt: this.now() + this.ttlSeconds * 1000 });
    return { token, expiresIn: this.ttlSeconds };
  }

  /** Makes every OAuth token issued so far expired, as if their lifetime had passed. */
  expireAll(): void {
    const now = this.now();
    for (const token of this.issued.values()) token.expiresAt = now;
  }

  /** Undefined when the request may proceed. */
  check(authorization: string | null, target: AuthTarget): AuthDenial | undefined {
    const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!match) return unauthenticated('Missing or malformed Authorization header; expected a Bearer token.');
    const token = match[1]!;
    if (this.pats.includes(token)) return undefined;
    const issued = this.issued.get(token);
    if (!issued) return unauthenticated('Invalid access token.');
    if (this.now() >= issued.expiresAt) return unauthenticated('Access token has expired.');
    const audience = issued.audience;
    if ('account' in target) {
      if (audience.kind === 'account') return undefined;
      return denied('A workspace-level token cannot call account APIs; request a token from the account token endpoint.');
    }
    if (audience.kind === 'workspace' && audience.workspaceId === target.workspaceId) return undefined;
    return denied(
      audience.kind === 'account'
        ? 'An account-level token cannot call workspace APIs; request a token from the workspace token endpoint.'
        : `This token was issued for another workspace, not ${target.workspaceId}.`,
    );
  }
}

function unauthenticated(message: string): AuthDenial {
  return { status: 401, errorCode: 'UNAUTHENTICATED', message };
}
function denied(message: string): AuthDenial {
  return { status: 403, errorCode: 'PERMISSION_DENIED', message };
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

function oauthError(status: number, error: string, description: string): Response {
  return HttpResponse.json({ error, error_description: description }, { status });
}

export function oauthHandlers(ctx: SimulatorContext, clients: readonly OAuthClient[]): HttpHandler[] {
  const issue = async (request: Request, audience: TokenAudience): Promise<Response> => {
    const form = new URLSearchParams(await request.text());
    const credentials = clientCredentials(request.headers.get('authorization'), form);
    if (!credentials || !clients.some((c) => c.clientId === credentials.clientId && c.clientSecret === credentials.clientSecret)) {
      return oauthError(401, 'invalid_client', 'Client authentication failed: unknown client or wrong secret.');
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    }
    const scope = form.get('scope') ?? 'all-apis';
    if (scope !== 'all-apis') return oauthError(400, 'invalid_scope', 'Only scope=all-apis is supported.');
    const { token, expiresIn } = ctx.tokens.issue(audience);
    return HttpResponse.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: 'all-apis' });
  };

  return [
    route(ctx, 'post', '*/oidc/accounts/:accountId/v1/token', { family: 'oauth', authenticate: false }, ({ request, params }) => {
      if (params.accountId !== ctx.state.accountId) return oauthError(404, 'invalid_request', `Unknown account ${params.accountId}.`);
      return issue(request, { kind: 'account' });
    }),
    route(ctx, 'post', '*/oidc/v1/token', { family: 'oauth', workspaceFrom: 'header', authenticate: false }, ({ request }) => {
      const workspaceId = request.headers.get(WORKSPACE_HEADER);
      if (!workspaceId) {
        return oauthError(400, 'invalid_request', 'Workspace tokens need the X-Databricks-Workspace-Id header naming the workspace.');
      }
      if (!ctx.state.workspace(workspaceId)) return oauthError(404, 'invalid_request', `Unknown workspace ${workspaceId}.`);
      return issue(request, { kind: 'workspace', workspaceId });
    }),
  ];
}

/** Basic header first (what sdk-go sends), form fields as a fallback. */
function clientCredentials(authorization: string | null, form: URLSearchParams): { clientId: string; clientSecret: string } | undefined {
  const basic = authorization ? /^Basic\s+(\S+)$/i.exec(authorization) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  return clientId !== null && clientSecret !== null ? { clientId, clientSecret } : undefined;
}

/** RFC 6749 §2.3.1 form-encodes id and secret before base64; tolerate clients that do not. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
