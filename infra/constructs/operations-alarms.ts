import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from './house-function';

/**
 * The correlator's custom metric for verdicts it could not complete (GitLab unavailable, checks incomplete), published
 * through Powertools Metrics (EMF) with the default `service` dimension.
 */
export const UNVERIFIED_METRIC_NAME = 'Unverified';

const PERIOD = Duration.minutes(5);

export interface OperationsAlarmsProps {
  readonly topic: ITopic;
  readonly correlator: IFunction;
  /** Every queue where a lost event or notification would wait; each alarms on its first message. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** deployment.securityHub.enabled: also alarm when a verdict could not be exported. */
  readonly securityHubExport?: boolean;
}

/**
 * Alarms for the things that mean "an event might not have been judged or an alert might not have arrived": a message
 * in any dead-letter queue, a function error or throttle, an `unverified` verdict. Each one notifies the operations
 * topic when it fires and when it clears. Missing data is "not breaching": no traffic is not an incident.
 */
export class OperationsAlarms extends Construct {
  public readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;
  private readonly namePrefix: string;

  public constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
    this.namePrefix = Stack.of(this).stackName;

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.addAlarm(
        `${name}Messages`,
        `${name}-messages`,
        `A message is waiting in the dead-letter queue ${name}: an event or notification was not delivered. ` +
          'Inspect it, fix the cause, and replay it.',
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      );
    }
    this.addAlarm(
      'CorrelatorErrors',
      'correlator-errors',
      'The correlator function failed; Lambda retries twice, then the event goes to the failure queue.',
      props.correlator.metricErrors({ period: PERIOD, statistic: 'Sum' }),
    );
    this.addAlarm(
      'CorrelatorThrottles',
      'correlator-throttles',
      'The correlator function was throttled; EventBridge and Lambda retry, but alerts are delayed.',
      props.correlator.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
    );
    this.addAlarm(
      'UnverifiedVerdicts',
      'unverified-verdicts',
      'A production-role assumption could not be verified (GitLab unavailable or a check incomplete). The alert ' +
        'topic carries the details; check GitLab reachability and the token secret.',
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: UNVERIFIED_METRIC_NAME,
        dimensionsMap: { service: SERVICE_NAME },
        period: PERIOD,
        statistic: 'Sum',
      }),
    );
    if (props.securityHubExport === true) {
      this.addAlarm(
        'SecurityHubExportFailures',
        'security-hub-export-failures',
        'A verdict was alerted but not imported into Security Hub (not enabled in this region, throttled, refused). ' +
          'The next evaluation of the same event repairs it; the correlator log names the event.',
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'SecurityHubExportFailures',
          dimensionsMap: { service: SERVICE_NAME },
          period: PERIOD,
          statistic: 'Sum',
        }),
      );
    }
  }

  private addAlarm(id: string, name: string, description: string, metric: IMetric): void {
    const alarm = new Alarm(this, id, {
      alarmName: `${this.namePrefix}-${name}`,
      alarmDescription: description,
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}
