/**
 * The simulator's built-in account, workspace and credentials: what
 * `onboarder demo` starts with and what `--simulator` uses to reach it.
 * Not secrets: any simulator accepts them, and nothing real does.
 */
export const DEFAULT_ACCOUNT_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_WORKSPACE_ID = '1234567890123456';
export const DEFAULT_PAT = 'dapi-simulator-token';
export const DEFAULT_OAUTH_CLIENT = { clientId: 'onboarder-sp', clientSecret: 'simulator-secret' } as const;
