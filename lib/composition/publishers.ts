/**
 * The alert and decision publishers, built one way for the Lambdas and for `hunt --reconcile`: SNS alerts, made
 * idempotent through the service's DynamoDB table when one is named (so the CLI and the live path share "already
 * alerted"), and the S3 decision log.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { createIdempotentPublisher, type IdempotentPublisher } from '../adapters/idempotent-publisher';
import { createS3DecisionLog } from '../adapters/s3-decision-log';
import { createSnsAlertPublisher } from '../adapters/sns-alert-publisher';
import type { Logger } from '../core/logger';
import type { AlertPublisher, DecisionLog } from '../core/ports';

export interface PublisherTargets {
  readonly alertTopicArn: string;
  readonly decisionLogBucket: string;
  /** Empty or ending in `/`. */
  readonly decisionLogPrefix: string;
}

export interface PublisherClients {
  readonly sns: SNSClient;
  readonly s3: S3Client;
}

export function decisionLog(s3: S3Client, t: PublisherTargets): DecisionLog {
  return createS3DecisionLog(s3, { bucket: t.decisionLogBucket, prefix: t.decisionLogPrefix });
}

/** Alerts to SNS, at most once per event through the idempotency table. */
export function idempotentAlerts(
  sns: SNSClient,
  topicArn: string,
  table: {
    readonly client: DynamoDBClient;
    readonly tableName: string;
    readonly logger: Pick<Logger, 'info'>;
  },
): IdempotentPublisher {
  return createIdempotentPublisher(createSnsAlertPublisher(sns, topicArn), table);
}

export interface Publishers {
  readonly alerts: AlertPublisher;
  readonly decisions: DecisionLog;
}

/**
 * Publishers for a run outside the Lambda (hunt --reconcile): idempotent when an idempotency table is given,
 * plain SNS otherwise.
 */
export function createPublishers(
  clients: PublisherClients & { readonly dynamodb?: () => DynamoDBClient },
  targets: PublisherTargets & { readonly idempotencyTable?: string },
  logger: Pick<Logger, 'info'>,
): Publishers {
  const { idempotencyTable } = targets;
  const alerts =
    idempotencyTable && clients.dynamodb
      ? idempotentAlerts(clients.sns, targets.alertTopicArn, {
          client: clients.dynamodb(),
          tableName: idempotencyTable,
          logger,
        })
      : createSnsAlertPublisher(clients.sns, targets.alertTopicArn);
  return { alerts, decisions: decisionLog(clients.s3, targets) };
}
