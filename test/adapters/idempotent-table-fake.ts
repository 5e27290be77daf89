/**
 * An in-memory stand-in for the idempotency table, installed behind aws-sdk-client-mock at the DynamoDBClient
 * boundary. It honours what the Powertools DynamoDBPersistenceLayer relies on: the conditional PutItem (no record,
 * expired record, or expired in-progress record) failing with ConditionalCheckFailedException carrying the old item,
 * UpdateItem's SET, DeleteItem and consistent GetItem.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

type Item = Record<string, AttributeValue>;

export interface IdempotencyTableFake {
  readonly mock: AwsClientStub<DynamoDBClient>;
  readonly items: Map<string, Item>;
  statusOf(id: string): string | undefined;
  /** Ids whose status is `status`. */
  idsWith(status: string): string[];
  /** The next PutItem whose id starts with `idPrefix` fails with `error` (once). */
  failNextPut(idPrefix: string, error: Error): void;
}

function keyOf(key: Item | undefined): string {
  const id = key?.id?.S;
  if (id === undefined) throw new Error('fake table: key attribute id (S) missing');
  return id;
}

function num(value: AttributeValue | undefined): number | undefined {
  return value?.N === undefined ? undefined : Number(value.N);
}

interface PutInput {
  Item?: Item;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

function isVersionCondition(expression: string): boolean {
  return expression === 'attribute_not_exists(id)' || expression === '#version = :expected';
}

function versionConditionHolds(input: PutInput, existing: Item | undefined): boolean {
  if (input.ConditionExpression === 'attribute_not_exists(id)') return existing === undefined;
  const attribute = input.ExpressionAttributeNames?.['#version'];
  const expected = input.ExpressionAttributeValues?.[':expected']?.N;
  if (attribute === undefined || expected === undefined) throw new Error('fake table: incomplete condition');
  return existing?.[attribute]?.N === expected;
}

function conditionFailed(existing: Item | undefined): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    $metadata: { httpStatusCode: 400 },
    message: 'The conditional request failed',
    Item: existing,
  });
}

export function installIdempotencyTableFake(): IdempotencyTableFake {
  const mock = mockClient(DynamoDBClient);
  const items = new Map<string, Item>();
  const putFailures: { idPrefix: string; error: Error }[] = [];

  mock.on(PutItemCommand).callsFake((input: PutInput) => {
    const item = input.Item ?? {};
    const id = keyOf(item);
    const existing = items.get(id);
    const failure = putFailures.findIndex((f) => id.startsWith(f.idPrefix));
    if (failure >= 0) throw putFailures.splice(failure, 1)[0]?.error;
    if (input.ConditionExpression !== undefined && isVersionCondition(input.ConditionExpression)) {
      // The standing store's optimistic lock (lib/adapters/standing-store.ts).
      if (!versionConditionHolds(input, existing)) throw conditionFailed(existing);
      items.set(id, { ...item });
      return {};
    }
    const nowMs = Date.now();
    if (existing) {
      const expired = (num(existing.expiration) ?? Infinity) < nowMs / 1000;
      const inProgressExpired =
        existing.status?.S === 'INPROGRESS' && (num(existing.in_progress_expiration) ?? Infinity) < nowMs;
      if (!expired && !inProgressExpired) {
        throw new ConditionalCheckFailedException({
          $metadata: { httpStatusCode: 400 },
          message: 'The conditional request failed',
          Item: existing,
        });
      }
    }
    items.set(id, { ...item });
    return {};
  });

  mock
    .on(UpdateItemCommand)
    .callsFake(
      (input: {
        Key?: Item;
        UpdateExpression?: string;
        ExpressionAttributeNames?: Record<string, string>;
        ExpressionAttributeValues?: Item;
      }) => {
        const id = keyOf(input.Key);
        const item: Item = { ...(items.get(id) ?? { id: { S: id } }) };
        const assignments = (input.UpdateExpression ?? '').replace(/^SET\s+/, '').split(/\s*,\s*/);
        for (const assignment of assignments) {
          const [name, value] = assignment.split(/\s*=\s*/);
          const attribute = name === undefined ? undefined : input.ExpressionAttributeNames?.[name];
          const attributeValue = value === undefined ? undefined : input.ExpressionAttributeValues?.[value];
          if (attribute === undefined || attributeValue === undefined)
            throw new Error(`fake table: cannot apply '${assignment}'`);
          item[attribute] = attributeValue;
        }
        items.set(id, item);
        return {};
      },
    );

  mock.on(DeleteItemCommand).callsFake((input: { Key?: Item }) => {
    items.delete(keyOf(input.Key));
    return {};
  });

  mock.on(GetItemCommand).callsFake((input: { Key?: Item }) => {
    const item = items.get(keyOf(input.Key));
    return item ? { Item: item } : {};
  });

  return {
    mock,
    items,
    statusOf: (id) => items.get(id)?.status?.S,
    idsWith: (status) => [...items].filter(([, item]) => item.status?.S === status).map(([id]) => id),
    failNextPut: (idPrefix, error) => {
      putFailures.push({ idPrefix, error });
    },
  };
}
