import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Config, Deployment } from '../../lib/core/config';
import type { LogRetentionDays } from '../config';
import { DeadLetterQueue } from './dead-letter-queue';
import { addErrorsAlarm } from './errors-alarm';
import { HouseFunction } from './house-function';
import { grantServiceAccess, serviceEnvironment, type ServiceResources } from './service-resources';

/** The Lambda entry point (functions/reconcile/handler.ts, exporting `handler`). */
export const RECONCILE_ENTRY = path.join(__dirname, '..', '..', 'functions', 'reconcile', 'handler.ts');

/**
 * A run reads up to lookbackHours of event history at 2 requests/s per region and judges what it finds; it stops
 * itself a few seconds before this limit (the next run covers the same window again).
 */
export const RECONCILE_TIMEOUT = Duration.minutes(10);

export interface ReconcileFunctionProps extends ServiceResources {
  readonly config: Config;
  readonly deployment: Deployment;
  readonly logRetentionDays: LogRetentionDays;
  /** When given, an alarm on the function's errors notifies this topic (the operations topic). */
  readonly alarmTopic?: ITopic;
}

/**
 * The daily reconciliation: a scheduled rule (deployment.reconcile.schedule, DISABLED unless
 * deployment.reconcile.enabled) invokes a function that reads CloudTrail event history and judges every
 * AssumeRoleWithWebIdentity the live path left without a verdict, through the same publishers as the correlator.
 * Environment: the service's contract (lib/composition/settings.ts), the same as the correlator's.
 */
export class ReconcileFunction extends Construct {
  public readonly function: HouseFunction;
  public readonly rule: Rule;
  /** Scheduled invocations that could not be delivered, or failed after Lambda's retries. */
  public readonly failureQueue: DeadLetterQueue;
  public readonly errorsAlarm: Alarm | undefined;

  public constructor(scope: Construct, id: string, props: ReconcileFunctionProps) {
    super(scope, id);
    const { deployment } = props;

    this.failureQueue = new DeadLetterQueue(this, 'FailureQueue', {
      purpose:
        'Reconcile runs that EventBridge could not deliver or that failed after Lambda retried them; the next ' +
        'scheduled run covers the same window.',
    });

    this.function = new HouseFunction(this, 'Function', {
      description:
        'Daily: judges AssumeRoleWithWebIdentity events the live path missed (CloudTrail event history)',
      entry: RECONCILE_ENTRY,
      config: props.config,
      timeout: RECONCILE_TIMEOUT,
      logRetentionDays: props.logRetentionDays,
      network: props.network,
      environment: serviceEnvironment(this, props, deployment),
    });
    this.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failureQueue),
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to an SQS on-failure destination (FailureQueue), which keeps the error ' +
        'with the event.',
    });

    this.rule = this.createSchedule(deployment);
    this.function.role?.attachInlinePolicy(this.lookupEventsPolicy());
    props.decisionLog.grantReadVerdicts(this.function);
    grantServiceAccess(this.function, props, deployment);
    this.errorsAlarm = props.alarmTopic ? this.createErrorsAlarm(props.alarmTopic) : undefined;
  }

  /** See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html */
  private createSchedule(deployment: ReconcileFunctionProps['deployment']): Rule {
    return new Rule(this, 'Schedule', {
      description: 'Daily reconciliation of AssumeRoleWithWebIdentity events without a verdict',
      schedule: Schedule.expression(deployment.reconcile.schedule),
      enabled: deployment.reconcile.enabled,
      targets: [
        new LambdaFunction(this.function, {
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.failureQueue,
        }),
      ],
    });
  }

  /**
   * LookupEvents has no resource-level permissions: its only resource is `*`. A separate policy, so that this
   * acknowledgment covers this statement and nothing else.
   * See: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
   */
  private lookupEventsPolicy(): Policy {
    const lookup = new Policy(this, 'LookupEventsPolicy', {
      statements: [new PolicyStatement({ actions: ['cloudtrail:LookupEvents'], resources: ['*'] })],
    });
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudtrail:LookupEvents supports no resource-level permissions (Resource must be *); it is read-only ' +
        'event history of this account.',
    });
    return lookup;
  }

  private createErrorsAlarm(topic: NonNullable<ReconcileFunctionProps['alarmTopic']>): Alarm {
    return addErrorsAlarm(this, {
      function: this.function,
      topic,
      name: 'reconcile-errors',
      description:
        'The reconcile run failed: some missed events may still be unjudged. Its log names the cause; the next ' +
        'run retries the same window.',
    });
  }
}
