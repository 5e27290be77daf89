/**
 * Exactly one alert per (CloudTrail eventID, verdict kind), with Powertools idempotency on DynamoDB.
 *
 * EventBridge delivers at least once, and the reconcile job may see an event the live path already handled. The key
 * is `<eventId>:<verdict kind>`: a duplicate delivery finds a COMPLETED record and publishes nothing, while an event
 * first reported `unverified` and later judged `alert` is published again, as an update. Powertools writes an
 * INPROGRESS record with a conditional put before publishing and deletes it when the publish throws, so a failed
 * publish is never remembered as done and the retry publishes. A concurrent duplicate that finds the INPROGRESS
 * record fails with PublishError and is retried later (by then the record is COMPLETED, or expired with the
 * function's remaining time if the first invocation died).
 * See: https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { PublishError, describeError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AlertPublisher } from '../core/ports';
import type { Verdict } from '../core/verdict';

/** Longer than EventBridge's 24-hour retry window and a reconcile look-back, short enough to keep the table small. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Fixed key prefix. Powertools defaults to the Lambda function name, which would give the correlator and the
 * reconcile function different keys for the same event; one prefix makes them share "already alerted".
 */
export const IDEMPOTENCY_KEY_PREFIX = 'gitlab-oidc-watch#alert';

export interface IdempotentPublisherOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly logger: Pick<Logger, 'info'>;
  readonly expiresAfterSeconds?: number;
}

export interface IdempotentPublisher extends AlertPublisher {
  /**
   * Registers the invocation's context so that an INPROGRESS record expires with the invocation (a timed-out or
   * crashed invocation does not block the retry until the 7-day expiry). Call it at the start of each invocation.
   */
  registerLambdaContext(context: Context): void;
}

export function alertIdempotencyKey(verdict: Pick<Verdict, 'eventId' | 'verdict'>): string {
  return `${verdict.eventId}:${verdict.verdict}`;
}

/** Stored as the idempotency record's response data. */
interface PublishedRecord {
  readonly messageId: string | null;
  readonly publishedAt: string;
}

interface Attempt {
  readonly verdict: Verdict;
  published: boolean;
}

export function createIdempotentPublisher(
  inner: AlertPublisher & { publishWithId?(verdict: Verdict): Promise<string> },
  options: IdempotentPublisherOptions,
): IdempotentPublisher {
  const config = new IdempotencyConfig({
    // Only the key is hashed: the payload is `{ key }`, the verdict travels in the second, unhashed argument.
    eventKeyJmesPath: 'key',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? IDEMPOTENCY_TTL_SECONDS,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
  });

  const publishOnce = makeIdempotent(
    async (_payload: { key: string }, attempt: Attempt): Promise<PublishedRecord> => {
      let messageId: string | null = null;
      if (inner.publishWithId) {
        messageId = await inner.publishWithId(attempt.verdict);
      } else {
        await inner.publish(attempt.verdict);
      }
      attempt.published = true;
      return { messageId, publishedAt: new Date().toISOString() };
    },
    { persistenceStore, config, keyPrefix: IDEMPOTENCY_KEY_PREFIX, dataIndexArgument: 0 },
  );

  return {
    registerLambdaContext(context) {
      config.registerLambdaContext(context);
    },
    async publish(verdict) {
      const key = alertIdempotencyKey(verdict);
      const attempt: Attempt = { verdict, published: false };
      // What a COMPLETED record holds: whatever was stored then (possibly nothing), so it is read defensively.
      let stored: Partial<PublishedRecord> | undefined;
      try {
        stored = await publishOnce({ key }, attempt);
      } catch (cause) {
        if (cause instanceof PublishError) throw cause;
        // IdempotencyAlreadyInProgressError (a concurrent duplicate), IdempotencyPersistenceLayerError (DynamoDB):
        // either way nothing is known to be sent, so the event must come back.
        const detail = describeError(cause);
        throw new PublishError(`alert for ${key} not published: ${detail}`, { cause });
      }
      if (!attempt.published) {
        options.logger.info(
          {
            eventId: verdict.eventId,
            verdict: verdict.verdict,
            messageId: stored?.messageId,
            publishedAt: stored?.publishedAt,
          },
          'alert already published for this event and verdict; duplicate suppressed',
        );
      }
    },
  };
}
