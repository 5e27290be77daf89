/**
 * The service's CloudWatch metric names (Powertools Metrics, EMF): emitted by lib/adapters/metrics.ts, alarmed on by
 * infra/constructs/operations-alarms.ts. One list, so that an alarm can never watch a name nothing emits.
 */
export const METRICS_NAMESPACE = 'GitLabOidcWatch';
export const METRICS_SERVICE = 'gitlab-oidc-watch';

/** Metric names; the CDK alarms refer to these. */
export const METRIC_NAMES = {
  alert: 'Alert',
  unverified: 'Unverified',
  ok: 'Ok',
  ignored: 'Ignored',
  malformedEvents: 'MalformedEvents',
  skippedEvents: 'SkippedEvents',
  gitLabRequests: 'GitLabRequests',
  gitLabFailures: 'GitLabFailures',
  gitLabLatencyMs: 'GitLabLatencyMs',
  // --- issue 11 (adopt) --------------------------------------------------------------------------------------
  securityHubExportFailures: 'SecurityHubExportFailures',
  /** One per judged assumption, with dimensions `role` (the policy name, or `non-production`) and `verdict`. */
  assumptions: 'Assumptions',
  // --- issue 9 (rel) -----------------------------------------------------------------------------------------
  /** GitLab answered 401/403: the token is missing, revoked, expired or lacks read_api (not an outage). */
  gitLabAuthFailures: 'GitLabAuthFailures',
  /** UPDATE messages published (a verdict people saw changed). */
  alertUpdates: 'AlertUpdates',
  /** `unverified` events reconciliation stopped re-judging (deployment.reconcile.unverifiedMaxAgeHours). */
  unverifiedAgedOut: 'UnverifiedAgedOut',
  /** Failed checks of the function's own set-up at init (token not set or refused, API not at apiUrl...). */
  selfCheckFailures: 'SelfCheckFailures',
} as const;
