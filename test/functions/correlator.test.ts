/**
 * The correlator end to end: real HTTP to the local GitLab stand-in, AWS SDK clients mocked at the client boundary
 * (SNS, S3, Secrets Manager; DynamoDB behind an in-memory idempotency table that behaves like the real one).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { createMetrics } from '../../lib/adapters/metrics';
import { parseConfig } from '../../lib/core/config';
import type { Verdict } from '../../lib/core/verdict';
import {
  createHandler,
  type CloudTrailApiCallEvent,
  type CorrelatorHandler,
} from '../../functions/correlator/correlator';
import type { ServiceSettings } from '../../lib/composition';
import { createLogger } from '../../functions/shared/logger';
import { installIdempotencyTableFake, type IdempotencyTableFake } from '../adapters/idempotent-table-fake';
import {
  makeEventBridgeEvent,
  makeWebIdentityRecord,
  type WebIdentityRecordOverrides,
} from '../support/fixtures';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:gitlab-oidc-watch-alerts';
const BUCKET = 'gitlab-oidc-watch-decisions-123456789012';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab-oidc-watch/gitlab.com-AbCdEf';
const HOSTILE_BRANCH = 'feature/<!channel>-@here';
const GOOD_PIPELINE = 1234567890;
const BAD_PIPELINE = 1234567891;

const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
let table: IdempotencyTableFake;
let standin: GitLabStandin;
let calls: string[];
let objects: Map<string, string>;
let logLines: string[];
let metrics: Metrics;
let addMetric: jest.SpiedFunction<Metrics['addMetric']>;

beforeAll(async () => {
  // EMF lines would go to stdout; the metric calls themselves are observed through a spy.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  standin = await startGitLabStandin({
    data: {
      projects: [{ id: 4242, path_with_namespace: 'acme/deploy', protected_branches: ['main'] }],
      pipelines: [
        // Pipelines start a few minutes before their job assumes the role (eventTime 2025-04-16T02:46:56Z).
        {
          id: GOOD_PIPELINE,
          project_id: 4242,
          ref: 'main',
          source: 'push',
          status: 'running',
          username: 'alice',
          created_at: '2025-04-16T04:41:03.512+02:00',
        },
        {
          id: BAD_PIPELINE,
          project_id: 4242,
          ref: HOSTILE_BRANCH,
          source: 'push',
          status: 'running',
          username: 'mallory',
          created_at: '2025-04-16T02:43:19.020+00:00',
        },
      ],
    },
  });
});

afterAll(async () => {
  await standin.close();
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

beforeEach(() => {
  calls = [];
  objects = new Map();
  logLines = [];
  sns.reset();
  s3.reset();
  secrets.reset();
  table = installIdempotencyTableFake();
  standin.clearFaults();
  standin.resetRequests();
  sns.on(PublishCommand).callsFake(() => {
    calls.push('sns:Publish');
    return { MessageId: `msg-${calls.length}` };
  });
  s3.on(PutObjectCommand).callsFake((input: { Key?: string; Body?: unknown }) => {
    calls.push('s3:PutObject');
    objects.set(input.Key ?? '', String(input.Body));
    return {};
  });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: standin.token });
  metrics = createMetrics();
  addMetric = jest.spyOn(metrics, 'addMetric');
});

afterEach(() => table.mock.restore());

function settings(overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    alertTopicArn: TOPIC,
    decisionLogBucket: BUCKET,
    decisionLogPrefix: 'decisions/',
    idempotencyTable: 'gitlab-oidc-watch-idempotency',
    gitLabTokenSecrets: { 'https://gitlab.com': SECRET_ARN },
    gitLabLookupBudgetMs: 1500,
    gitLabGeneratedTokenIssuers: [],
    logLevel: 'debug',
    ...overrides,
  };
}

function handlerUnderTest(): CorrelatorHandler {
  const config = parseConfig({
    trustedIssuers: [
      { issuer: 'https://gitlab.com', apiUrl: standin.apiUrl, lookupTimeoutMs: 5000, maxRetries: 2 },
    ],
    productionRoles: [
      {
        name: 'prod-deploy',
        roleArns: ['arn:aws:iam::*:role/prod-deploy'],
        allowedProjectIds: [4242],
        allowedAudiences: ['https://gitlab.com'],
      },
    ],
  });
  return createHandler({
    config,
    settings: settings(),
    clients: {
      sns: new SNSClient({ region: 'us-east-1' }),
      s3: new S3Client({ region: 'us-east-1' }),
      dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
      secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    },
    logger: createLogger({
      level: 'debug',
      destination: { write: (line: string) => void logLines.push(line) },
    }),
    metrics,
    env: {},
  });
}

function lambdaContext(): Context {
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

function event(overrides: WebIdentityRecordOverrides = {}): CloudTrailApiCallEvent {
  return makeEventBridgeEvent(makeWebIdentityRecord(overrides)) as CloudTrailApiCallEvent;
}

const badPipelineEvent = (): CloudTrailApiCallEvent =>
  event({
    roleSessionName: `pipeline-${BAD_PIPELINE}`,
    subject: `project_path:acme/deploy:ref_type:branch:ref:${HOSTILE_BRANCH}`,
  });
const goodPipelineEvent = (): CloudTrailApiCallEvent =>
  event({ roleSessionName: `pipeline-${GOOD_PIPELINE}` });

function published(): {
  subject: string;
  attributes: Record<string, string>;
  message: { default: string; email: string; https: string };
}[] {
  return sns.commandCalls(PublishCommand).map((c) => {
    const input = c.args[0].input;
    return {
      subject: input.Subject ?? '',
      attributes: Object.fromEntries(
        Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
      ),
      message: JSON.parse(input.Message ?? '{}') as { default: string; email: string; https: string },
    };
  });
}

function recordedVerdicts(): Verdict[] {
  return [...objects.values()].map((body) => JSON.parse(body) as Verdict);
}

function metricNames(): string[] {
  return addMetric.mock.calls.map((c) => c[0]);
}

describe('correlator handler', () => {
  it('alerts once on a policy-breaking assumption, with escaped content and filterable attributes, then records it', async () => {
    const handler = handlerUnderTest();
    await expect(handler(badPipelineEvent(), lambdaContext())).resolves.toEqual({
      outcome: 'dispatched',
      eventId: '3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
      verdict: 'alert',
      publication: 'initial',
    });
    expect(calls).toEqual(['sns:Publish', 's3:PutObject']);
    const [alert] = published();
    expect(alert?.attributes).toMatchObject({
      verdict: 'alert',
      severity: 'critical',
      account: '123456789012',
      role: 'arn:aws:iam::123456789012:role/prod-deploy',
    });
    expect(alert?.subject).toMatch(/^\[CRITICAL\] GitLab OIDC ALERT prod-deploy in 123456789012/);
    const chatbot = JSON.parse(alert?.message.https ?? '{}') as { content: { description: string } };
    expect(chatbot.content.description).toContain('&lt;!channel&gt;');
    expect(chatbot.content.description).not.toContain('<!channel>');
    expect(chatbot.content.description).not.toMatch(/(^|[^\u2060])@here/);
    expect(alert?.message.email).toContain('mallory');
    expect(JSON.parse(alert?.message.default ?? '{}')).toMatchObject({
      verdict: 'alert',
      pipeline: { id: BAD_PIPELINE },
    });
    expect([...objects.keys()]).toEqual([
      expect.stringMatching(
        /^decisions\/dt=2025-04-16\/3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f\.[0-9]{8}T[0-9]{9}Z\.alert\.[0-9a-f]{8}\.json$/,
      ),
    ]);
    expect(recordedVerdicts()[0]).toMatchObject({ verdict: 'alert', policy: 'prod-deploy' });
    expect(metricNames()).toContain('Alert');
  });

  it('does not alert again when the same CloudTrail event is delivered twice', async () => {
    const handler = handlerUnderTest();
    await handler(badPipelineEvent(), lambdaContext());
    const again = { ...badPipelineEvent(), id: '0d7c3a1e-2b4f-4e6a-9c8d-1e2f3a4b5c6d' };
    await expect(handler(again, lambdaContext())).resolves.toMatchObject({
      outcome: 'dispatched',
      verdict: 'alert',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(table.idsWith('COMPLETED')).toHaveLength(1);
    expect(logLines.join('')).toContain('nothing new to tell responders');
  });

  it.each([
    ['answers 503', { kind: 503 as const }],
    ['hangs', { kind: 'hang' as const }],
  ])('ends as one unverified alert and a recorded verdict when GitLab %s', async (_label, fault) => {
    standin.addFault({ match: /pipelines/, ...fault });
    const handler = handlerUnderTest();
    // A protected-branch assumption that would be ok, if GitLab could confirm the pipeline.
    await expect(handler(goodPipelineEvent(), lambdaContext())).resolves.toMatchObject({
      verdict: 'unverified',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(published()[0]?.attributes.verdict).toBe('unverified');
    expect(published()[0]?.message.email).toContain('NOT a clean result');
    const [verdict] = recordedVerdicts();
    expect(verdict?.verdict).toBe('unverified');
    expect(verdict?.findings.map((f) => f.code)).toContain('GITLAB_UNAVAILABLE');
    // The adapter retried within its deadline before giving up (the ref's pipelines list is asked first).
    expect(standin.requests.filter((r) => r.path.includes('/pipelines')).length).toBeGreaterThan(1);
    expect(metricNames()).toEqual(expect.arrayContaining(['Unverified', 'GitLabRequests', 'GitLabFailures']));
  });

  it('reports a malformed event, records nothing and returns without throwing', async () => {
    const record = makeWebIdentityRecord();
    const broken = { ...record, requestParameters: { roleSessionName: 'pipeline-1' } };
    const handler = handlerUnderTest();
    const outcome = await handler(makeEventBridgeEvent(broken) as CloudTrailApiCallEvent, lambdaContext());
    expect(outcome.outcome).toBe('malformed');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
    expect(table.items.size).toBe(0);
    expect(metricNames().filter((n) => n !== 'SelfCheckFailures')).toEqual(['MalformedEvents']);
    const errorLine = logLines
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .find((l) => l.level === 'error');
    expect(errorLine?.msg).toBe('malformed event dropped');
  });

  it('reports an event that is not a CloudTrail API call as malformed', async () => {
    const notOurs = {
      ...goodPipelineEvent(),
      'detail-type': 'Scheduled Event',
    } as unknown as CloudTrailApiCallEvent;
    await expect(handlerUnderTest()(notOurs, lambdaContext())).resolves.toMatchObject({
      outcome: 'malformed',
    });
    expect(metricNames().filter((n) => n !== 'SelfCheckFailures')).toEqual(['MalformedEvents']);
  });

  it('skips other CloudTrail event names without recording', async () => {
    const record = makeWebIdentityRecord();
    record.eventName = 'AssumeRole';
    const outcome = await handlerUnderTest()(
      makeEventBridgeEvent(record) as CloudTrailApiCallEvent,
      lambdaContext(),
    );
    expect(outcome).toEqual({ outcome: 'skipped', eventName: 'AssumeRole' });
    expect(objects.size).toBe(0);
  });

  it('throws when SNS fails, records nothing, and publishes on the retry', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Internal error'), { name: 'InternalErrorException' }));
    const handler = handlerUnderTest();
    await expect(handler(badPipelineEvent(), lambdaContext())).rejects.toMatchObject({
      name: 'PublishError',
    });
    expect(objects.size).toBe(0);
    expect(table.items.size).toBe(0);

    sns.on(PublishCommand).resolves({ MessageId: 'msg-retry' });
    await expect(handler(badPipelineEvent(), lambdaContext())).resolves.toMatchObject({ verdict: 'alert' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(table.idsWith('COMPLETED')).toHaveLength(1);
    expect(recordedVerdicts()).toHaveLength(1);
  });

  it('records an ok verdict and publishes nothing', async () => {
    await expect(handlerUnderTest()(goodPipelineEvent(), lambdaContext())).resolves.toMatchObject({
      verdict: 'ok',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    // No idempotency record; only the standing, so that a later delivery GitLab cannot verify does not alert over it.
    expect(table.idsWith('COMPLETED')).toHaveLength(0);
    expect(table.items.size).toBe(1);
    expect(recordedVerdicts()).toEqual([expect.objectContaining({ verdict: 'ok', findings: [] })]);
    expect(metricNames()).toContain('Ok');
  });

  it('reads the GitLab token from Secrets Manager once per five minutes and never logs it', async () => {
    const handler = handlerUnderTest();
    await handler(goodPipelineEvent(), lambdaContext());
    await handler(badPipelineEvent(), lambdaContext());
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(standin.requests.every((r) => r.status !== 401)).toBe(true);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(standin.token);
  });

  it('keeps its GitLab cache across the events of a warm container: a 20-job burst asks GitLab once per fact', async () => {
    const handler = handlerUnderTest();
    for (let job = 0; job < 20; job += 1) {
      const delivery = makeEventBridgeEvent(
        makeWebIdentityRecord({
          eventId: `burst-${job}`,
          roleSessionName: `pipeline-${GOOD_PIPELINE}`,
        }),
      ) as CloudTrailApiCallEvent;
      await expect(handler(delivery, lambdaContext())).resolves.toMatchObject({ verdict: 'ok' });
    }
    // The first event's lookups (project, the ref's pipelines, protected branches) are answered from the cache for
    // the other 19. The pipeline is still running, so its jobs are asked for each event (issue 8: a job that started
    // a second ago may be the one that minted the token; a running pipeline's jobs are never served from the cache).
    const jobs = standin.requests.filter((r) => r.path.includes('/jobs')).length;
    expect(jobs).toBe(20);
    expect(standin.requestCount() - jobs).toBeLessThanOrEqual(0.3 * 20);
    // A new container starts with an empty cache.
    standin.resetRequests();
    await handlerUnderTest()(goodPipelineEvent(), lambdaContext());
    expect(standin.requestCount()).toBeGreaterThan(0);
  });

  it('retries the event when the token secret cannot be read', async () => {
    secrets.reset();
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(handlerUnderTest()(badPipelineEvent(), lambdaContext())).rejects.toMatchObject({
      name: 'SecretReadError',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(objects.size).toBe(0);
  });
});
