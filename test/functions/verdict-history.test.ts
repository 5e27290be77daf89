/**
 * Issue 9, failures 1 and 2, end to end through the Lambda handlers: real HTTP to the GitLab stand-in (which can be
 * made to fail), S3 as an in-memory bucket, the idempotency table in memory, SNS mocked at the client boundary.
 *
 * 1. A redelivery during a GitLab outage must neither overwrite the alert in the decision log nor publish a second,
 *    contradicting alert; a later evaluation that changes what a responder should do is an explicit UPDATE.
 * 2. Reconciliation re-judges `unverified` verdicts (until they resolve or age out) instead of skipping every event
 *    that has a decision.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudTrailClient, type Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createMetrics } from '../../lib/adapters/metrics';
import { parseConfig, type ConfigInput } from '../../lib/core/config';
import { createHandler, type CloudTrailApiCallEvent } from '../../functions/correlator/correlator';
import type { ServiceSettings } from '../../lib/composition';
import { createReconcileHandler } from '../../functions/reconcile/reconcile';
import { createLogger } from '../../functions/shared/logger';
import { installIdempotencyTableFake, type IdempotencyTableFake } from '../adapters/idempotent-table-fake';
import { installS3BucketFake, type S3BucketFake } from '../adapters/s3-bucket-fake';
import { makeEventBridgeEvent, makeWebIdentityRecord } from '../support/fixtures';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';
import { BAD_PIPELINE, GOOD_PIPELINE, goodAndBadPipelines } from '../support/function-gitlab';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:gitlab-oidc-watch-alerts';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab-oidc-watch/gitlab.com-AbCdEf';
const EVENT_ID = '3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f';
const EVENT_DAY_PREFIX = 'decisions/dt=2025-04-16/';
const NOW = new Date('2025-04-16T13:00:00Z');

const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
const cloudTrail = new CloudTrailClient({ region: 'us-east-1' });
const lookup = mockClient(cloudTrail);
let table: IdempotencyTableFake;
let bucket: S3BucketFake;
let standin: GitLabStandin;
let metrics: Metrics;
let published: number;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  standin = await startGitLabStandin({ data: goodAndBadPipelines() });
});

afterAll(async () => {
  await standin.close();
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

beforeEach(() => {
  sns.reset();
  secrets.reset();
  lookup.reset();
  table = installIdempotencyTableFake();
  bucket = installS3BucketFake();
  standin.clearFaults();
  published = 0;
  sns.on(PublishCommand).callsFake(() => {
    published += 1;
    return { MessageId: `msg-${published}` };
  });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: standin.token });
  metrics = createMetrics();
});

afterEach(() => {
  table.mock.restore();
  bucket.mock.restore();
});

function config(extra: Partial<ConfigInput> = {}) {
  return parseConfig({
    trustedIssuers: [
      { issuer: 'https://gitlab.com', apiUrl: standin.apiUrl, lookupTimeoutMs: 1000, maxRetries: 0 },
    ],
    productionRoles: [
      {
        name: 'prod-deploy',
        roleArns: ['arn:aws:iam::*:role/prod-deploy'],
        allowedProjectIds: [4242],
        allowedAudiences: ['https://gitlab.com'],
      },
    ],
    ...extra,
  });
}

const settings: ServiceSettings = {
  alertTopicArn: TOPIC,
  decisionLogBucket: 'gitlab-oidc-watch-decisions-123456789012',
  decisionLogPrefix: 'decisions/',
  idempotencyTable: 'gitlab-oidc-watch-idempotency',
  gitLabTokenSecrets: { 'https://gitlab.com': SECRET_ARN },
  gitLabLookupBudgetMs: 1000,
  gitLabGeneratedTokenIssuers: [],
  logLevel: 'silent',
};

const clients = () => ({
  sns: new SNSClient({ region: 'us-east-1' }),
  s3: new S3Client({ region: 'us-east-1' }),
  dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
  secrets: new SecretsManagerClient({ region: 'us-east-1' }),
});

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'gitlab-oidc-watch-correlator',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:gitlab-oidc-watch-correlator',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    logGroupName: '/aws/lambda/gitlab-oidc-watch-correlator',
    logStreamName: '2025/04/16/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 55_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function correlator() {
  return createHandler({
    config: config(),
    settings,
    clients: clients(),
    logger: createLogger({ level: 'silent' }),
    metrics,
    env: {},
  });
}

function record(pipeline: number, ref: string, eventId = EVENT_ID) {
  return makeWebIdentityRecord({
    eventId,
    roleSessionName: `pipeline-${pipeline}`,
    subject: `project_path:acme/deploy:ref_type:branch:ref:${ref}`,
  });
}

/** A delivery of the same CloudTrail event; EventBridge gives every delivery its own envelope id. */
function delivery(pipeline: number, ref: string, n: number): CloudTrailApiCallEvent {
  return {
    ...(makeEventBridgeEvent(record(pipeline, ref)) as CloudTrailApiCallEvent),
    id: `0d7c3a1e-2b4f-4e6a-9c8d-1e2f3a4b5c${String(n).padStart(2, '0')}`,
  };
}

interface SentMessage {
  readonly subject: string;
  readonly attributes: Record<string, string>;
  readonly email: string;
  readonly https: string;
  readonly json: Record<string, unknown>;
}

