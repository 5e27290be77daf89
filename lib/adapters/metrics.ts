/**
 * CloudWatch metrics for the service, as Embedded Metric Format log lines (Powertools Metrics): no PutMetricData
 * call, no extra latency. Namespace `GitLabOidcWatch`, dimension `service=gitlab-oidc-watch`; one metric name per
 * verdict kind so that alarms (e.g. on `Unverified`) need no extra dimension.
 * See: https://docs.powertools.aws.dev/lambda/typescript/latest/features/metrics/
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMES, METRICS_NAMESPACE, METRICS_SERVICE } from '../core/metric-names';
import type { PublicationOutcome } from '../core/ports';
import type { VerdictKind } from '../core/verdict';

// The names live in the core so that the stack's alarms (infra may import lib/core only) use the very same strings.
export { METRIC_NAMES, METRICS_NAMESPACE, METRICS_SERVICE } from '../core/metric-names';

/** The `role` dimension of Assumptions for records that match no production role (bounded cardinality). */
export const NON_PRODUCTION_ROLE = 'non-production';

const VERDICT_METRIC: Readonly<Record<VerdictKind, string>> = {
  alert: METRIC_NAMES.alert,
  unverified: METRIC_NAMES.unverified,
  ok: METRIC_NAMES.ok,
  ignored: METRIC_NAMES.ignored,
};

export interface ServiceMetrics {
  /**
   * Counts a verdict (metric per kind) and, given the matched policy, one `Assumptions` datapoint by role and verdict
   * for the dashboard. Policy names come from the config, so the dimension's cardinality is bounded by it.
   */
  countVerdict(kind: VerdictKind, policy?: string | null): void;
  countMalformedEvent(): void;
  countSkippedEvent(): void;
  /** A verdict the alert topic got but Security Hub did not (export is secondary; see lib/adapters/security-hub.ts). */
  countExportFailure(): void;
  /**
   * GitLab work done for one event: requests sent, requests that failed, of which refused as unauthenticated or
   * forbidden (401/403), time spent judging with GitLab.
   */
  recordGitLab(usage: {
    readonly requests: number;
    readonly failures: number;
    readonly authFailures?: number;
    readonly latencyMs: number;
  }): void;
  countPublication(action: PublicationOutcome['action']): void;
  countAgedOut(count: number): void;
  /** The init self-check: failed checks (0 records a healthy start, so the alarm can also clear). */
  recordSelfCheck(failures: number): void;
  /** Writes the buffered metrics (one EMF line) and clears the buffer. Call once per invocation, also on failure. */
  flush(): void;
}

export function createMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
}

export function createServiceMetrics(metrics: Metrics): ServiceMetrics {
  return {
    countVerdict(kind, policy) {
      metrics.addMetric(VERDICT_METRIC[kind], MetricUnit.Count, 1);
      if (policy === undefined) return;
      const single = metrics.singleMetric();
      single.addDimensions({ role: policy ?? NON_PRODUCTION_ROLE, verdict: kind });
      single.addMetric(METRIC_NAMES.assumptions, MetricUnit.Count, 1);
    },
    countMalformedEvent() {
      metrics.addMetric(METRIC_NAMES.malformedEvents, MetricUnit.Count, 1);
    },
    countSkippedEvent() {
      metrics.addMetric(METRIC_NAMES.skippedEvents, MetricUnit.Count, 1);
    },
    countExportFailure() {
      metrics.addMetric(METRIC_NAMES.securityHubExportFailures, MetricUnit.Count, 1);
    },
    recordGitLab({ requests, failures, authFailures = 0, latencyMs }) {
      if (requests <= 0) return;
      metrics.addMetric(METRIC_NAMES.gitLabRequests, MetricUnit.Count, requests);
      metrics.addMetric(METRIC_NAMES.gitLabFailures, MetricUnit.Count, failures);
      metrics.addMetric(METRIC_NAMES.gitLabAuthFailures, MetricUnit.Count, authFailures);
      metrics.addMetric(METRIC_NAMES.gitLabLatencyMs, MetricUnit.Milliseconds, Math.round(latencyMs));
    },
    countPublication(action) {
      if (action === 'update') metrics.addMetric(METRIC_NAMES.alertUpdates, MetricUnit.Count, 1);
    },
    countAgedOut(count) {
      if (count > 0) metrics.addMetric(METRIC_NAMES.unverifiedAgedOut, MetricUnit.Count, count);
    },
    recordSelfCheck(failures) {
      metrics.addMetric(METRIC_NAMES.selfCheckFailures, MetricUnit.Count, failures);
    },
    flush() {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
