import { Duration, Stack } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from './house-function';

const PERIOD = Duration.minutes(5);

export interface OperationsDashboardProps {
  readonly correlator: IFunction;
  /** The same queues the alarms watch. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** Adds the Security Hub export failures graph. */
  readonly securityHub: boolean;
}

function serviceMetric(metricName: string, statistic = 'Sum', label?: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    period: PERIOD,
    statistic,
    ...(label === undefined ? {} : { label }),
  });
}

const WIDE = { width: 12, height: 6 } as const;

/** What was judged: assumptions by production role and verdict, the verdicts, and the unverified rate. */
function verdictWidgets(): GraphWidget[] {
  // SEARCH over the role and verdict dimensions: one line per production role (and non-production) and verdict,
  // without knowing the role names when the stack is synthesized.
  const byRole = new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},role,service,verdict} MetricName="Assumptions"', 'Sum', 300)`,
    label: '',
    period: PERIOD,
  });
  const [ok, alert, unverified, ignored] = ['Ok', 'Alert', 'Unverified', 'Ignored'].map((name) =>
    serviceMetric(name),
  ) as [Metric, Metric, Metric, Metric];
  const unverifiedRate = new MathExpression({
    expression: '100 * unverified / (ok + alert + unverified)',
    usingMetrics: { ok, alert, unverified },
    label: 'unverified % of production-role assumptions',
    period: PERIOD,
  });
  return [
    new GraphWidget({ title: 'Assumptions by role and verdict', left: [byRole], stacked: true, ...WIDE }),
    new GraphWidget({ title: 'Verdicts', left: [alert, unverified, ok, ignored], ...WIDE }),
    new GraphWidget({
      title: 'Unverified rate (%)',
      left: [unverifiedRate],
      leftYAxis: { min: 0, max: 100 },
      ...WIDE,
    }),
  ];
}

/** How well it could judge: GitLab latency, requests and failures. */
function gitLabWidgets(): GraphWidget[] {
  return [
    new GraphWidget({
      title: 'GitLab latency per event (ms)',
      left: ['p50', 'p90', 'Maximum'].map((stat) => serviceMetric('GitLabLatencyMs', stat, stat)),
      ...WIDE,
    }),
    new GraphWidget({
      title: 'GitLab requests and failures',
      left: [serviceMetric('GitLabRequests'), serviceMetric('GitLabFailures')],
      ...WIDE,
    }),
  ];
}

/** Whether anything was lost: dead-letter depth, function errors and throttles, malformed events. */
function lossWidgets(props: OperationsDashboardProps): GraphWidget[] {
  const queues: IMetric[] = Object.entries(props.deadLetterQueues).map(([name, queue]) =>
    queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: name }),
  );
  return [
    new GraphWidget({ title: 'Dead-letter queue depth', left: queues, ...WIDE }),
    new GraphWidget({
      title: 'Correlator errors, throttles, malformed events',
      left: [
        props.correlator.metricErrors({ period: PERIOD }),
        props.correlator.metricThrottles({ period: PERIOD }),
        serviceMetric('MalformedEvents'),
        ...(props.securityHub ? [serviceMetric('SecurityHubExportFailures')] : []),
      ],
      ...WIDE,
    }),
  ];
}

/**
 * One CloudWatch dashboard for the service: what was judged (assumptions and verdicts over time, by production role),
 * how well it could judge (unverified rate, GitLab latency and failures), and whether anything was lost (dead-letter
 * depth, function errors). Metrics come from Powertools EMF lines (lib/adapters/metrics.ts): no PutMetricData calls.
 * See: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-search-expressions.html
 */
export class OperationsDashboard extends Construct {
  public readonly dashboard: Dashboard;

  public constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# GitLab OIDC watch\nVerdicts on every AssumeRoleWithWebIdentity. Alerts go to the alert topic; ' +
          'anything in a dead-letter queue or an unverified verdict also raises an alarm.',
        width: 24,
        height: 2,
      }),
      ...verdictWidgets(),
      ...gitLabWidgets(),
      ...lossWidgets(props),
    );
  }
}