function messages(): SentMessage[] {
  return sns.commandCalls(PublishCommand).map((c) => {
    const input = c.args[0].input;
    const message = JSON.parse(input.Message ?? '{}') as { default: string; email: string; https: string };
    return {
      subject: input.Subject ?? '',
      attributes: Object.fromEntries(
        Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
      ),
      email: message.email,
      https: message.https,
      json: JSON.parse(message.default) as Record<string, unknown>,
    };
  });
}

const verdictsInHistory = (): unknown[] => bucket.bodiesUnder(EVENT_DAY_PREFIX).map((b) => b.verdict);

describe('verdict history (issue 9, failure 1)', () => {
  it('keeps the alert and publishes nothing when a redelivery during a GitLab outage cannot verify', async () => {
    await correlator()(delivery(BAD_PIPELINE, 'feature/x', 1), context());
    standin.addFault({ match: /./, kind: 503 });
    // Redelivered to another (cold) container: a warm one would answer from its GitLab cache (issue 12).
    await correlator()(delivery(BAD_PIPELINE, 'feature/x', 2), context());

    // Appended, never overwritten: both evaluations are in the history, the alert first.
    expect(bucket.objects.size).toBe(2);
    expect(new Set(bucket.puts).size).toBe(bucket.puts.length);
    expect(verdictsInHistory().sort()).toEqual(['alert', 'unverified']);
    // One message: the "could not tell" of the redelivery does not contradict the alert people saw.
    expect(messages()).toHaveLength(1);
    expect(messages()[0]?.attributes.verdict).toBe('alert');
  });

  it('publishes an unverified verdict that later resolves to alert as an explicit UPDATE of the first alert', async () => {
    const handler = correlator();
    standin.addFault({ match: /./, kind: 503 });
    await handler(delivery(BAD_PIPELINE, 'feature/x', 1), context());
    standin.clearFaults();
    await handler(delivery(BAD_PIPELINE, 'feature/x', 2), context());
    await handler(delivery(BAD_PIPELINE, 'feature/x', 3), context());

    const sent = messages();
    expect(sent.map((m) => m.attributes.verdict)).toEqual(['unverified', 'alert']);
    const [first, update] = sent;
    expect(first?.attributes).toMatchObject({ kind: 'initial', sequence: '1' });
    expect(update?.attributes).toMatchObject({
      kind: 'update',
      sequence: '2',
      previousVerdict: 'unverified',
    });
    expect(update?.subject).toMatch(/UPDATE/);
    // Every format says it is an update and names the first alert.
    expect(update?.email).toMatch(/UPDATE/);
    expect(update?.email).toContain('msg-1');
    expect(update?.https).toMatch(/UPDATE/);
    expect(update?.json).toMatchObject({
      publication: { kind: 'update', sequence: 2, first: { messageId: 'msg-1' } },
    });
    // Three evaluations, three records; the duplicate third delivery published nothing.
    expect(verdictsInHistory()).toHaveLength(3);
  });

  it('publishes an update when an unverified verdict resolves to ok, routed like the first alert', async () => {
    const handler = correlator();
    standin.addFault({ match: /./, kind: 503 });
    await handler(delivery(GOOD_PIPELINE, 'main', 1), context());
    standin.clearFaults();
    await handler(delivery(GOOD_PIPELINE, 'main', 2), context());

    const sent = messages();
    expect(sent.map((m) => m.attributes.verdict)).toEqual(['unverified', 'ok']);
    // The first alert was routed as critical (the role's severity); its resolution must reach the same subscribers.
    expect(sent.map((m) => m.attributes.severity)).toEqual(['critical', 'critical']);
    expect(sent[1]?.attributes.kind).toBe('update');
  });
});

describe('reconciliation of unverified verdicts (issue 9, failure 2)', () => {
  function lookupEvent(pipeline: number, ref: string): Event {
    const r = record(pipeline, ref);
    return { EventId: r.eventID, EventName: r.eventName, CloudTrailEvent: JSON.stringify(r) };
  }

  function reconciler(reconcile: Record<string, unknown> = {}) {
    return createReconcileHandler({
      config: config({
        deployment: { reconcile: { enabled: true, lookbackHours: 48, regions: ['us-east-1'], ...reconcile } },
      }),
      settings,
      clients: { ...clients(), cloudTrailFor: () => cloudTrail },
      logger: createLogger({ level: 'silent' }),
      metrics,
      env: {},
      now: () => NOW,
      sleep: async () => undefined,
    });
  }

  const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events' } as ScheduledEvent;

  it('re-judges an event whose only verdict is unverified once GitLab answers, and publishes the update', async () => {
    standin.addFault({ match: /./, kind: 503 });
    await correlator()(delivery(BAD_PIPELINE, 'feature/x', 1), context());
    standin.clearFaults();
    lookup.on(LookupEventsCommand).resolves({ Events: [lookupEvent(BAD_PIPELINE, 'feature/x')] });

    const summary = await reconciler()(scheduled, context());

    expect(summary.counts).toMatchObject({ assumptions: 1, dispatched: 1 });
    expect(summary.counts.verdicts).toMatchObject({ alert: 1 });
    expect(verdictsInHistory().sort()).toEqual(['alert', 'unverified']);
    expect(messages().map((m) => m.attributes.kind)).toEqual(['initial', 'update']);
  });
});
