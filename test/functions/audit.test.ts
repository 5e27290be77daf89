import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_GITLAB, demoConfig } from '../../examples/demo/scenarios';
import { AuditIncompleteError, createAuditHandler } from '../../functions/audit/audit';
import { createSecurityHubSink } from '../../lib/adapters/security-hub';
import { readAuditSettings } from '../../functions/audit/settings';
import { parseConfig } from '../../lib/core/config';
import { silentLogger } from '../../lib/core/logger';
import type { RoleSourceItem } from '../../lib/core/trust-policy/source';
import { parseAuthorizationDetails } from '../../lib/sources/iam-authorization-details';
import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';

const SAMPLE = join(__dirname, '..', '..', 'examples', 'audit', 'account-123456789012.json');
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const securityHub = mockClient(SecurityHubClient);
const PRODUCT_ARN = 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:GitLabOidcWatch-AlertTopic';

let gitlab: GitLabStandin;
let objects: Map<string, string>;

function items(extra: RoleSourceItem[] = []): () => Promise<AsyncIterable<RoleSourceItem>> {
  const roles = parseAuthorizationDetails(readFileSync(SAMPLE, 'utf8'), 'iam:123456789012');
  return async () =>
    (async function* () {
      yield* roles;
      yield* extra;
    })();
}

function handler(
  roles: ReturnType<typeof items>,
  now = new Date('2026-11-21T04:41:00Z'),
  exportToSecurityHub = false,
) {
  return createAuditHandler({
    config: parseConfig(demoConfig(gitlab.apiUrl)),
    settings: readAuditSettings({
      ALERT_TOPIC_ARN: TOPIC,
      AUDIT_BUCKET: 'decision-log-bucket',
      AUDIT_PREFIX: 'audit/',
      GITLAB_TOKEN_SECRETS: '{}',
      GITLAB_LOOKUP_BUDGET_MS: '5000',
      ...(exportToSecurityHub ? { SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN } : {}),
    }),
    s3: new S3Client({}),
    sns: new SNSClient({}),
    roles,
    readSecret: () => Promise.reject(new Error('no secrets in this test')),
    logger: silentLogger,
    env: { GITLAB_TOKEN: gitlab.token },
    now: () => now,
    ...(exportToSecurityHub ? { securityHub: createSecurityHubSink(new SecurityHubClient({})) } : {}),
  });
}

beforeAll(async () => {
  gitlab = await startGitLabStandin({ data: DEMO_GITLAB });
});
afterAll(async () => gitlab.close());

