import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import {
  alertIdempotencyKey,
  createIdempotentPublisher,
  IDEMPOTENCY_KEY_PREFIX,
  IDEMPOTENCY_TTL_SECONDS,
} from '../../lib/adapters/idempotent-publisher';
import { STANDING_KEY_PREFIX, STANDING_TTL_SECONDS } from '../../lib/adapters/standing-store';
import { PublishError } from '../../lib/core/errors';
import type { AlertMessage, AlertSender } from '../../lib/core/ports';
import type { Finding } from '../../lib/core/verdict';
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

function countingSender(failTimes = 0): AlertSender & { sent: AlertMessage[] } {
  let failures = failTimes;
  const sent: AlertMessage[] = [];
  return {
    sent,
    async send(message) {
      if (failures > 0) {
        failures -= 1;
        throw new PublishError('SNS Publish failed: InternalErrorException');
      }
      sent.push(message);
      return `msg-${sent.length}`;
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

function publisherOver(inner: AlertSender) {
  const publisher = createIdempotentPublisher(inner, {
    client: new DynamoDBClient({ region: 'us-east-1' }),
    tableName: 'gitlab-oidc-watch-idempotency',
    logger: { info },
  });
  publisher.registerLambdaContext(lambdaContext());
  return publisher;
}

const UNAVAILABLE: Finding = {
  code: 'GITLAB_UNAVAILABLE',
  class: 'unverified',
  severity: 'critical',
  message: 'GitLab could not answer',
};
const unverified = () => makeVerdict({ verdict: 'unverified', findings: [UNAVAILABLE] });
const ok = () => makeVerdict({ verdict: 'ok', severity: 'info', findings: [] });

describe('alertIdempotencyKey', () => {
  it('is the event id and the message sequence number, never the verdict', () => {
    expect(alertIdempotencyKey('3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f', 2)).toBe(
      '3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f#2',
    );
  });
});

describe('createIdempotentPublisher', () => {
  it('publishes the first alert once and suppresses a duplicate delivery', async () => {
    const inner = countingSender();
    const publisher = publisherOver(inner);
    await expect(publisher.publish(makeVerdict())).resolves.toMatchObject({
      action: 'initial',
      sequence: 1,
      messageId: 'msg-1',
    });
    await expect(publisher.publish(makeVerdict())).resolves.toMatchObject({
      action: 'none',
      reason: 'duplicate',
      refersTo: 'msg-1',
    });
    expect(inner.sent).toHaveLength(1);
    expect(table.idsWith('COMPLETED')).toHaveLength(1);
  });

  it('stores a completed record with the shared key prefix that expires after about seven days', async () => {
    await publisherOver(countingSender()).publish(makeVerdict());
    const [id] = table.idsWith('COMPLETED');
    expect(id?.startsWith(`${IDEMPOTENCY_KEY_PREFIX}#`)).toBe(true);
    const expiration = Number(table.items.get(id ?? '')?.expiration?.N);
    expect(expiration).toBeGreaterThan(Date.now() / 1000 + IDEMPOTENCY_TTL_SECONDS - 120);
    expect(expiration).toBeLessThan(Date.now() / 1000 + IDEMPOTENCY_TTL_SECONDS + 120);
  });

  it('keeps the standing of the event beside it, longer than the idempotency record', async () => {
    await publisherOver(countingSender()).publish(makeVerdict());
    const item = table.items.get(`${STANDING_KEY_PREFIX}${makeVerdict().eventId}`);
    expect(JSON.parse(item?.standing?.S ?? '{}')).toMatchObject({ sequence: 1, verdict: 'alert' });
    expect(Number(item?.expiration?.N)).toBeGreaterThan(Date.now() / 1000 + STANDING_TTL_SECONDS - 120);
  });

  it('records the in-progress expiry from the Lambda context', async () => {
    const put = jest.fn();
    table.mock.on(PutItemCommand).callsFake((input: Record<string, unknown>) => {
      put(input);
      return {};
    });
    await publisherOver(countingSender()).publish(makeVerdict());
    const item = (put.mock.calls[0]?.[0] as { Item: Record<string, { N?: string }> }).Item;
    expect(Number(item.in_progress_expiration?.N)).toBeGreaterThan(Date.now());
  });

  it('publishes an unverified event later judged alert as update 2, and nothing for a later outage', async () => {
    const inner = countingSender();
    const publisher = publisherOver(inner);
    await publisher.publish(unverified());
    await expect(publisher.publish(makeVerdict())).resolves.toMatchObject({
      action: 'update',
      reason: 'escalated',
      sequence: 2,
      refersTo: 'msg-1',
    });
    await expect(publisher.publish(unverified())).resolves.toMatchObject({
      action: 'none',
      reason: 'conclusion-stands',
    });
    expect(inner.sent.map((m) => [m.verdict.verdict, m.publication.kind, m.publication.sequence])).toEqual([
      ['unverified', 'initial', 1],
      ['alert', 'update', 2],
    ]);
    expect(inner.sent[1]?.publication.first?.messageId).toBe('msg-1');
  });

  it('never alerts over an ok verdict when a later delivery cannot verify', async () => {
    const inner = countingSender();
    const publisher = publisherOver(inner);
    await publisher.publish(ok());
    await publisher.publish(unverified());
    expect(inner.sent).toHaveLength(0);
  });

  it('forgets a failed publish so that the retry publishes', async () => {
    const inner = countingSender(1);
    const publisher = publisherOver(inner);
    await expect(publisher.publish(makeVerdict())).rejects.toBeInstanceOf(PublishError);
    expect(table.idsWith('COMPLETED')).toHaveLength(0);
    await publisher.publish(makeVerdict());
    expect(inner.sent).toHaveLength(1);
    expect(table.idsWith('COMPLETED')).toHaveLength(1);
  });

  it('folds in a message that went out before its standing was written (a crash), without sending it again', async () => {
    const inner = countingSender();
    const publisher = publisherOver(inner);
    // The standing write after the publish fails once, as if the function died between the two.
    table.failNextPut(
      STANDING_KEY_PREFIX,
      Object.assign(new Error('connection reset'), { name: 'TimeoutError' }),
    );
    await expect(publisher.publish(makeVerdict())).rejects.toBeInstanceOf(PublishError);
    // The redelivery, this time with GitLab down: message 1 (the alert) is found and stands.
    await expect(publisher.publish(unverified())).resolves.toMatchObject({
      action: 'none',
      reason: 'conclusion-stands',
      refersTo: 'msg-1',
    });
    expect(inner.sent.map((m) => m.verdict.verdict)).toEqual(['alert']);
  });

  it('lets exactly one of two concurrent evaluations with different verdicts send the first message', async () => {
    let release: () => void = () => undefined;
    const slow: AlertSender & { sent: number } = {
      sent: 0,
      send() {
        this.sent += 1;
        return new Promise<string>((resolve) => (release = () => resolve('msg-slow')));
      },
    };
    const fast = countingSender();
    const first = publisherOver(slow).publish(makeVerdict());
    while (table.idsWith('INPROGRESS').length === 0) await new Promise((r) => setImmediate(r));
    const error = await publisherOver(fast)
      .publish(unverified())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).message).toContain('IdempotencyAlreadyInProgressError');
    release();
    await expect(first).resolves.toMatchObject({ action: 'initial', messageId: 'msg-slow' });
    // Its retry then finds the alert standing and has nothing to add.
    await expect(publisherOver(fast).publish(unverified())).resolves.toMatchObject({ action: 'none' });
    expect(fast.sent).toHaveLength(0);
  });

  it('fails with PublishError when the idempotency table cannot be written', async () => {
    table.mock.on(PutItemCommand).rejects(
      Object.assign(new Error('Throughput exceeds the current capacity'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    );
    const inner = countingSender();
    await expect(publisherOver(inner).publish(makeVerdict())).rejects.toBeInstanceOf(PublishError);
    expect(inner.sent).toHaveLength(0);
  });
  it('keeps a first message in the standing when a concurrent ok wrote the standing first (soak race)', async () => {
    let release: () => void = () => undefined;
    const slow: AlertSender = {
      send: () => new Promise<string>((resolve) => (release = () => resolve('msg-1'))),
    };
    // A: GitLab failing, unverified; its first message is on the wire when B, with GitLab back, judges ok.
    const a = publisherOver(slow).publish(unverified());
    while (table.idsWith('INPROGRESS').length === 0) await new Promise((r) => setImmediate(r));
    await expect(publisherOver(countingSender()).publish(ok())).resolves.toMatchObject({ action: 'none' });
    release();
    await expect(a).resolves.toMatchObject({ action: 'initial', sequence: 1, messageId: 'msg-1' });

    // What responders were told is in the standing, so the event is judged again (reconciliation) and resolved.
    const standing = await publisherOver(countingSender()).standingOf(makeVerdict().eventId);
    expect(standing).toMatchObject({ sequence: 1, verdict: 'unverified', first: { messageId: 'msg-1' } });
    const resolver = countingSender();
    await expect(publisherOver(resolver).publish(ok())).resolves.toMatchObject({
      action: 'update',
      reason: 'resolved',
      sequence: 2,
      refersTo: 'msg-1',
    });
    expect(resolver.sent).toHaveLength(1);
  });
});
