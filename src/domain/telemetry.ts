/**
 * What the API client reports about its traffic. The metrics registry
 * (src/report) implements it; tests can pass a recorder.
 */

/** One Databricks API family: the unit of rate limiting and of the request metrics. */
export type ApiFamily =
  | 'oauth'
  | 'account-scim'
  | 'workspace-scim'
  | 'workspace-assignment'
  | 'unity-catalog'
  | 'sql-warehouses'
  | 'cluster-policies'
  | 'permissions'
  | 'workspace';

export interface ApiTelemetry {
  /** Called once per HTTP attempt (retries count separately). `code` is the status, or the transport error code. */
  requestFinished(event: { family: ApiFamily; method: string; code: string; seconds: number }): void;
  /** Called for every 429 (or throttling answer) received. */
  throttled(family: ApiFamily): void;
}

export const noTelemetry: ApiTelemetry = {
  requestFinished: () => {},
  throttled: () => {},
};