beforeEach(() => {
  s3.reset();
  sns.reset();
  securityHub.reset();
  securityHub
    .on(BatchImportFindingsCommand)
    .resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
  objects = new Map();
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string }) => {
    objects.set(input.Key, input.Body);
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (body === undefined)
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    // The part of the SDK's stream body the store uses.
    return { Body: { transformToString: () => Promise.resolve(body) } };
  });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('scheduled trust-policy audit', () => {
  it('first run: writes the report, publishes every role with findings, stores the state', async () => {
    const summary = await handler(items())();
    expect(summary).toMatchObject({ roles: 9, audited: 7, exposed: 5, published: 6, errors: 0 });
    expect(summary.reportKey).toBe('audit/reports/dt=2026-11-21/2026-11-21T04-41-00-000Z.jsonl');
    expect(objects.get(summary.reportKey)?.trim().split('\n')).toHaveLength(7);
    expect(
      Object.keys(JSON.parse(objects.get('audit/state/findings.json') ?? '{}') as object).length,
    ).toBeGreaterThan(10);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 6);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: 'oidc-watch audit: exposed role prod-payments-deployer',
      MessageStructure: 'json',
      MessageAttributes: expect.objectContaining({
        severity: { DataType: 'String', StringValue: 'critical' },
        verdict: { DataType: 'String', StringValue: 'audit' },
      }),
    });
  });

  it('second run with nothing changed publishes nothing', async () => {
    await handler(items())();
    sns.resetHistory();
    const summary = await handler(items(), new Date('2026-11-22T04:41:00Z'))();
    expect(summary.published).toBe(0);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('publishes only the new or changed findings of a role', async () => {
    await handler(items())();
    const state = JSON.parse(objects.get('audit/state/findings.json') ?? '{}') as Record<string, string>;
    const key = Object.keys(state).find((k) =>
      k.startsWith('arn:aws:iam::123456789012:role/prod-deploy|SUB_ADMITS_ANY_REF'),
    );
    expect(key).toBeDefined();
    if (key) state[key] = 'high|an older message';
    objects.set('audit/state/findings.json', JSON.stringify(state));
    sns.resetHistory();
    await handler(items())();
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const structure = JSON.parse(String(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message)) as {
      default: string;
    };
    const message = JSON.parse(structure.default) as { roleName: string; newFindings: { code: string }[] };
    expect(message.roleName).toBe('prod-deploy');
    expect(message.newFindings.map((f) => f.code)).toEqual(['SUB_ADMITS_ANY_REF']);
  });

  it('fails the run when an account could not be read, after publishing what it could judge', async () => {
    const run = handler(
      items([{ kind: 'error', source: 'iam:222222222222', message: 'AccessDenied: not authorized' }]),
    );
    await expect(run()).rejects.toThrow(AuditIncompleteError);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 6);
    expect(objects.has('audit/state/findings.json')).toBe(true);
  });

  it('does not store the state when publishing fails, so the next run publishes again', async () => {
    sns.on(PublishCommand).rejects(new Error('KMS key disabled'));
    await expect(handler(items())()).rejects.toThrow('could not publish');
    expect(objects.has('audit/state/findings.json')).toBe(false);
  });

  it('without deployment.securityHub exports nothing', async () => {
    const summary = await handler(items())();
    expect(summary.exported).toBe(0);
    expect(securityHub).not.toHaveReceivedCommand(BatchImportFindingsCommand);
  });

  describe('Security Hub export (deployment.securityHub)', () => {
    function imported(): { Id?: string; RecordState?: string; Workflow?: { Status?: string } }[] {
      return securityHub
        .commandCalls(BatchImportFindingsCommand)
        .flatMap((c) => c.args[0].input.Findings ?? []);
    }

    it('imports one finding per role and code, with the same ids on the next run', async () => {
      const summary = await handler(items(), undefined, true)();
      const first = imported();
      expect(summary.exported).toBe(first.length);
      expect(first.length).toBeGreaterThan(5);
      expect(new Set(first.map((f) => f.Id)).size).toBe(first.length);
      expect(first.every((f) => f.RecordState === 'ACTIVE')).toBe(true);
      expect(first).toContainEqual(
        expect.objectContaining({
          Id: 'gitlab-oidc-watch/trust-policy-audit/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fprod-deploy/SUB_ADMITS_ANY_REF',
          ProductArn: PRODUCT_ARN,
          Resources: [
            expect.objectContaining({ Type: 'AwsIamRole', Id: 'arn:aws:iam::123456789012:role/prod-deploy' }),
          ],
          Remediation: { Recommendation: expect.objectContaining({ Text: expect.any(String) }) },
        }),
      );
      securityHub.resetHistory();
      await handler(items(), new Date('2026-11-22T04:41:00Z'), true)();
      expect(imported().map((f) => f.Id)).toEqual(first.map((f) => f.Id));
    });

    it('archives and resolves the findings of the last run that are gone', async () => {
      await handler(items(), undefined, true)();
      const state = JSON.parse(objects.get('audit/state/findings.json') ?? '{}') as Record<string, string>;
      const gone = 'arn:aws:iam::123456789012:role/removed-role|SUB_CONDITION_MISSING|0';
      objects.set(
        'audit/state/findings.json',
        JSON.stringify({ ...state, [gone]: 'critical|no sub condition' }),
      );
      securityHub.resetHistory();
      await handler(items(), new Date('2026-11-22T04:41:00Z'), true)();
      const archived = imported().filter((f) => f.RecordState === 'ARCHIVED');
      expect(archived).toEqual([
        expect.objectContaining({
          Id: 'gitlab-oidc-watch/trust-policy-audit/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fremoved-role/SUB_CONDITION_MISSING',
          Workflow: { Status: 'RESOLVED' },
          Severity: expect.objectContaining({ Label: 'CRITICAL' }),
        }),
      ]);
    });

    it('archives nothing when an account could not be read', async () => {
      objects.set(
        'audit/state/findings.json',
        JSON.stringify({
          'arn:aws:iam::222222222222:role/unread|SUB_CONDITION_MISSING|0': 'critical|no sub',
        }),
      );
      const run = handler(
        items([{ kind: 'error', source: 'iam:222222222222', message: 'AccessDenied: not authorized' }]),
        undefined,
        true,
      );
      await expect(run()).rejects.toThrow(AuditIncompleteError);
      expect(imported().length).toBeGreaterThan(0);
      expect(imported().filter((f) => f.RecordState === 'ARCHIVED')).toEqual([]);
    });

    it('an import failure still publishes the alerts and stores the state, then fails the run', async () => {
      securityHub.on(BatchImportFindingsCommand).rejects(new Error('AccessDeniedException'));
      await expect(handler(items(), undefined, true)()).rejects.toThrow(/Security Hub export/);
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 6);
      expect(objects.has('audit/state/findings.json')).toBe(true);
    });
  });
});
