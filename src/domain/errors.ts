/**
 * Error types with stable codes. An error's class decides what happens next:
 * an invalid revision keeps the last good one in force, a retryable API error
 * backs off, anything else is reported and retried on the next pass.
 */
import type { SourceLocation } from './desired.js';
import type { IssueCode } from './issue-codes.js';
import type { Plan } from './plan.js';

/** One problem found in the desired state, located in its file. */
export interface DesiredStateIssue {
  file: string;
  line: number;
  column: number;
  /** Path inside the YAML document, e.g. `spec.users[0].personas[1]`. */
  path: string;
  /** The rule broken (see ISSUE_CODES): what tests and tools match; the message is for people. */
  code: IssueCode;
  message: string;
}

export function formatIssue(issue: DesiredStateIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

export function issueAt(source: SourceLocation, code: IssueCode, message: string): DesiredStateIssue {
  return { file: source.file, line: source.line, column: source.column, path: formatPath(source.path), code, message };
}

/** `['spec', 'users', 0, 'personas']` -> `spec.users[0].personas` */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** A revision that failed loading or validation; it carries every issue found, not just the first. */
export class DesiredStateError extends Error {
  readonly code = 'DESIRED_STATE_INVALID';
  constructor(readonly issues: DesiredStateIssue[]) {
    super(
      `desired state is invalid (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}):\n` +
        issues.map((issue) => `  ${formatIssue(issue)}`).join('\n'),
    );
    this.name = 'DesiredStateError';
  }
}

/**
 * `--confirm-deletions` named a token that is not the one of what the plan
 * holds now (something changed since the plan was reviewed): the apply
 * writes nothing. `plan` carries the current token.
 */
export class ConfirmationMismatchError extends Error {
  readonly code = 'CONFIRMATION_MISMATCH';
  constructor(
    readonly plan: Plan,
    given: string,
    reason: string,
  ) {
    super(`--confirm-deletions=${given} does not match what the plan holds (${reason}): nothing was applied`);
    this.name = 'ConfirmationMismatchError';
  }
}

/** Bad flags or environment. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  /** The command whose flags or variables are wrong, when it is known: the CLI names it in front of the message. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'ConfigError';
    this.command = command;
  }
}

/** Where a Databricks call went: a host and port (never a path or user info), and the workspace for a workspace API. */
export interface ApiCallTarget {
  /** `https://host[:port]`. */
  host: string;
  workspaceId?: string;
}

/**
 * Every failure of a Databricks API call, normalised. `status` is 0 when no
 * HTTP response arrived (connection refused or dropped, timeout).
 * The message never contains a credential.
 */
export class ApiError extends Error {
  readonly code = 'API_ERROR';
  /** Where the call went, once the HTTP client has said so (see `at`). */
  readonly target: ApiCallTarget | undefined;
  constructor(
    readonly details: {
      family: string;
      method: string;
      /** Path without the query string. */
      path: string;
      status: number;
      /** Databricks error_code, `SCIM_<status>` for SCIM errors, or a transport code such as `ECONNRESET`. */
      errorCode: string;
      /** The API's own message. */
      apiMessage: string;
      retryable: boolean;
      /** Seconds from a Retry-After header, when there was one. */
      retryAfterSeconds?: number;
    },
    target?: ApiCallTarget,
  ) {
    super(
      `${details.method} ${details.path} failed: ${details.status === 0 ? details.errorCode : `${details.status} ${details.errorCode}`}: ${details.apiMessage}`,
    );
    this.name = 'ApiError';
    this.target = target;
  }
  /** This error, saying where its call went; one that says so already (a token request's, inside a call) keeps its own. */
  at(target: ApiCallTarget): ApiError {
    if (this.target) return this;
    const located = new ApiError(this.details, target);
    if (this.stack !== undefined) located.stack = this.stack;
    return located;
  }
  get status(): number {
    return this.details.status;
  }
  get errorCode(): string {
    return this.details.errorCode;
  }
  get retryable(): boolean {
    return this.details.retryable;
  }
}

/**
 * The stable code of an error: an API error's `error_code`, or the
 * UPPER_SNAKE `code` our own errors (and Node's system errors) carry;
 * undefined for anything else. Few values, fit for a metric label, and a
 * sign the message was written for the operator.
 */
export function stableCode(error: unknown): string | undefined {
  if (error instanceof ApiError) return error.errorCode;
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

/**
 * A create (or create-if-absent write) that failed this way may have found,
 * or made, the object: a 409, an `*_ALREADY_EXISTS` code, a service that
 * says so in its message (cluster policies), or no answer at all.
 */
export function mayAlreadyExist(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.status === 409 || error.status === 0 || /ALREADY_EXISTS/.test(error.errorCode) || /already exists/i.test(error.details.apiMessage))
  );
}

/** What an aborted signal says about why (its reason's message), for an action held or a pass cut short because of it. */
export function abortReasonText(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'the command or pass was stopped';
}
