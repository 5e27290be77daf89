/**
 * The correlator's answer to `oidc-watch smoke`, and why a synthetic event cannot forge a verdict: real HTTP to the
 * local GitLab stand-in, AWS SDK clients mocked at the client boundary.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { createMetrics } from '../../lib/adapters/metrics';
import { parseConfig } from '../../lib/core/config';
import { SMOKE_DETAIL_TYPE, SMOKE_SOURCE } from '../../lib/core/smoke';
import {
  createHandler,
  type CloudTrailApiCallEvent,
  type CorrelatorHandler,
} from '../../functions/correlator/correlator';
import { createLogger } from '../../functions/shared/logger';
import { installIdempotencyTableFake, type IdempotencyTableFake } from '../adapters/idempotent-table-fake';
import { makeEventBridgeEvent, makeWebIdentityRecord } from '../support/fixtures';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab-oidc-watch/gitlab.com-AbCdEf';
const SMOKE_ID = '0f8e2d4c-1b3a-4c5d-8e9f-a0b1c2d3e4f5';

const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
const securityHub = mockClient(SecurityHubClient);
let table: IdempotencyTableFake;
let standin: GitLabStandin;
let objects: Map<string, string>;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  standin = await startGitLabStandin({
    data: {
      projects: [{ id: 4242, path_with_namespace: 'acme/deploy', protected_branches: ['main'] }],
      pipelines: [],
    },
  });
});

afterAll(async () => {
  await standin.close();
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

beforeEach(() => {
  objects = new Map();
  sns.reset();
  s3.reset();
  secrets.reset();
  table = installIdempotencyTableFake();
  standin.clearFaults();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  s3.on(PutObjectCommand).callsFake((input: { Key?: string; Body?: unknown }) => {
    objects.set(input.Key ?? '', String(input.Body));
    return {};
  });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: standin.token });
});

afterEach(() => table.mock.restore());

function handlerUnderTest(
  roleArns = ['arn:aws:iam::*:role/prod-deploy'],
  securityHubProductArn?: string,
): CorrelatorHandler {
  const config = parseConfig({
    trustedIssuers: [
      { issuer: 'https://gitlab.com', apiUrl: standin.apiUrl, lookupTimeoutMs: 3000, maxRetries: 0 },
    ],
    productionRoles: [
      { name: 'prod-deploy', roleArns, allowedProjectIds: [4242], allowedAudiences: ['https://gitlab.com'] },
    ],
  });
  return createHandler({
    config,
    settings: {
      alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      decisionLogBucket: 'decisions-bucket',
      decisionLogPrefix: 'decisions/',
      idempotencyTable: 'idempotency',
      gitLabTokenSecrets: { 'https://gitlab.com': SECRET_ARN },
      gitLabLookupBudgetMs: 3000,
      logLevel: 'error',
      securityHubProductArn,
      gitLabGeneratedTokenIssuers: [],
    },
    clients: {
      sns: new SNSClient({ region: 'us-east-1' }),
      s3: new S3Client({ region: 'us-east-1' }),
      dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
      secrets: new SecretsManagerClient({ region: 'us-east-1' }),
      securityHub: new SecurityHubClient({ region: 'us-east-1' }),
    },
    logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
    metrics: createMetrics(),
    env: {},
    now: () => new Date('2026-11-20T10:00:05Z'),
  });
}

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'gitlab-oidc-watch-correlator',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:gitlab-oidc-watch-correlator',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  logGroupName: '/aws/lambda/gitlab-oidc-watch-correlator',
  logStreamName: '2026/11/20/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 55_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

function smokeEvent(detail: Record<string, unknown> = {}): CloudTrailApiCallEvent {
  return {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': SMOKE_DETAIL_TYPE,
    source: SMOKE_SOURCE,
    account: '123456789012',
    time: '2026-11-20T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: { smokeTestId: SMOKE_ID, requestedAt: '2026-11-20T10:00:00.000Z', ...detail },
  } as unknown as CloudTrailApiCallEvent;
}

function stored(key: string): Record<string, unknown> {
  const body = objects.get(key);
  if (body === undefined) throw new Error(`nothing at ${key}; have ${[...objects.keys()].join(', ')}`);
  return JSON.parse(body) as Record<string, unknown>;
}

describe('correlator smoke events', () => {
  it('judges the synthetic assumption, probes GitLab with the stack token and writes the answer under smoke/ only', async () => {
    const outcome = await handlerUnderTest()(smokeEvent(), context);

    expect(outcome).toEqual({ outcome: 'smoke', smokeTestId: SMOKE_ID });
    expect([...objects.keys()]).toEqual([`smoke/${SMOKE_ID}.json`]);
    const answer = stored(`smoke/${SMOKE_ID}.json`);
    expect(answer).toMatchObject({
      kind: 'smoke-test',
      smokeTestId: SMOKE_ID,
      account: '123456789012',
      region: 'eu-west-1',
      receivedAt: '2026-11-20T10:00:05.000Z',
      verdict: {
        eventId: `smoke-${SMOKE_ID}`,
        roleArn: 'arn:aws:iam::123456789012:role/gitlab-oidc-watch-smoke-test',
        verdict: 'ignored',
      },
      gitlab: [
        { issuer: 'https://gitlab.com', projectId: 4242, status: 'reachable', detail: 'project acme/deploy' },
      ],
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('records a GitLab that cannot answer as unavailable, so the operator sees the token or network problem', async () => {
    standin.addFault({ match: '/projects/4242', kind: 503 });

    await handlerUnderTest()(smokeEvent(), context);

    expect(stored(`smoke/${SMOKE_ID}.json`)).toMatchObject({
      gitlab: [{ issuer: 'https://gitlab.com', status: 'unavailable' }],
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('never alerts on a smoke event, even when a too-wide roleArns glob makes the synthetic role "production"', async () => {
    await handlerUnderTest(['arn:aws:iam::*:role/*'])(smokeEvent(), context);

    expect(stored(`smoke/${SMOKE_ID}.json`)).toMatchObject({ verdict: { verdict: 'alert' } });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect([...objects.keys()].some((k) => k.startsWith('decisions/'))).toBe(false);
  });

  it('drops a smoke event that smuggles anything besides its id and time (a CloudTrail record, say)', async () => {
    const smuggled = smokeEvent({ eventName: 'AssumeRoleWithWebIdentity', userIdentity: { userName: 'x' } });

    const outcome = await handlerUnderTest()(smuggled, context);

    expect(outcome).toMatchObject({ outcome: 'malformed' });
    expect(objects.size).toBe(0);
  });

  it('drops a smoke event whose id is not a UUID (it becomes an S3 key)', async () => {
    const outcome = await handlerUnderTest()(
      smokeEvent({ smokeTestId: '../decisions/dt=2026-11-20/x' }),
      context,
    );

    expect(outcome).toMatchObject({ outcome: 'malformed' });
    expect(objects.size).toBe(0);
  });

  it('refuses a CloudTrail-shaped event from any source but aws.sts: only AWS can put that source', async () => {
    const forged = { ...makeEventBridgeEvent(makeWebIdentityRecord()), source: SMOKE_SOURCE };

    const outcome = await handlerUnderTest()(forged as CloudTrailApiCallEvent, context);

    expect(outcome).toMatchObject({ outcome: 'malformed' });
    expect(objects.size).toBe(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('correlator with deployment.securityHub enabled', () => {
  const PRODUCT = 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default';

  beforeEach(() => {
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
  });

  it('imports an alert as one finding after the SNS alert, and a duplicate delivery imports nothing more', async () => {
    const handler = handlerUnderTest(undefined, PRODUCT);
    const probe = makeEventBridgeEvent(
      makeWebIdentityRecord({
        error: { code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' },
      }),
    ) as CloudTrailApiCallEvent;

    await handler(probe, context);
    await handler(probe, context);

    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    const imports = securityHub.commandCalls(BatchImportFindingsCommand);
    expect(imports).toHaveLength(1);
    expect(imports[0]?.args[0].input.Findings?.[0]).toMatchObject({
      ProductArn: PRODUCT,
      AwsAccountId: '123456789012',
      GeneratorId: 'gitlab-oidc-watch/verdict',
      ProductFields: expect.objectContaining({ 'gitlab-oidc-watch/findingCodes': 'ASSUME_ROLE_FAILED' }),
    });
  });

  it('exports nothing without the product ARN setting (the stack leaves it unset when the switch is off)', async () => {
    const probe = makeEventBridgeEvent(
      makeWebIdentityRecord({ error: { code: 'AccessDenied', message: 'denied' } }),
    ) as CloudTrailApiCallEvent;

    await handlerUnderTest()(probe, context);

    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });
});
