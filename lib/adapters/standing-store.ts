/**
 * The standing verdict of each event (lib/core/publication.ts) in the idempotency table, next to Powertools' records:
 * one item per event, `id = gitlab-oidc-watch#standing#<eventId>`, written with an optimistic lock (`version`), so
 * two evaluations of the same event cannot both move the standing from the same starting point.
 * See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales (~260 KiB) out of the Lambda bundle.
import * as z from 'zod';
import { PublishError } from '../core/errors';
import type { Standing } from '../core/publication';
import { FINDING_CODES } from '../core/verdict';

export const STANDING_KEY_PREFIX = 'gitlab-oidc-watch#standing#';
/**
 * Longer than anything that re-evaluates an event: EventBridge retries (24 h) plus Lambda's (6 h), and reconciliation
 * of `unverified` verdicts (deployment.reconcile.unverifiedMaxAgeHours, at most 90 days).
 */
export const STANDING_TTL_SECONDS = 180 * 24 * 60 * 60;

const SeverityValue = z.enum(['critical', 'high', 'medium', 'low', 'info']);
const VerdictValue = z.enum(['alert', 'unverified', 'ok', 'ignored']);

const StandingSchema = z.object({
  sequence: z.number().int().min(0),
  verdict: VerdictValue,
  severity: SeverityValue,
  alertCodes: z.array(z.enum(FINDING_CODES)),
  first: z
    .object({
      messageId: z.string(),
      publishedAt: z.string(),
      verdict: VerdictValue,
      severity: SeverityValue,
    })
    .nullable(),
});

/** A standing as read, with the version a write must start from (0: no item). */
export interface VersionedStanding {
  readonly standing: Standing | null;
  readonly version: number;
}

export interface StandingStore {
  read(eventId: string): Promise<VersionedStanding>;
  /** Writes `standing` if the item is still at `expectedVersion`; false when another writer got there first. */
  write(eventId: string, standing: Standing, expectedVersion: number): Promise<boolean>;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The standing and version stored in an item (none yet: version 0); throws when the item cannot be read. */
function parseStandingItem(
  eventId: string,
  item: Record<string, AttributeValue> | undefined,
): VersionedStanding {
  if (item === undefined) return { standing: null, version: 0 };
  const version = Number(item.version?.N ?? 'NaN');
  const parsed = StandingSchema.safeParse(JSON.parse(item.standing?.S ?? 'null'));
  if (!Number.isInteger(version) || !parsed.success) {
    // Never guess what responders were told: an unreadable standing stops the event (it is retried, then parked).
    throw new PublishError(`standing of event ${eventId} is unreadable (version ${String(item.version?.N)})`);
  }
  return { standing: parsed.data, version };
}

/** The put succeeds only if the item is still at `expectedVersion` (0: not written yet). */
function versionCondition(
  expectedVersion: number,
): Pick<
  PutItemCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  return {
    ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(id)' : '#version = :expected',
    ...(expectedVersion === 0
      ? {}
      : {
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
        }),
  };
}

export function createStandingStore(
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  now: () => Date = () => new Date(),
): StandingStore {
  const key = (eventId: string) => ({ id: { S: `${STANDING_KEY_PREFIX}${eventId}` } });
  return {
    async read(eventId) {
      let item;
      try {
        ({ Item: item } = await client.send(
          new GetItemCommand({ TableName: tableName, Key: key(eventId), ConsistentRead: true }),
        ));
      } catch (cause) {
        throw new PublishError(`standing of event ${eventId} could not be read: ${describe(cause)}`, {
          cause,
        });
      }
      return parseStandingItem(eventId, item);
    },
    async write(eventId, standing, expectedVersion) {
      const expiration = Math.floor(now().getTime() / 1000) + STANDING_TTL_SECONDS;
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...key(eventId),
              standing: { S: JSON.stringify(standing) },
              version: { N: String(expectedVersion + 1) },
              expiration: { N: String(expiration) },
            },
            ...versionCondition(expectedVersion),
          }),
        );
        return true;
      } catch (cause) {
        if (cause instanceof ConditionalCheckFailedException) return false;
        if (cause instanceof Error && cause.name === 'ConditionalCheckFailedException') return false;
        throw new PublishError(`standing of event ${eventId} could not be written: ${describe(cause)}`, {
          cause,
        });
      }
    },
  };
}
