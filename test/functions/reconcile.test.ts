/**
 * The scheduled reconciliation end to end: LookupEvents and S3 mocked at the client boundary, the idempotency table
 * in memory, real HTTP to the local GitLab stand-in. Only events missing from the decision log are judged.
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
import { parseConfig } from '../../lib/core/config';
import { decisionHistoryPrefix } from '../../lib/core/ports';
import {
  createReconcileHandler,
  ReconcileIncompleteError,
  SETTLE_MINUTES,
} from '../../functions/reconcile/reconcile';
import { createLogger } from '../../functions/shared/logger';
import { installIdempotencyTableFake, type IdempotencyTableFake } from '../adapters/idempotent-table-fake';
import { installS3BucketFake, type S3BucketFake } from '../adapters/s3-bucket-fake';
import { makeWebIdentityRecord } from '../support/fixtures';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';
import { BAD_PIPELINE, GOOD_PIPELINE, goodAndBadPipelines } from '../support/function-gitlab';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:gitlab-oidc-watch-alerts';
const BUCKET = 'gitlab-oidc-watch-decisions-123456789012';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab-oidc-watch/gitlab.com-AbCdEf';
const NOW = new Date('2025-04-16T13:00:00Z');

const JUDGED = '11111111-1111-4111-8111-111111111111';
const MISSED_BAD = '22222222-2222-4222-8222-222222222222';
const MISSED_GOOD = '33333333-3333-4333-8333-333333333333';

const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
const cloudTrail = new CloudTrailClient({ region: 'us-east-1' });
const lookup = mockClient(cloudTrail);
let table: IdempotencyTableFake;
let standin: GitLabStandin;
let bucket: S3BucketFake;
let objects: Map<string, string>;
let metrics: Metrics;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  standin = await startGitLabStandin({ data: goodAndBadPipelines() });
});

afterAll(async () => {
  await standin.close();
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

function lookupEvent(eventId: string, pipeline: number, ref: string): Event {
  const record = makeWebIdentityRecord({
    eventId,
    roleSessionName: `pipeline-${pipeline}`,
    subject: `project_path:acme/deploy:ref_type:branch:ref:${ref}`,
  });
  return { EventId: eventId, EventName: record.eventName, CloudTrailEvent: JSON.stringify(record) };
}

beforeEach(() => {
  sns.reset();
  secrets.reset();
  lookup.reset();
  table = installIdempotencyTableFake();
  // JUDGED has a verdict in the layout before histories (one object per event): it still counts as judged.
  bucket = installS3BucketFake([[`decisions/dt=2025-04-16/${JUDGED}.json`, '{"verdict":"ok"}\n']]);
  objects = bucket.objects;
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: standin.token });
  lookup.on(LookupEventsCommand).resolves({
    Events: [
      lookupEvent(JUDGED, GOOD_PIPELINE, 'main'),
      lookupEvent(MISSED_BAD, BAD_PIPELINE, 'feature/x'),
      lookupEvent(MISSED_GOOD, GOOD_PIPELINE, 'main'),
    ],
  });
  metrics = createMetrics();
});

afterEach(() => {
  table.mock.restore();
  bucket.mock.restore();
});

function handler() {
  const config = parseConfig({
    trustedIssuers: [
      { issuer: 'https://gitlab.com', apiUrl: standin.apiUrl, lookupTimeoutMs: 5000, maxRetries: 1 },
    ],
    productionRoles: [
      {
        name: 'prod-deploy',
        roleArns: ['arn:aws:iam::*:role/prod-deploy'],
        allowedProjectIds: [4242],
        allowedAudiences: ['https://gitlab.com'],
      },
    ],
    deployment: { reconcile: { enabled: true, lookbackHours: 48, regions: ['us-east-1'] } },
  });
  return createReconcileHandler({
    config,
    settings: {
      alertTopicArn: TOPIC,
      decisionLogBucket: BUCKET,
      decisionLogPrefix: 'decisions/',
      idempotencyTable: 'gitlab-oidc-watch-idempotency',
      gitLabTokenSecrets: { 'https://gitlab.com': SECRET_ARN },
      gitLabLookupBudgetMs: 5000,
      gitLabGeneratedTokenIssuers: [],
      logLevel: 'silent',
    },
    clients: {
      sns: new SNSClient({ region: 'us-east-1' }),
      s3: new S3Client({ region: 'us-east-1' }),
      dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
      secrets: new SecretsManagerClient({ region: 'us-east-1' }),
      cloudTrailFor: () => cloudTrail,
    },
    logger: createLogger({ level: 'silent' }),
    metrics,
    env: {},
    now: () => NOW,
    sleep: async () => undefined,
  });
}

const scheduled = {
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: NOW.toISOString(),
} as ScheduledEvent;

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'gitlab-oidc-watch-reconcile',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:gitlab-oidc-watch-reconcile',
    memoryLimitInMB: '512',
    awsRequestId: 'd7bf0bd7-8c72-42f7-8b52-a4f9efbeef01',
    logGroupName: '/aws/lambda/gitlab-oidc-watch-reconcile',
    logStreamName: '2025/04/16/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 55_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('reconcile handler', () => {
  it('judges only the events missing from the decision log and alerts on the bad one', async () => {
    const summary = await handler()(scheduled, context());

    expect(summary.counts).toMatchObject({ assumptions: 3, alreadyJudged: 1, dispatched: 2, failed: 0 });
    expect(summary.counts.verdicts).toMatchObject({ alert: 1, ok: 1 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const bad = decisionHistoryPrefix('decisions/', MISSED_BAD, '2025-04-16T02:46:56Z');
    const good = decisionHistoryPrefix('decisions/', MISSED_GOOD, '2025-04-16T02:46:56Z');
    expect(bucket.bodiesUnder(bad)).toHaveLength(1);
    expect(bucket.bodiesUnder(good)).toHaveLength(1);
    expect(bucket.bodiesUnder(bad)[0]).toMatchObject({
      verdict: 'alert',
    });
  });

  it('looks back lookbackHours and leaves the last minutes to the live path', async () => {
    const summary = await handler()(scheduled, context());

    const input = lookup.commandCalls(LookupEventsCommand)[0]?.args[0].input;
    expect(input?.StartTime).toEqual(new Date(NOW.getTime() - 48 * 3600_000));
    expect(input?.EndTime).toEqual(new Date(NOW.getTime() - SETTLE_MINUTES * 60_000));
    expect(summary.window.end).toBe(new Date(NOW.getTime() - SETTLE_MINUTES * 60_000).toISOString());
  });

  it('fails the invocation when an alert cannot be published, and records nothing for that event', async () => {
    sns.on(PublishCommand).rejects(new Error('KMSAccessDeniedException'));

    await expect(handler()(scheduled, context())).rejects.toBeInstanceOf(ReconcileIncompleteError);
    expect([...objects.keys()].some((k) => k.includes(MISSED_BAD))).toBe(false);
  });
});
