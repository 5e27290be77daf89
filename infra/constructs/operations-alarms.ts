import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventField, type IEventBus, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMES } from '../../lib/core/metric-names';
import type { EncryptedTopic } from './encrypted-topic';
import { METRICS_NAMESPACE, SERVICE_NAME } from './house-function';

/** Kept for the tests that check the alarm and the metrics adapter agree. */
export const UNVERIFIED_METRIC_NAME = METRIC_NAMES.unverified;

const PERIOD = Duration.minutes(5);

export interface OperationsAlarmsProps {
  readonly topic: ITopic;
  readonly correlator: IFunction;
  /** Every queue where a lost event or notification would wait; each alarms on its first message. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** deployment.securityHub.enabled: also alarm when a verdict could not be exported. */
  readonly securityHubExport?: boolean;
  /** deployment.alarms.unverifiedRatePercent: the share of unverified verdicts (per 15 minutes) that alarms. */
  readonly unverifiedRatePercent: number;
}

/** A metric the service's functions publish (namespace GitLabOidcWatch, dimension service=gitlab-oidc-watch). */
function serviceMetric(metricName: string, statistic = 'Sum', period = PERIOD): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    period,
    statistic,
  });
}

/**
 * Alarms for the things that mean "an event might not have been judged, judged right, or an alert might not have
 * arrived": a message in any dead-letter queue, a function error or throttle, a malformed event, GitLab refusing the
 * token (apart from GitLab being down), a failed set-up self-check, and the unverified rate. Each one notifies the
 * operations topic when it fires and when it clears. Missing data is "not breaching": no traffic is not an incident.
 */
export class OperationsAlarms extends Construct {
  public readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;
  private readonly namePrefix: string;

  public constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
    this.namePrefix = Stack.of(this).stackName;

