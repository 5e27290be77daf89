import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Construct } from 'constructs';
import type { Config, Deployment } from '../../lib/core/config';
import { gitLabLookupBudgetMs, type LogRetentionDays } from '../config';
import { DeadLetterQueue } from './dead-letter-queue';
import type { DecisionLogBucket } from './decision-log-bucket';
import type { EncryptedTopic } from './encrypted-topic';
import type { GitLabTokenSecrets } from './gitlab-token-secrets';
import { HouseFunction } from './house-function';
import type { IdempotencyTable } from './idempotency-table';

/** The Lambda entry point (functions/correlator/handler.ts, exporting `handler`). */
export const CORRELATOR_ENTRY = path.join(__dirname, '..', '..', 'functions', 'correlator', 'handler.ts');

/** Lambda's own retries of a failed asynchronous invocation, before the event goes to the failure queue. */
export const ASYNC_RETRY_ATTEMPTS = 2;
export const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

export interface CorrelatorFunctionProps {
  readonly config: Config;
  readonly deployment: Deployment;
  readonly logRetentionDays: LogRetentionDays;
  readonly alertTopic: EncryptedTopic;
  readonly decisionLog: DecisionLogBucket;
  readonly idempotencyTable: IdempotencyTable;
  readonly gitLabTokens: GitLabTokenSecrets;
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
    const { alertTopic, decisionLog, idempotencyTable, gitLabTokens } = props;

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
      environment: {
        ALERT_TOPIC_ARN: alertTopic.topic.topicArn,
        DECISION_LOG_BUCKET: decisionLog.bucket.bucketName,
        DECISION_LOG_PREFIX: decisionLog.prefix,
        IDEMPOTENCY_TABLE: idempotencyTable.tableName,
        GITLAB_TOKEN_SECRETS: Stack.of(this).toJsonString(gitLabTokens.secretIdsByIssuer()),
        GITLAB_LOOKUP_BUDGET_MS: String(gitLabLookupBudgetMs(props.deployment)),
      },
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

    alertTopic.grantPublish(this.function);
    decisionLog.grantWriteVerdicts(this.function);
    idempotencyTable.grantIdempotencyRecords(this.function);
    gitLabTokens.grantRead(this.function);
  }
}
