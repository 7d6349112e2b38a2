/**
 * What a failed Databricks call usually means, and what to check: keyed by
 * the status and whether the family is an account API or a workspace API,
 * in this one place. The texts are fixed: they name settings, never their
 * values, so no credential can reach a message through them.
 */
import type { ApiError } from './errors.js';

/** How onboarder authenticated (config): a hint names the variables of that method. */
export type CredentialKind = 'pat' | 'oauth-m2m';

/** Account SCIM and workspace assignment run on the account host; the OAuth account token endpoint too. */
export function isAccountCall(error: ApiError): boolean {
  const { family, path } = error.details;
  return family === 'account-scim' || family === 'workspace-assignment' || (family === 'oauth' && path.includes('/oidc/accounts/'));
}

export function apiErrorHint(error: ApiError, credentials: CredentialKind | undefined): string | undefined {
  const { status, family, errorCode } = error.details;
  if (status === 401) {
    if (family === 'oauth') {
      return '401 from the token endpoint: the OAuth client was refused. Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (an OAuth secret expires; the account console shows when), and that the service principal belongs to this account.';
    }
    const credential =
      credentials === 'oauth-m2m'
        ? 'the OAuth client (DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET)'
        : credentials === 'pat'
          ? 'the token (DATABRICKS_TOKEN)'
          : 'the token (DATABRICKS_TOKEN) or the OAuth client (DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET)';
    return `401 means the credentials were not accepted: ${credential} is wrong, expired or revoked, or belongs to another account or workspace.`;
  }
  if (status === 403) {
    if (isAccountCall(error)) {
      return '403 from the account API: the principal is not an account admin (account console > User management > the principal > Roles: Account admin), or DATABRICKS_ACCOUNT_ID names another account.';
    }
    if (family === 'unity-catalog') {
      return '403 from Unity Catalog: the principal lacks the privilege on this object (it must own it or be a metastore admin), or the catalog is not bound to this workspace.';
    }
    return '403 from a workspace API: the principal is not a workspace admin there, or not assigned to the workspace (account console > Workspaces > the workspace > Permissions: add it as Admin).';
  }
  if (status === 0 && errorCode === 'ENOTFOUND') return 'the host name does not resolve: check the host and the setting that gave it.';
  if (status === 0 && errorCode === 'ECONNREFUSED') return 'nothing listens at that host and port: check the host and the setting that gave it (for the demo\'s simulator: is `onboarder demo` still running?).';
  return undefined;
}
