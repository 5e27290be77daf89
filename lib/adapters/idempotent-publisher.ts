/**
 * The AlertPublisher of the service: what an evaluation means for responders is decided by
 * lib/core/publication.ts against the event's standing (lib/adapters/standing-store.ts), and each message is
 * published exactly once with Powertools idempotency on DynamoDB.
 *
 * The idempotency key is `<eventId>#<sequence>`: the Nth message of the event, whatever it says. Two evaluations
 * that both want to send message N contend for the same key: exactly one publishes, the other finds the record
 * INPROGRESS (PublishError: the event is retried and then finds the standing moved on) or COMPLETED (the stored
 * description of message N is folded into the standing and the decision is made again). So a duplicate delivery
 * never publishes, and an update (a new sequence number) always does. Powertools deletes the INPROGRESS record when
 * the publish throws, so a failed publish is never remembered as done.
 * See: https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { PublishError, describeError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AlertPublisher, AlertSender, PublicationOutcome } from '../core/ports';
import {
  alertCodesOf,
  decidePublication,
  sameStanding,
  standingAfterPublish,
  standingWithoutPublish,
  type PublicationContext,
  type PublishedMessage,
  type Standing,
} from '../core/publication';
import type { Verdict } from '../core/verdict';
import { createStandingStore, type StandingStore } from './standing-store';

/** Longer than EventBridge's 24-hour retry window plus Lambda's 6 hours; the standing item outlives it. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Fixed key prefix. Powertools defaults to the Lambda function name, which would give the correlator and the
 * reconcile function different keys for the same event; one prefix makes them share "already published".
 */
export const IDEMPOTENCY_KEY_PREFIX = 'gitlab-oidc-watch#alert';

/** Rounds of read-decide-write before giving up (each lost round means another writer moved the standing). */
const MAX_ROUNDS = 5;

export interface IdempotentPublisherOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly logger: Pick<Logger, 'info'>;
  readonly expiresAfterSeconds?: number;
  readonly now?: () => Date;
}

export interface IdempotentPublisher extends AlertPublisher {
  /**
   * Registers the invocation's context so that an INPROGRESS record expires with the invocation (a timed-out or
   * crashed invocation does not block the retry until the 7-day expiry). Call it at the start of each invocation.
   */
  registerLambdaContext(context: Context): void;
}

/** The idempotency key of the `sequence`th message of an event: no verdict in it (see the module comment). */
export function alertIdempotencyKey(eventId: string, sequence: number): string {
  return `${eventId}#${sequence}`;
}

interface Attempt {
  readonly message: { readonly verdict: Verdict; readonly publication: PublicationContext };
  published: boolean;
}

/** Reads what a COMPLETED idempotency record says was sent; older records (no sequence) are not usable. */
function storedMessage(stored: unknown, sequence: number): PublishedMessage | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const s = stored as Partial<Record<keyof PublishedMessage, unknown>>;
  if (typeof s.messageId !== 'string' || typeof s.publishedAt !== 'string' || s.sequence !== sequence)
    return null;
  if (typeof s.verdict !== 'string' || typeof s.routingSeverity !== 'string' || !Array.isArray(s.alertCodes))
    return null;
  return stored as PublishedMessage;
}

/**
 * The send, at most once per key: the idempotency record holds the message id, its sequence and what it said, so a
 * retried event learns what was sent instead of sending it again.
 */
function sendOnce(
  sender: AlertSender,
  config: IdempotencyConfig,
  persistenceStore: DynamoDBPersistenceLayer,
  now: () => Date,
) {
  return makeIdempotent(
    async (_payload: { key: string }, attempt: Attempt): Promise<PublishedMessage> => {
      const messageId = await sender.send(attempt.message);
      attempt.published = true;
      const { verdict, publication } = attempt.message;
      return {
        messageId,
        publishedAt: now().toISOString(),
        sequence: publication.sequence,
        verdict: verdict.verdict,
        routingSeverity: publication.routingSeverity,
        alertCodes: alertCodesOf(verdict),
      };
    },
    { persistenceStore, config, keyPrefix: IDEMPOTENCY_KEY_PREFIX, dataIndexArgument: 0 },
  );
}

