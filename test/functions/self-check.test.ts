/**
 * Issue 9, failures 3 and 4 (the token parts), through the correlator handler: the placeholder the stack stores in a
 * new token secret makes verdicts say that the token is not set (and is never sent to GitLab); the set-up self-check
 * runs at init and is recorded as the SelfCheckFailures metric; GitLab refusing the token (401/403) is counted as
 * GitLabAuthFailures, apart from unavailability. Real HTTP to the GitLab stand-in.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type ServiceSettings, runSelfCheck } from '../../lib/composition';
import { createMetrics } from '../../lib/adapters/metrics';
import { parseConfig } from '../../lib/core/config';
import { createHandler, type CloudTrailApiCallEvent } from '../../functions/correlator/correlator';
import { createLogger } from '../../functions/shared/logger';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';
import { installIdempotencyTableFake, type IdempotencyTableFake } from '../adapters/idempotent-table-fake';
import { installS3BucketFake, type S3BucketFake } from '../adapters/s3-bucket-fake';
import { makeEventBridgeEvent, makeWebIdentityRecord } from '../support/fixtures';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:GitLabTokensgitlabcom-AbCdEf';
/** What Secrets Manager's GenerateSecretString (32 characters, no punctuation) gave the stack's new secret. */
const PLACEHOLDER = 'Q7rTz0pLk3VbN8wXc2YhJ5mDs9FgA1eU';
const PIPELINE = 1234567890;

const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
let table: IdempotencyTableFake;
let bucket: S3BucketFake;
let standin: GitLabStandin;
let metrics: Metrics;
let addMetric: jest.SpiedFunction<Metrics['addMetric']>;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  standin = await startGitLabStandin({
    data: {
      projects: [{ id: 4242, path_with_namespace: 'acme/deploy', protected_branches: ['main'] }],
      pipelines: [
        {
          id: PIPELINE,
          project_id: 4242,
          ref: 'main',
          source: 'push',
          status: 'running',
          username: 'alice',
          created_at: '2025-04-16T02:41:03.512+00:00',
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
  sns.reset();
  secrets.reset();
  table = installIdempotencyTableFake();
  bucket = installS3BucketFake();
  standin.resetRequests();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  metrics = createMetrics();
  addMetric = jest.spyOn(metrics, 'addMetric');
});

afterEach(() => {
  table.mock.restore();
  bucket.mock.restore();
});

function config(pinned: number[] = [4242]) {
  return parseConfig({
    trustedIssuers: [
      { issuer: 'https://gitlab.com', apiUrl: standin.apiUrl, lookupTimeoutMs: 2000, maxRetries: 0 },
    ],
    productionRoles: [
      {
        name: 'prod-deploy',
        roleArns: ['arn:aws:iam::*:role/prod-deploy'],
        allowedProjectIds: pinned,
        allowedAudiences: ['https://gitlab.com'],
      },
    ],
  });
}

const settings: ServiceSettings = {
  alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:gitlab-oidc-watch-alerts',
  decisionLogBucket: 'gitlab-oidc-watch-decisions-123456789012',
  decisionLogPrefix: 'decisions/',
  idempotencyTable: 'gitlab-oidc-watch-idempotency',
  gitLabTokenSecrets: { 'https://gitlab.com': SECRET_ARN },
  gitLabLookupBudgetMs: 2000,
  logLevel: 'silent',
  gitLabGeneratedTokenIssuers: ['https://gitlab.com'],
};

function handler(pinned?: number[]) {
  return createHandler({
    config: config(pinned),
    settings,
    clients: {
      sns: new SNSClient({ region: 'us-east-1' }),
      s3: new S3Client({ region: 'us-east-1' }),
      dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
      secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    },
    logger: createLogger({ level: 'silent' }),
    metrics,
    env: {},
  });
}

const context = {
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  getRemainingTimeInMillis: () => 55_000,
} as Context;
const event = () =>
  makeEventBridgeEvent(
    makeWebIdentityRecord({ roleSessionName: `pipeline-${PIPELINE}` }),
  ) as CloudTrailApiCallEvent;

function metric(name: string): number[] {
  return addMetric.mock.calls.filter((c) => c[0] === name).map((c) => c[2]);
}

function recorded(): { verdict: string; findings: { code: string; message: string }[] }[] {
  return bucket.bodiesUnder('decisions/') as never;
}

describe('the GitLab token between deploy and put-secret-value', () => {
  it('makes verdicts say that the token is not set, and never sends the placeholder', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: PLACEHOLDER });

    await handler()(event(), context);

    const [verdict] = recorded();
    expect(verdict?.verdict).toBe('unverified');
    const messages = (verdict?.findings ?? []).map((f) => f.message).join('\n');
    expect(messages).toContain('the GitLab token for https://gitlab.com is not set');
    expect(messages).toContain(`put-secret-value --secret-id ${SECRET_ARN}`);
    // Not one lookup or probe went out with the placeholder as a token.
    expect(standin.requests).toEqual([]);
    expect(metric('SelfCheckFailures')).toEqual([1]);
  });

  it('records a healthy self-check as 0 once a token is stored, and judges normally', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: standin.token });

    const h = handler();
    await h(event(), context);
    await h(event(), context);

    expect(recorded().map((v) => v.verdict)).toEqual(['ok', 'ok']);
    // Once per container, not per invocation.
    expect(metric('SelfCheckFailures')).toEqual([0]);
  });

  it('fails the self-check when a pinned project is not visible to the token', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: standin.token });
    await handler([4242, 777])(event(), context);
    expect(metric('SelfCheckFailures')).toEqual([1]);
  });
});

describe('GitLab refusing the token', () => {
  it('is counted as GitLabAuthFailures, apart from unavailability', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'glpat-revoked0000000000000' });

    await handler()(event(), context);

    expect(recorded()[0]?.verdict).toBe('unverified');
    const [auth] = metric('GitLabAuthFailures');
    const [failures] = metric('GitLabFailures');
    expect(auth).toBeGreaterThan(0);
    expect(auth).toBe(failures);
    expect(metric('SelfCheckFailures')).toEqual([1]);
  });
});

describe('runSelfCheck (shared with oidc-watch doctor)', () => {
  it('reports each problem with what to do', async () => {
    const report = await runSelfCheck(config([4242, 777]), {
      env: { GITLAB_TOKEN: standin.token },
      timeoutMs: 2000,
    });
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'PROJECT_NOT_VISIBLE', level: 'error', issuer: 'https://gitlab.com' }),
    ]);
    expect(report.findings[0]?.message).toContain('pinned project 777');
    expect(report.healthyIssuers).toEqual([]);
  });

  it('says the token lacks read_api when GitLab reports other scopes', async () => {
    const narrow = await startGitLabStandin({
      data: {
        projects: [{ id: 4242, path_with_namespace: 'acme/deploy' }],
        pipelines: [],
        tokenScopes: ['read_user'],
      },
    });
    try {
      const c = parseConfig({
        ...config(),
        trustedIssuers: [{ issuer: 'https://gitlab.com', apiUrl: narrow.apiUrl }],
      });
      const report = await runSelfCheck(c, { env: { GITLAB_TOKEN: narrow.token }, timeoutMs: 2000 });
      expect(report.findings.map((f) => f.code)).toEqual(['TOKEN_SCOPE']);
    } finally {
      await narrow.close();
    }
  });
});
