/**
 * The alert and decision publishers, built one way for the Lambdas and for `hunt --reconcile`: SNS alerts decided and
 * made idempotent through the service's DynamoDB table (so the CLI and the live path share each event's standing
 * verdict: first alert, updates, duplicates), and the S3 decision history.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { createIdempotentPublisher, type IdempotentPublisher } from '../adapters/idempotent-publisher';
import { createS3DecisionLog } from '../adapters/s3-decision-log';
import { createS3SmokeLog, type SmokeLog } from '../adapters/s3-smoke-log';
import { createSecurityHubSink, withSecurityHubExport } from '../adapters/security-hub';
import { createSnsAlertPublisher } from '../adapters/sns-alert-publisher';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { contextFromProductArn } from '../core/asff';
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

/** Smoke-test answers under smoke/ in the decision-log bucket: written by the correlator, read by `oidc-watch smoke`. */
export function smokeLog(s3: S3Client, decisionLogBucket: string): SmokeLog {
  return createS3SmokeLog(s3, decisionLogBucket);
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
  securityHub?: SecurityHubExport,
): IdempotentPublisher {
  const sender = createSnsAlertPublisher(sns, topicArn);
  // Inside the idempotency wrapper: a message sent once is exported once; a duplicate delivery does neither.
  return createIdempotentPublisher(
    securityHub === undefined
      ? sender
      : withSecurityHubExport(sender, {
          sink: createSecurityHubSink(securityHub.client),
          context: contextFromProductArn(securityHub.productArn),
          logger: securityHub.logger,
          onFailure: securityHub.onFailure,
        }),
    table,
  );
}

/** deployment.securityHub: every alert message (first or update) is also imported as an ASFF finding. */
export interface SecurityHubExport {
  readonly client: SecurityHubClient;
  /** The account's default product ARN (SECURITY_HUB_PRODUCT_ARN, set by the stack). */
  readonly productArn: string;
  readonly logger: Pick<Logger, 'error'>;
  /** Counts a failed export (metric SecurityHubExportFailures). */
  readonly onFailure: () => void;
}

export interface Publishers {
  readonly alerts: AlertPublisher;
  readonly decisions: DecisionLog;
}

/**
 * Publishers for a run outside the Lambda (hunt --reconcile). The idempotency table is required: it holds each
 * event's standing verdict, without which an update could not be told from a first alert, nor a duplicate from news.
 */
export function createPublishers(
  clients: PublisherClients & { readonly dynamodb: () => DynamoDBClient },
  targets: PublisherTargets & { readonly idempotencyTable: string },
  logger: Pick<Logger, 'info'>,
): Publishers {
  const alerts = idempotentAlerts(clients.sns, targets.alertTopicArn, {
    client: clients.dynamodb(),
    tableName: targets.idempotencyTable,
    logger,
  });
  return { alerts, decisions: decisionLog(clients.s3, targets) };
}
