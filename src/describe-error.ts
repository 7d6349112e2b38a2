/**
 * The message a command that failed leaves the operator: what went wrong
 * and what to check. A failed Databricks call says which account or
 * workspace it was for, at which host and which setting gave that host,
 * and what its status usually means (domain/api-error-hints.ts); a busy
 * port names the flag that chose it. Settings are named, never their values.
 */
import type { DatabricksSettings } from './config.js';
import { normaliseHost } from './config-values.js';
import { apiErrorHint, isAccountCall } from './domain/api-error-hints.js';
import type { DesiredState, DesiredWorkspace } from './domain/desired.js';
import { ApiError, ConfigError, DesiredStateError, formatIssue, stableCode } from './domain/errors.js';

export interface ErrorContext {
  databricks?: DatabricksSettings;
  /** The revision the command loaded: its Workspaces name the calls and say where their hosts came from. */
  desired?: DesiredState;
  /** The ports the command listens on, by flag (`port`, `simulator-port`) with its variable. */
  ports?: readonly { port: number; flag: string; env: string }[];
}

export function describeError(error: unknown, context: ErrorContext = {}): string {
  if (error instanceof DesiredStateError) return error.issues.map(formatIssue).join('\n');
  if (error instanceof ApiError) {
    const hint = apiErrorHint(error, context.databricks?.credentials?.type);
    return [error.message, callLine(error, context), hint && `what to check: ${hint}`].filter(Boolean).join('\n  ');
  }
  const inUse = addressInUse(error, context.ports ?? []);
  if (inUse) return inUse;
  // Errors of ours carry a stable code and a message written for the operator; a stack is for the unexpected.
  if (error instanceof Error && (error instanceof ConfigError || stableCode(error) !== undefined)) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** `the call was for workspace prod (1234) at https://…, the host from DATABRICKS_HOST`. */
function callLine(error: ApiError, { databricks, desired }: ErrorContext): string | undefined {
  const target = error.target;
  if (!target) return undefined;
  const named = (id: string) => {
    const workspace = desired?.workspaces.find((w) => w.workspaceId === id);
    return workspace ? `workspace ${workspace.name} (${id})` : `workspace ${id}`;
  };
  if (isAccountCall(error) || (target.workspaceId === undefined && databricks && sameOrigin(target.host, databricks.accountHost))) {
    // An assignment is an account call about one workspace.
    const about = /\/workspaces\/(\d+)\//.exec(error.details.path)?.[1];
    const what = `the account API${about ? `, about ${named(about)}` : ''}`;
    const setting = databricks && sameOrigin(target.host, databricks.accountHost) ? `, the host from ${databricks.accountHostSetting}` : '';
    return `the call was for ${what} at ${target.host}${setting}`;
  }
  if (target.workspaceId === undefined) return `the call went to ${target.host}`;
  const workspace = desired?.workspaces.find((w) => w.workspaceId === target.workspaceId);
  const setting = databricks && workspace ? workspaceHostSetting(databricks, workspace, target.host) : undefined;
  return `the call was for ${named(target.workspaceId)} at ${target.host}${setting ? `, the host from ${setting}` : ''}`;
}

/** Which setting gave a workspace its host, as createDatabricks chooses it; undefined when the call went elsewhere. */
function workspaceHostSetting(databricks: DatabricksSettings, workspace: DesiredWorkspace, host: string): string | undefined {
  const [chosen, setting] = databricks.everyWorkspaceAt
    ? [databricks.everyWorkspaceAt, databricks.accountHostSetting]
    : workspace.host
      ? [workspace.host, `the \`host\` of Workspace ${workspace.name} (${workspace.source.file})`]
      : [databricks.defaultWorkspaceHost, 'DATABRICKS_HOST'];
  return chosen !== undefined && sameOrigin(host, normaliseHost(chosen)) ? setting : undefined;
}

function sameOrigin(origin: string, url: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** A port another process holds: which flag chose it, and how to choose another. */
function addressInUse(error: unknown, ports: NonNullable<ErrorContext['ports']>): string | undefined {
  if (!(error instanceof Error) || stableCode(error) !== 'EADDRINUSE') return undefined;
  const port = (error as Error & { port?: unknown }).port;
  const flag = ports.find((p) => p.port === port) ?? ports[0];
  if (!flag) return `${error.message}: another process listens on that port`;
  return (
    `port ${String(port ?? flag.port)} is in use (EADDRINUSE): another process listens there (another onboarder, or \`onboarder demo\`?). ` +
    `Choose another with --${flag.flag}=N (or ${flag.env}); --${flag.flag}=0 picks a free one.`
  );
}
