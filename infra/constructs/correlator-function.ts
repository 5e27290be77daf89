import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Construct } from 'constructs';
import type { Config, Deployment } from '../../lib/core/config';
import type { LogRetentionDays } from '../config';
import { DeadLetterQueue } from './dead-letter-queue';
import { HouseFunction } from './house-function';
import { grantServiceAccess, serviceEnvironment, type ServiceResources } from './service-resources';

/** The Lambda entry point (functions/correlator/handler.ts, exporting `handler`). */
export const CORRELATOR_ENTRY = path.join(__dirname, '..', '..', 'functions', 'correlator', 'handler.ts');

/** Lambda's own retries of a failed asynchronous invocation, before the event goes to the failure queue. */
export const ASYNC_RETRY_ATTEMPTS = 2;
export const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

export interface CorrelatorFunctionProps extends ServiceResources {
  readonly config: Config;
  readonly deployment: Deployment;
  readonly logRetentionDays: LogRetentionDays;
}

/**
 * The correlator Lambda with exactly the access it needs: publish to the alert topic, write verdicts under the
 * decision-log prefix, keep idempotency records, read the GitLab token secrets. Invoked asynchronously by
 * EventBridge; a failed invocation is retried twice by Lambda and then parked in the failure queue (with the error
 * and the original event), where an alarm reports it.
 */
export class CorrelatorFunction extends Construct {
  public readonly function: HouseFunction;
  /** Invocations that still failed after Lambda's retries (on-failure destination). */
  public readonly failureQueue: DeadLetterQueue;

  public constructor(scope: Construct, id: string, props: CorrelatorFunctionProps) {
    super(scope, id);

    this.failureQueue = new DeadLetterQueue(this, 'FailureQueue', {
      purpose:
        'Correlator invocations that failed after Lambda retried them twice (on-failure destination records).',
    });

    this.function = new HouseFunction(this, 'Function', {
      description: 'Judges AssumeRoleWithWebIdentity events against GitLab and alerts on policy breaches',
      entry: CORRELATOR_ENTRY,
      config: props.config,
      timeout: Duration.seconds(props.deployment.functionTimeoutSeconds),
      logRetentionDays: props.logRetentionDays,
      network: props.network,
      environment: serviceEnvironment(this, props, props.deployment),
    });

    // Destinations receive the error and the request payload; the legacy function DLQ would get the event only.
    // See: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    this.function.configureAsyncInvoke({
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: ASYNC_MAX_EVENT_AGE,
      onFailure: new SqsDestination(this.failureQueue),
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to an SQS on-failure destination (FailureQueue), which AWS recommends ' +
        'over a function dead-letter queue because it keeps the error with the event.',
    });

    grantServiceAccess(this.function, props, props.deployment);
    props.decisionLog.grantWriteSmokeResults(this.function);
  }
}
