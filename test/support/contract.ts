/** The metric names of behaviour.md's table: dashboards and alerts depend on them. */
export const CONTRACT_METRICS = [
  'onboarder_drift_objects',
  'onboarder_reconcile_total',
  'onboarder_reconcile_duration_seconds',
  'onboarder_actions_total',
  'onboarder_api_requests_total',
  'onboarder_api_request_duration_seconds',
  'onboarder_api_throttled_total',
  'onboarder_desired_state_valid',
  'onboarder_desired_state_revision_info',
  'onboarder_last_success_timestamp_seconds',
  'onboarder_is_leader',
  'onboarder_customer_synced',
  'onboarder_customer_failed_actions',
  'onboarder_deletions_blocked',
  'onboarder_secret_expiry_timestamp_seconds',
  'onboarder_build_info',
] as const;
