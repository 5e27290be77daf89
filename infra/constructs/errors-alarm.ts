import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface ErrorsAlarmProps {
  /** The function whose errors (any, over 5 minutes) raise the alarm. */
  readonly function: IFunction;
  /** Notified when the alarm fires and again when it clears. */
  readonly topic: ITopic;
  /** The alarm is named `<stack name>-<name>`. */
  readonly name: string;
  readonly description: string;
}

/** The `ErrorsAlarm` of a scheduled function (reconcile, audit): a failed run notifies the topic, and its clearing too. */
export function addErrorsAlarm(scope: Construct, props: ErrorsAlarmProps): Alarm {
  const alarm = new Alarm(scope, 'ErrorsAlarm', {
    alarmName: `${Stack.of(scope).stackName}-${props.name}`,
    alarmDescription: props.description,
    metric: props.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  const action = new SnsAction(props.topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}