    this.addDeadLetterAlarms(props.deadLetterQueues);
    this.addCorrelatorAlarms(props.correlator);
    this.addServiceAlarms();
    this.addUnverifiedRateAlarm(props.unverifiedRatePercent);
    if (props.securityHubExport === true) {
      this.addAlarm(
        'SecurityHubExportFailures',
        'security-hub-export-failures',
        'A verdict was alerted but not imported into Security Hub (not enabled in this region, throttled, refused). ' +
          'The next evaluation of the same event repairs it; the correlator log names the event.',
        serviceMetric(METRIC_NAMES.securityHubExportFailures),
      );
    }
  }

  /** One alarm per dead-letter queue: any message waiting in it. */
  private addDeadLetterAlarms(deadLetterQueues: OperationsAlarmsProps['deadLetterQueues']): void {
    for (const [name, queue] of Object.entries(deadLetterQueues)) {
      this.addAlarm(
        `${name}Messages`,
        `${name}-messages`,
        `A message is waiting in the dead-letter queue ${name}: an event or notification was not delivered. ` +
          'Inspect it, fix the cause, and replay it.',
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      );
    }
  }

  /** The correlator function's errors and throttles. */
  private addCorrelatorAlarms(correlator: OperationsAlarmsProps['correlator']): void {
    this.addAlarm(
      'CorrelatorErrors',
      'correlator-errors',
      'The correlator function failed; Lambda retries twice, then the event goes to the failure queue.',
      correlator.metricErrors({ period: PERIOD, statistic: 'Sum' }),
    );
    this.addAlarm(
      'CorrelatorThrottles',
      'correlator-throttles',
      'The correlator function was throttled; EventBridge and Lambda retry, but alerts are delayed.',
      correlator.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
    );
  }

  /** The service's own metrics: malformed events, GitLab refusing the token, failed set-up self-checks. */
  private addServiceAlarms(): void {
    this.addAlarm(
      'MalformedEvents',
      'malformed-events',
      'Events the correlator (or reconciliation) could not read were dropped: a CloudTrail or EventBridge shape ' +
        'change can stop all alerting. The log names the field; the records are still in CloudTrail for reconciliation.',
      serviceMetric(METRIC_NAMES.malformedEvents),
    );
    this.addAlarm(
      'GitLabAuthFailures',
      'gitlab-auth-failures',
      'GitLab refused the token (401/403): it is revoked, expired, lacks read_api or cannot see a project. Every ' +
        'verdict that needed GitLab is unverified until the token secret is fixed (put-secret-value).',
      serviceMetric(METRIC_NAMES.gitLabAuthFailures),
    );
    this.addAlarm(
      'SelfCheckFailures',
      'self-check-failures',
      'A function found its own set-up broken at start: the GitLab token is not set (the placeholder from the ' +
        'deploy), refused or too narrow, the API is not at apiUrl, or a pinned project is not visible. The log ' +
        'says which and what to do. Cleared by the next healthy start.',
      serviceMetric(METRIC_NAMES.selfCheckFailures, 'Maximum'),
      // Recorded once per container start: between starts there is no data, and the last result stands.
      TreatMissingData.IGNORE,
    );
  }

  /**
   * The share of production-role verdicts that could not be verified, over 15 minutes: a GitLab outage, a revoked
   * token or rate limiting shows here before anyone reads the individual alerts.
   * See: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
   */
  private addUnverifiedRateAlarm(thresholdPercent: number): void {
    const window = Duration.minutes(15);
    const rate = new MathExpression({
      expression: 'IF(a + u + o > 0, 100 * u / (a + u + o), 0)',
      usingMetrics: {
        a: serviceMetric(METRIC_NAMES.alert, 'Sum', window),
        u: serviceMetric(METRIC_NAMES.unverified, 'Sum', window),
        o: serviceMetric(METRIC_NAMES.ok, 'Sum', window),
      },
      label: 'Unverified verdicts (% of production-role verdicts)',
      period: window,
    });
    this.addAlarm(
      'UnverifiedRate',
      'unverified-rate',
      `More than ${thresholdPercent}% of the production-role verdicts of 15 minutes could not be verified (GitLab ` +
        'unavailable, token refused, rate limited). Each one is an alert on the alert topic; check GitLab and the ' +
        'token secret.',
      rate,
      TreatMissingData.NOT_BREACHING,
      thresholdPercent,
    );
  }

  private addAlarm(
    id: string,
    name: string,
    description: string,
    metric: IMetric,
    treatMissingData: TreatMissingData = TreatMissingData.NOT_BREACHING,
    threshold = 0,
  ): void {
    const alarm = new Alarm(this, id, {
      alarmName: `${this.namePrefix}-${name}`,
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}

export interface ForwardedAlarmsProps {
  /** The central (organization) bus the forwarder stacks put their alarm state changes on. */
  readonly bus: IEventBus;
  readonly topic: EncryptedTopic;
  /** Alarm names start with the forwarder stack's name. */
  readonly alarmNamePrefix: string;
  readonly deadLetterQueue: IQueue;
}

/**
 * Alarms of the forwarder stacks (member accounts and regions) on the operations topic: each forwarder stack alarms on
 * its own dead-letter queue and forwards the alarm's state changes to the central bus (the same bus-to-bus path as
 * the events it forwards); this rule sends them on to the operations topic, saying which account and region.
 * See: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
export class ForwardedAlarms extends Construct {
  public readonly rule: Rule;

  public constructor(scope: Construct, id: string, props: ForwardedAlarmsProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      description: "Forwarder stacks' alarm state changes (their dead-letter queues) to the operations topic",
      eventBus: props.bus,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: props.alarmNamePrefix }] },
      },
      targets: [
        new SnsTopic(props.topic.topic, {
          deadLetterQueue: props.deadLetterQueue,
          message: RuleTargetInput.fromText(
            `Forwarder alarm ${EventField.fromPath('$.detail.alarmName')} in account ${EventField.account} ` +
              `region ${EventField.region} is ${EventField.fromPath('$.detail.state.value')}: ` +
              `${EventField.fromPath('$.detail.state.reason')}`,
          ),
        }),
      ],
    });
  }
}
