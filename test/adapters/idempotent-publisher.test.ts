import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import {
  alertIdempotencyKey,
  createIdempotentPublisher,
  IDEMPOTENCY_KEY_PREFIX,
  IDEMPOTENCY_TTL_SECONDS,
} from '../../lib/adapters/idempotent-publisher';
import { PublishError } from '../../lib/core/errors';
import type { AlertPublisher } from '../../lib/core/ports';
import type { Verdict } from '../../lib/core/verdict';
import { makeVerdict } from '../core/render/verdict-fixture';
import { installIdempotencyTableFake, type IdempotencyTableFake } from './idempotent-table-fake';

function lambdaContext(remainingMs = 55_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'gitlab-oidc-watch-correlator',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:gitlab-oidc-watch-correlator',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    logGroupName: '/aws/lambda/gitlab-oidc-watch-correlator',
    logStreamName: '2025/04/16/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function countingPublisher(failTimes = 0): AlertPublisher & { published: Verdict[] } {
  let failures = failTimes;
  const published: Verdict[] = [];
  return {
    published,
    async publish(v) {
      if (failures > 0) {
        failures -= 1;
        throw new PublishError('SNS Publish failed: InternalErrorException');
      }
      published.push(v);
    },
  };
}

let table: IdempotencyTableFake;
const info = jest.fn();

beforeEach(() => {
  table = installIdempotencyTableFake();
  info.mockReset();
});

afterEach(() => table.mock.restore());

function publisherOver(inner: AlertPublisher) {
  const publisher = createIdempotentPublisher(inner, {
    client: new DynamoDBClient({ region: 'us-east-1' }),
    tableName: 'gitlab-oidc-watch-idempotency',
    logger: { info },
  });
  publisher.registerLambdaContext(lambdaContext());
  return publisher;
}

describe('alertIdempotencyKey', () => {
  it('is the event id and the verdict kind', () => {
    expect(alertIdempotencyKey(makeVerdict())).toBe('3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f:alert');
  });
});

describe('createIdempotentPublisher', () => {
  it('publishes once per event and verdict kind, and suppresses a duplicate delivery', async () => {
    const inner = countingPublisher();
    const publisher = publisherOver(inner);
    await publisher.publish(makeVerdict());
    await publisher.publish(makeVerdict());
    expect(inner.published).toHaveLength(1);
    expect(table.idsWith('COMPLETED')).toHaveLength(1);
    expect(info).toHaveBeenCalledWith(
      expect.objectContaining({ eventId: makeVerdict().eventId }),
      expect.stringContaining('duplicate suppressed'),
    );
  });

  it('stores a completed record with the shared key prefix that expires after about seven days', async () => {
    await publisherOver(countingPublisher()).publish(makeVerdict());
    const [id] = table.idsWith('COMPLETED');
    expect(id?.startsWith(`${IDEMPOTENCY_KEY_PREFIX}#`)).toBe(true);
    const expiration = Number(table.items.get(id ?? '')?.expiration?.N);
    expect(expiration).toBeGreaterThan(Date.now() / 1000 + IDEMPOTENCY_TTL_SECONDS - 120);
    expect(expiration).toBeLessThan(Date.now() / 1000 + IDEMPOTENCY_TTL_SECONDS + 120);
  });

  it('records the in-progress expiry from the Lambda context', async () => {
    const put = jest.fn();
    table.mock.on(PutItemCommand).callsFake((input: Record<string, unknown>) => {
      put(input);
      return {};
    });
    await publisherOver(countingPublisher()).publish(makeVerdict());
    const item = (put.mock.calls[0]?.[0] as { Item: Record<string, { N?: string }> }).Item;
    expect(Number(item.in_progress_expiration?.N)).toBeGreaterThan(Date.now());
  });

  it('sends an unverified event that is later judged alert again, as an update', async () => {
    const inner = countingPublisher();
    const publisher = publisherOver(inner);
    await publisher.publish(makeVerdict({ verdict: 'unverified' }));
    await publisher.publish(makeVerdict({ verdict: 'alert' }));
    await publisher.publish(makeVerdict({ verdict: 'unverified' }));
    expect(inner.published.map((v) => v.verdict)).toEqual(['unverified', 'alert']);
  });

  it('forgets a failed publish so that the retry publishes', async () => {
    const inner = countingPublisher(1);
    const publisher = publisherOver(inner);
    await expect(publisher.publish(makeVerdict())).rejects.toBeInstanceOf(PublishError);
    expect(table.items.size).toBe(0);
    await publisher.publish(makeVerdict());
    expect(inner.published).toHaveLength(1);
    expect(table.idsWith('COMPLETED')).toHaveLength(1);
  });

  it('fails with PublishError while another delivery of the same event is in progress', async () => {
    const inner = countingPublisher();
    const publisher = publisherOver(inner);
    let release: () => void = () => undefined;
    const slow: AlertPublisher = {
      publish: () => new Promise<void>((resolve) => (release = resolve)),
    };
    const first = publisherOver(slow).publish(makeVerdict());
    while (table.idsWith('INPROGRESS').length === 0) await new Promise((r) => setImmediate(r));
    const error = await publisher.publish(makeVerdict()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).message).toContain('IdempotencyAlreadyInProgressError');
    release();
    await first;
    expect(inner.published).toHaveLength(0);
  });

  it('fails with PublishError when the idempotency table cannot be written', async () => {
    table.mock.on(PutItemCommand).rejects(
      Object.assign(new Error('Throughput exceeds the current capacity'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    );
    const inner = countingPublisher();
    await expect(publisherOver(inner).publish(makeVerdict())).rejects.toBeInstanceOf(PublishError);
    expect(inner.published).toHaveLength(0);
  });
});