export function createIdempotentPublisher(
  sender: AlertSender,
  options: IdempotentPublisherOptions,
): IdempotentPublisher {
  const now = options.now ?? (() => new Date());
  const config = new IdempotencyConfig({
    // Only the key is hashed: the payload is `{ key }`, the message travels in the second, unhashed argument.
    eventKeyJmesPath: 'key',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? IDEMPOTENCY_TTL_SECONDS,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
  });
  const standings = createStandingStore(options.client, options.tableName, now);

  const publishOnce = sendOnce(sender, config, persistenceStore, now);

  async function send(
    verdict: Verdict,
    publication: PublicationContext,
  ): Promise<{
    readonly message: PublishedMessage;
    readonly ours: boolean;
  }> {
    const key = alertIdempotencyKey(verdict.eventId, publication.sequence);
    const attempt: Attempt = { message: { verdict, publication }, published: false };
    let stored: unknown;
    try {
      stored = await publishOnce({ key }, attempt);
    } catch (cause) {
      if (cause instanceof PublishError) throw cause;
      // IdempotencyAlreadyInProgressError (a concurrent evaluation is sending message N), or DynamoDB failing:
      // either way nothing is known to be sent, so the event must come back.
      throw new PublishError(`message ${key} not published: ${describeError(cause)}`, { cause });
    }
    const message = storedMessage(stored, publication.sequence);
    if (message === null) throw new PublishError(`idempotency record ${key} holds no readable message`);
    return { message, ours: attempt.published };
  }

  return {
    registerLambdaContext(context) {
      config.registerLambdaContext(context);
    },
    async publish(verdict) {
      return settle(verdict, standings, send, options.logger);
    },
    async standingOf(eventId) {
      return (await standings.read(eventId)).standing;
    },
  };
}

type Send = (
  verdict: Verdict,
  publication: PublicationContext,
) => Promise<{ readonly message: PublishedMessage; readonly ours: boolean }>;

/** Read the standing, decide, publish if needed, write the standing back; again if another writer got in between. */
async function settle(
  verdict: Verdict,
  standings: StandingStore,
  send: Send,
  logger: Pick<Logger, 'info'>,
): Promise<PublicationOutcome> {
  let sentByUs: { readonly message: PublishedMessage; readonly context: PublicationContext } | null = null;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let { standing, version } = await standings.read(verdict.eventId);
    if (sentByUs !== null && (standing?.sequence ?? 0) < sentByUs.message.sequence) {
      // We published, then lost the race to write the standing to a writer that did not know (e.g. a concurrent `ok`
      // that published nothing): what responders were told must be in the standing before anything else is decided.
      // That writer's own conclusion is then settled by the next evaluation (redelivery or reconciliation, which
      // re-judges events whose standing is `unverified`).
      const folded = standingAfterPublish(standing, sentByUs.message);
      if (!(await standings.write(verdict.eventId, folded, version))) continue;
      standing = folded;
      version += 1;
    }
    const decision = decidePublication(standing, verdict);
    if (decision.action === 'none') {
      const next = standingWithoutPublish(standing, verdict);
      if (next !== null && !sameStanding(next, standing)) {
        if (!(await standings.write(verdict.eventId, next, version))) continue;
      }
      if (sentByUs !== null) return outcomeOf(sentByUs.message, standing, sentByUs.context);
      logger.info(
        { eventId: verdict.eventId, verdict: verdict.verdict, reason: decision.reason },
        'nothing new to tell responders; not published',
      );
      return {
        action: 'none',
        reason: decision.reason,
        sequence: next?.sequence ?? 0,
        messageId: null,
        refersTo: next?.first?.messageId ?? null,
        standing: next,
      };
    }
    const { message, ours } = await send(verdict, decision.context);
    if (ours) sentByUs = { message, context: decision.context };
    const next = standingAfterPublish(standing, message);
    // Lost the race to write the standing: read it again; the message is not sent twice (its key is COMPLETED).
    if (!(await standings.write(verdict.eventId, next, version))) continue;
    if (ours) return outcomeOf(message, next, decision.context);
  }
  if (sentByUs !== null) {
    // Published, but the standing kept moving under us: report what was sent; the next evaluation reconciles.
    return outcomeOf(sentByUs.message, null, sentByUs.context);
  }
  throw new PublishError(`standing of event ${verdict.eventId} kept changing; the event will be retried`);
}

function outcomeOf(
  message: PublishedMessage,
  standing: Standing | null,
  context: PublicationContext,
): PublicationOutcome {
  return {
    action: context.kind,
    reason: context.reason,
    sequence: message.sequence,
    messageId: message.messageId,
    refersTo: context.first?.messageId ?? null,
    standing,
  };
}
