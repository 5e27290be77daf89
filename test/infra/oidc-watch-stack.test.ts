import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import * as z from 'zod';
import { METRIC_NAMES, METRICS_NAMESPACE, METRICS_SERVICE } from '../../lib/adapters/metrics';
import { DECISION_LOG_PREFIX } from '../../infra/constructs/decision-log-bucket';
import { METRICS_NAMESPACE as STACK_NAMESPACE, SERVICE_NAME } from '../../infra/constructs/house-function';
import { UNVERIFIED_METRIC_NAME } from '../../infra/constructs/operations-alarms';
import { FORWARDER_STACK_ID } from '../../infra/constructs/web-identity-forwarder-stack';
import { READ_ONLY_MANAGEMENT_EVENTS_STATE } from '../../infra/constructs/web-identity-rule';
import {
  CENTRAL_BUS_ARN,
  dispose,
  EXAMPLE_SECRET_ARN,
  fullConfigInput,
  INTERNAL_SECRET_NAME,
  ORGANIZATION_ID,
  type Synthesized,
  synthConfigOf,
  synthesize,
} from './support';

const Statement = z.object({
  Effect: z.enum(['Allow', 'Deny']),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.unknown(),
  Condition: z.unknown().optional(),
  Principal: z.unknown().optional(),
});
type Statement = z.infer<typeof Statement>;
const PolicyResource = z.object({
  Properties: z.object({
    PolicyDocument: z.object({ Statement: z.array(Statement) }),
    Roles: z.array(z.object({ Ref: z.string() })).optional(),
  }),
});

function actionsOf(statement: Statement): string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

let synth: Synthesized;

/** Logical ID of the only resource of a type whose logical ID starts with `prefix`. */
function logicalId(type: string, prefix: string): string {
  const ids = Object.keys(synth.template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1 || ids[0] === undefined)
    throw new Error(`expected one ${type} ${prefix}*, found ${ids.join(', ')}`);
  return ids[0];
}

/** Every statement of every identity policy attached to a role. */
function roleStatements(roleLogicalId: string): Statement[] {
  return Object.values(synth.template.findResources('AWS::IAM::Policy'))
    .map((resource) => PolicyResource.parse(resource))
    .filter((policy) => policy.Properties.Roles?.some((role) => role.Ref === roleLogicalId) ?? false)
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

function correlatorFunction(): unknown {
  return synth.template.findResources('AWS::Lambda::Function')[
    logicalId('AWS::Lambda::Function', 'CorrelatorFunction')
  ];
}

function correlatorStatements(): Statement[] {
  return roleStatements(logicalId('AWS::IAM::Role', 'CorrelatorFunctionRole'));
}

function statementsWithAction(statements: Statement[], action: string): Statement[] {
  return statements.filter((s) => actionsOf(s).includes(action));
}

beforeAll(() => {
  synth = synthesize(synthConfigOf(fullConfigInput()), {
    organizationId: ORGANIZATION_ID,
    forwardToBusArn: CENTRAL_BUS_ARN,
  });
}, 300_000);

afterAll(() => dispose(synth));

describe('OidcWatchStack', () => {
  describe('web identity rule', () => {
    it('matches every AssumeRoleWithWebIdentity call CloudTrail sends to the default bus', () => {
      // One on the default bus, one on the organization bus (organization mode is on in this test).
      expect(
        Object.keys(
          synth.template.findResources('AWS::Events::Rule', {
            Properties: { EventPattern: Match.objectLike({ source: ['aws.sts'] }) },
          }),
        ),
      ).toHaveLength(2);
      synth.template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.exact({
          source: ['aws.sts'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'] },
        }),
        EventBusName: Match.absent(),
      });
    });

    it('is in the state that receives read-only management events, not plain ENABLED', () => {
      expect(READ_ONLY_MANAGEMENT_EVENTS_STATE).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
      const eventRules = synth.template.findResources('AWS::Events::Rule', {
        Properties: { EventPattern: Match.objectLike({ source: ['aws.sts'] }) },
      });
      const states = Object.values(eventRules).map(
        (rule) => z.object({ Properties: z.object({ State: z.string() }) }).parse(rule).Properties.State,
      );
      expect(states).toEqual([
        'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      ]);
    });

    it('routes oidc-watch smoke events by their own source and detail-type, on each bus, in plain ENABLED state', () => {
      const smokeRules = synth.template.findResources('AWS::Events::Rule', {
        Properties: { EventPattern: { source: ['gitlab-oidc-watch.smoke'] } },
      });
      expect(
        Object.values(smokeRules).map((r) => z.object({ Properties: z.unknown() }).parse(r).Properties),
      ).toEqual([
        expect.objectContaining({
          State: 'ENABLED',
          EventPattern: {
            source: ['gitlab-oidc-watch.smoke'],
            'detail-type': ['GitLab OIDC Watch Smoke Test'],
          },
          Targets: [
            expect.objectContaining({
              Arn: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', 'CorrelatorFunction'), 'Arn'] },
            }),
          ],
        }),
        expect.objectContaining({
          EventBusName: { Ref: logicalId('AWS::Events::EventBus', 'OrganizationBus') },
          State: 'ENABLED',
        }),
      ]);
    });

    it('retries delivery to the correlator for 24 hours, then parks the event in its dead-letter queue', () => {
      const dlq = logicalId('AWS::SQS::Queue', 'WebIdentityRuleDeadLetterQueue');
      synth.template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [
          {
            Arn: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', 'CorrelatorFunction'), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
          },
        ],
      });
      // EventBridge may write to the queue only on behalf of this rule.
      synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: dlq }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: {
                ArnEquals: {
                  'aws:SourceArn': {
                    'Fn::GetAtt': [logicalId('AWS::Events::Rule', 'WebIdentityRule'), 'Arn'],
                  },
                },
              },
            }),
          ]),
        },
      });
    });

    it('keeps every dead-letter queue encrypted, TLS-only, for the 14-day maximum', () => {
      const queues = synth.template.findResources('AWS::SQS::Queue');
      expect(Object.keys(queues).sort()).toEqual(
        [
          logicalId('AWS::SQS::Queue', 'CorrelatorFailureQueue'),
          logicalId('AWS::SQS::Queue', 'NotificationDeadLetterQueue'),
          logicalId('AWS::SQS::Queue', 'OrganizationWebIdentityRuleDeadLetterQueue'),
          logicalId('AWS::SQS::Queue', 'ReconcileFailureQueue'),
          logicalId('AWS::SQS::Queue', 'WebIdentityRuleDeadLetterQueue'),
        ].sort(),
      );
      for (const [id, queue] of Object.entries(queues)) {
        expect({ id, ...queue.Properties }).toMatchObject({
          id,
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 1_209_600,
        });
        synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });
  });

  describe('correlator function', () => {
    it('runs Node.js 22 on arm64 with active tracing, 512 MB and the configured timeout', () => {
      synth.template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        MemorySize: 512,
        Timeout: 60,
      });
    });

    it('sets exactly the environment the handler reads', () => {
      const variables = z
        .object({
          Properties: z.object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }),
        })
        .parse(correlatorFunction()).Properties.Environment.Variables;
      expect(Object.keys(variables).sort()).toEqual(
        [
          'ALERT_TOPIC_ARN',
          'DECISION_LOG_BUCKET',
          'DECISION_LOG_PREFIX',
          'GITLAB_LOOKUP_BUDGET_MS',
          'GITLAB_TOKEN_GENERATED',
          'GITLAB_TOKEN_SECRETS',
          'IDEMPOTENCY_TABLE',
          'LOG_LEVEL',
          'NODE_OPTIONS',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_SERVICE_NAME',
        ].sort(),
      );
      expect(variables).toMatchObject({
        ALERT_TOPIC_ARN: { Ref: logicalId('AWS::SNS::Topic', 'AlertTopic') },
        DECISION_LOG_BUCKET: { Ref: logicalId('AWS::S3::Bucket', 'DecisionLogBucket') },
        DECISION_LOG_PREFIX: 'decisions/',
        IDEMPOTENCY_TABLE: { Ref: logicalId('AWS::DynamoDB::Table', 'IdempotencyTable') },
        POWERTOOLS_SERVICE_NAME: 'gitlab-oidc-watch',
        POWERTOOLS_METRICS_NAMESPACE: 'GitLabOidcWatch',
        LOG_LEVEL: 'info',
        NODE_OPTIONS: '--enable-source-maps',
        // Half of the 60 s timeout: a slow GitLab ends as `unverified`, not as a Lambda timeout.
        GITLAB_LOOKUP_BUDGET_MS: '30000',
      });
    });

    it('maps each trusted issuer to the secret holding its token', () => {
      const stack = synth.stack;
      expect(stack.resolve(stack.gitLabTokens.secretIdsByIssuer())).toEqual({
        'https://gitlab.com': { Ref: logicalId('AWS::SecretsManager::Secret', 'GitLabTokensgitlabcom') },
        'https://gitlab.example.com': EXAMPLE_SECRET_ARN,
        'https://gitlab.internal.example.com': INTERNAL_SECRET_NAME,
      });
      // The function gets the same map as JSON.
      synth.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            GITLAB_TOKEN_SECRETS: {
              'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('gitlab.example.com')])],
            },
          },
        },
      });
      // Only the issuer without a secret of its own gets a new one; the other two are imported.
      synth.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
      });
      synth.template.hasOutput('GitLabTokenSecretgitlabcom', {
        Value: { Ref: logicalId('AWS::SecretsManager::Secret', 'GitLabTokensgitlabcom') },
      });
    });

    it('logs to its own log group with the configured retention', () => {
      const logGroup = logicalId('AWS::Logs::LogGroup', 'CorrelatorFunctionLogGroup');
      synth.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
      synth.template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogGroup: { Ref: logGroup } },
      });
    });

    it('retries a failed invocation twice, then sends it to the failure queue', () => {
      synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId('AWS::Lambda::Function', 'CorrelatorFunction') },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21_600,
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'CorrelatorFailureQueue'), 'Arn'] },
          },
        },
      });
    });

    it('compiles the validated config into a minified bundle that carries its own AWS SDK', () => {
      const fn = z
        .object({ Properties: z.object({ Code: z.object({ S3Key: z.string() }) }) })
        .parse(correlatorFunction());
      const assetDir = path.join(
        synth.assembly.directory,
        `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`,
      );
      const bundle = readFileSync(path.join(assetDir, 'index.js'), 'utf8');
      // Facts, not the bundle itself: a failing toContain would print 1.4 MB of minified code.
      const requiredSdkModules = [
        ...new Set([...bundle.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1])),
      ];
      expect({
        // The config is a literal in the code: no environment variable size limit, no file read at start-up.
        readsConfigAtRunTime: bundle.includes('process.env.OIDC_WATCH_CONFIG'),
        embedsProductionRole: bundle.includes('prod-deploy'),
        embedsIssuerApiUrl: bundle.includes('https://gitlab.internal.example.com/api/v4'),
        hasSourceMap: existsSync(path.join(assetDir, 'index.js.map')),
        // Unminified code averages a few dozen characters a line; minified code, thousands.
        minified: bundle.length / bundle.split('\n').length > 500,
        // The pinned SDK is bundled rather than resolved from the runtime; only the optional CRT signer (loaded in a
        // try/catch, not installed) stays a require.
        sdkModulesFromRuntime: requiredSdkModules.filter((m) => m !== '@aws-sdk/signature-v4-crt'),
      }).toEqual({
        readsConfigAtRunTime: false,
        embedsProductionRole: true,
        embedsIssuerApiUrl: true,
        hasSourceMap: true,
        minified: true,
        sdkModulesFromRuntime: [],
      });
    });
  });

  describe('correlator permissions', () => {
    it('grants no wildcard action in any identity policy of the stack', () => {
      const allows = Object.values(synth.template.findResources('AWS::IAM::Policy'))
        .flatMap((resource) => PolicyResource.parse(resource).Properties.PolicyDocument.Statement)
        .filter((s) => s.Effect === 'Allow');
      expect(allows.length).toBeGreaterThan(0);
      expect(allows.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
    });

    it('uses Resource "*" only for X-Ray, which has no resource-level permissions', () => {
      const starred = correlatorStatements().filter((s) => resourcesOf(s).includes('*'));
      expect(starred.flatMap(actionsOf).sort()).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });

    it('publishes only to the alert topic, and uses its key only through SNS', () => {
      const statements = correlatorStatements();
      const publish = statementsWithAction(statements, 'sns:Publish');
      expect(publish.flatMap(resourcesOf)).toEqual([{ Ref: logicalId('AWS::SNS::Topic', 'AlertTopic') }]);
      const kms = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
      expect(kms).toHaveLength(1);
      expect(kms[0]).toMatchObject({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [logicalId('AWS::KMS::Key', 'AlertTopicKey'), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
      });
    });

    it('only writes the decision log, only under its prefix and smoke/: no reading back, no deleting', () => {
      const s3 = correlatorStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
      expect(s3.flatMap(actionsOf)).toEqual(s3.map(() => 's3:PutObject'));
      const underPrefix = (prefix: string): unknown => ({
        'Fn::Join': [
          '',
          [{ 'Fn::GetAtt': [logicalId('AWS::S3::Bucket', 'DecisionLogBucket'), 'Arn'] }, `/${prefix}*`],
        ],
      });
      expect(s3.flatMap(resourcesOf)).toEqual([underPrefix(DECISION_LOG_PREFIX), underPrefix('smoke/')]);
    });

    it('performs only single-item operations on the idempotency table', () => {
      const dynamo = correlatorStatements().filter((s) =>
        actionsOf(s).some((a) => a.startsWith('dynamodb:')),
      );
      expect(dynamo).toHaveLength(1);
      expect(dynamo.flatMap(actionsOf).sort()).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]);
      expect(dynamo.flatMap(resourcesOf)).toEqual([
        { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::Table', 'IdempotencyTable'), 'Arn'] },
      ]);
    });

    it('reads only the GitLab token secrets, with GetSecretValue only', () => {
      const secrets = correlatorStatements().filter((s) =>
        actionsOf(s).some((a) => a.startsWith('secretsmanager:')),
      );
      expect(secrets.flatMap(actionsOf)).toEqual(['secretsmanager:GetSecretValue']);
      const resources = secrets.flatMap(resourcesOf);
      expect(resources).toHaveLength(3);
      expect(resources).toContainEqual({
        Ref: logicalId('AWS::SecretsManager::Secret', 'GitLabTokensgitlabcom'),
      });
      expect(resources).toContainEqual(EXAMPLE_SECRET_ARN);
      // A secret known by name: Secrets Manager appends six random characters to the ARN.
      expect(JSON.stringify(resources)).toContain(`:secret:${INTERNAL_SECRET_NAME}-??????`);
    });

    it('writes logs only to its own log group', () => {
      const logs = correlatorStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(logs.flatMap(resourcesOf)).toEqual([
        { 'Fn::GetAtt': [logicalId('AWS::Logs::LogGroup', 'CorrelatorFunctionLogGroup'), 'Arn'] },
      ]);
      synth.template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        },
        ManagedPolicyArns: Match.absent(),
      });
    });
  });

  describe('alert topic', () => {
    it('is encrypted with its own rotating customer managed key', () => {
      synth.template.hasResourceProperties('AWS::SNS::Topic', {
        DisplayName: 'GitLab OIDC watch alerts',
        KmsMasterKeyId: { 'Fn::GetAtt': [logicalId('AWS::KMS::Key', 'AlertTopicKey'), 'Arn'] },
      });
      synth.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('refuses publications that do not use TLS', () => {
      for (const topic of ['AlertTopic', 'OperationsTopic']) {
        synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
          Topics: [{ Ref: logicalId('AWS::SNS::Topic', topic) }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Principal: '*',
                Action: 'sns:Publish',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
    });

    it('emails the configured addresses and keeps undeliverable messages in a dead-letter queue', () => {
      const dlq = { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'NotificationDeadLetterQueue'), 'Arn'] };
      synth.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'security@example.com',
        TopicArn: { Ref: logicalId('AWS::SNS::Topic', 'AlertTopic') },
        RedrivePolicy: { deadLetterTargetArn: dlq },
      });
      synth.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        TopicArn: { Ref: logicalId('AWS::SNS::Topic', 'OperationsTopic') },
        RedrivePolicy: { deadLetterTargetArn: dlq },
      });
    });

    it('reaches Slack through a Chatbot channel that can only receive notifications', () => {
      const role = logicalId('AWS::IAM::Role', 'SlackRole');
      const guardrail = logicalId('AWS::IAM::ManagedPolicy', 'SlackNotificationsOnlyGuardrail');
      synth.template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
        SlackWorkspaceId: 'T012ABCDE',
        SlackChannelId: 'C012ABCDE',
        SnsTopicArns: [{ Ref: logicalId('AWS::SNS::Topic', 'AlertTopic') }],
        IamRoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
        GuardrailPolicies: [{ Ref: guardrail }],
      });
      expect(roleStatements(role)).toEqual([]);
      synth.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
      });
    });
  });

  describe('operations topic', () => {
    it('accepts alarm notifications from CloudWatch for alarms of this account only', () => {
      synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: logicalId('AWS::SNS::Topic', 'OperationsTopic') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: Match.anyValue(),
              },
            }),
          ]),
        },
      });
      const key =
        synth.template.findResources('AWS::KMS::Key')[logicalId('AWS::KMS::Key', 'OperationsTopicKey')];
      expect(JSON.stringify(key)).toContain('cloudwatch.amazonaws.com');
      const alertKey =
        synth.template.findResources('AWS::KMS::Key')[logicalId('AWS::KMS::Key', 'AlertTopicKey')];
      expect(JSON.stringify(alertKey)).not.toContain('cloudwatch.amazonaws.com');
    });
  });

  describe('decision log bucket', () => {
    it('is encrypted, private, versioned, TLS-only and expires verdicts after the configured days', () => {
      synth.template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: logicalId('AWS::S3::Bucket', 'DecisionLogAccessLogs') },
        },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Status: 'Enabled',
              ExpirationInDays: 400,
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            }),
            { Id: 'expire-smoke-results', Prefix: 'smoke/', Status: 'Enabled', ExpirationInDays: 7 },
          ],
        },
      });
      synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId('AWS::S3::Bucket', 'DecisionLogBucket') },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });
  });

  describe('idempotency table', () => {
    it('has the Powertools layout, on-demand billing, point-in-time recovery and encryption', () => {
      synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    });
  });

  describe('alarms', () => {
    const operationsTopic = (): { Ref: string } => ({ Ref: logicalId('AWS::SNS::Topic', 'OperationsTopic') });

    it('fires on the first message in any dead-letter queue', () => {
      for (const queue of [
        'WebIdentityRuleDeadLetterQueue',
        'CorrelatorFailureQueue',
        'ReconcileFailureQueue',
        'NotificationDeadLetterQueue',
      ]) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [
            {
              Name: 'QueueName',
              Value: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', queue), 'QueueName'] },
            },
          ],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
          AlarmActions: [operationsTopic()],
        });
      }
    });

    it('fires on correlator errors and throttles', () => {
      for (const metric of ['Errors', 'Throttles']) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [
            {
              Name: 'FunctionName',
              Value: { Ref: logicalId('AWS::Lambda::Function', 'CorrelatorFunction') },
            },
          ],
          Statistic: 'Sum',
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
          AlarmActions: [operationsTopic()],
          OKActions: [operationsTopic()],
        });
      }
    });

    it('fires on the unverified rate, computed from the metrics the correlator publishes', () => {
      // The alarm and the handler's metrics adapter must agree on every name.
      expect(UNVERIFIED_METRIC_NAME).toBe(METRIC_NAMES.unverified);
      expect(STACK_NAMESPACE).toBe(METRICS_NAMESPACE);
      expect(SERVICE_NAME).toBe(METRICS_SERVICE);
      const metric = (id: string, name: string) =>
        Match.objectLike({
          Id: id,
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'GitLabOidcWatch',
              MetricName: name,
              Dimensions: [{ Name: 'service', Value: 'gitlab-oidc-watch' }],
            },
            Period: 900,
            Stat: 'Sum',
          }),
        });
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: Match.stringLikeRegexp('-unverified-rate$'),
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'IF(a + u + o > 0, 100 * u / (a + u + o), 0)', ReturnData: true }),
          metric('a', 'Alert'),
          metric('u', 'Unverified'),
          metric('o', 'Ok'),
        ]),
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 10,
        TreatMissingData: 'notBreaching',
        AlarmActions: [operationsTopic()],
        OKActions: [operationsTopic()],
      });
    });

    it.each([
      ['MalformedEvents', 'Sum', 'notBreaching'],
      ['GitLabAuthFailures', 'Sum', 'notBreaching'],
      // Recorded once per container start: the last result stands until the next start.
      ['SelfCheckFailures', 'Maximum', 'ignore'],
    ])('fires on %s (issue 9: no silent failure mode)', (name, statistic, missing) => {
      expect(Object.values(METRIC_NAMES)).toContain(name);
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'GitLabOidcWatch',
        MetricName: name,
        Dimensions: [{ Name: 'service', Value: 'gitlab-oidc-watch' }],
        Statistic: statistic,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: missing,
        AlarmActions: [operationsTopic()],
        OKActions: [operationsTopic()],
      });
    });

    it("has no other alarms than those and the reconcile run's errors", () => {
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [
          { Name: 'FunctionName', Value: { Ref: logicalId('AWS::Lambda::Function', 'ReconcileFunction') } },
        ],
        AlarmActions: [operationsTopic()],
      });
      // Five dead-letter queues, correlator errors and throttles, malformed events, GitLab auth failures, self-check,
      // unverified rate, reconcile errors.
      synth.template.resourceCountIs('AWS::CloudWatch::Alarm', 12);
    });
  });

  describe('reconciliation and Athena', () => {
    it('schedules the reconcile function as configured, through the same publishers as the correlator', () => {
      const reconcile = logicalId('AWS::Lambda::Function', 'ReconcileFunction');
      synth.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(17 3 * * ? *)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reconcile, 'Arn'] } })],
      });
      synth.template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Environment: {
          Variables: Match.objectLike({
            ALERT_TOPIC_ARN: { Ref: logicalId('AWS::SNS::Topic', 'AlertTopic') },
            IDEMPOTENCY_TABLE: { Ref: logicalId('AWS::DynamoDB::Table', 'IdempotencyTable') },
            DECISION_LOG_PREFIX: 'decisions/',
          }),
        },
      });
    });

    it('creates the Athena workgroup and tables when deployment.athena is set, and says where', () => {
      synth.template.resourceCountIs('AWS::Glue::Database', 1);
      synth.template.resourceCountIs('AWS::Glue::Table', 3);
      synth.template.hasResourceProperties('AWS::Athena::WorkGroup', {
        WorkGroupConfiguration: Match.objectLike({ EnforceWorkGroupConfiguration: true }),
      });
      synth.template.hasOutput('AthenaWorkGroup', Match.anyValue());
      synth.template.hasOutput('HuntPolicyArn', Match.anyValue());
    });
  });

  describe('organization mode', () => {
    it('lets only accounts of the organization put events on the central bus', () => {
      const bus = logicalId('AWS::Events::EventBus', 'OrganizationBus');
      // The policy is the bus's own property (no EventBusPolicy resource), so this test is its only guard.
      synth.template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
      synth.template.hasResourceProperties('AWS::Events::EventBus', {
        Name: 'GitLabOidcWatch-organization',
        Policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AllowOrganizationAccountsToForward',
              Effect: 'Allow',
              Principal: { AWS: '*' },
              Action: 'events:PutEvents',
              Resource: {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':events:',
                    { Ref: 'AWS::Region' },
                    ':',
                    { Ref: 'AWS::AccountId' },
                    ':event-bus/GitLabOidcWatch-organization',
                  ],
                ],
              },
              Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
            },
          ],
        },
      });
      synth.template.hasOutput('OrganizationBusArn', { Value: { 'Fn::GetAtt': [bus, 'Arn'] } });
    });

    it('judges forwarded events with the same rule on the central bus', () => {
      synth.template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: logicalId('AWS::Events::EventBus', 'OrganizationBus') },
        State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        EventPattern: { source: ['aws.sts'], detail: { eventName: ['AssumeRoleWithWebIdentity'] } },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', 'CorrelatorFunction'), 'Arn'] },
            DeadLetterConfig: Match.anyValue(),
          }),
        ],
      });
    });

    it("forwards a member account's events to the central bus, with a role that can do nothing else", () => {
      const forwarder = synth.app.node.findChild(FORWARDER_STACK_ID);
      if (!(forwarder instanceof Stack)) throw new Error('no forwarder stack');
      const template = Template.fromJSON(synth.assembly.getStackArtifact(forwarder.artifactId).template);
      // The events, and its own alarm's state changes (next test).
      template.resourceCountIs('AWS::Events::Rule', 2);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: Match.absent(),
        State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        EventPattern: Match.exact({
          source: ['aws.sts'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'] },
        }),
        Targets: [
          Match.objectLike({
            Arn: CENTRAL_BUS_ARN,
            RoleArn: Match.anyValue(),
            DeadLetterConfig: { Arn: Match.anyValue() },
          }),
        ],
      });
      const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
        (resource) => PolicyResource.parse(resource).Properties.PolicyDocument.Statement,
      );
      expect(statements).toEqual([
        expect.objectContaining({ Effect: 'Allow', Action: 'events:PutEvents', Resource: CENTRAL_BUS_ARN }),
      ]);
    });

    it("alarms on the forwarder's dead-letter queue and sends the alarm to the operations topic (issue 9)", () => {
      const forwarder = synth.app.node.findChild(FORWARDER_STACK_ID);
      if (!(forwarder instanceof Stack)) throw new Error('no forwarder stack');
      const template = Template.fromJSON(synth.assembly.getStackArtifact(forwarder.artifactId).template);
      const [alarmId] = Object.keys(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: {
            AlarmName: `${FORWARDER_STACK_ID}-dead-letter-messages`,
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Threshold: 0,
          },
        }),
      );
      expect(alarmId).toBeDefined();
      // Its state changes travel to the central bus, like the events...
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          resources: [{ 'Fn::GetAtt': [alarmId, 'Arn'] }],
        },
        Targets: [Match.objectLike({ Arn: CENTRAL_BUS_ARN, DeadLetterConfig: { Arn: Match.anyValue() } })],
      });
      // ...where the central stack sends them on to the operations topic.
      synth.template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: Match.anyValue(),
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { alarmName: [{ prefix: `${FORWARDER_STACK_ID}-` }] },
        },
        Targets: [
          Match.objectLike({
            Arn: { Ref: logicalId('AWS::SNS::Topic', 'OperationsTopic') },
            DeadLetterConfig: { Arn: Match.anyValue() },
          }),
        ],
      });
    });
  });

  describe('cdk-nag', () => {
    it('finds nothing unacknowledged in the AwsSolutions pack', () => {
      const report = new AwsSolutionsChecks().validateScope(synth.app);
      expect(
        report.violations.map(
          (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`,
        ),
      ).toEqual([]);
      expect(report.success).toBe(true);
    });

    it('finds nothing unacknowledged in the Serverless pack', () => {
      const report = new ServerlessChecks().validateScope(synth.app);
      expect(
        report.violations.map(
          (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`,
        ),
      ).toEqual([]);
      expect(report.success).toBe(true);
    });

    it('gives every acknowledgment a specific reason', () => {
      const acknowledgments: { path: string; id: string; reason: string }[] = [];
      const visit = (node: IConstruct): void => {
        for (const entry of node.node.metadata) {
          if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
          const data = z.record(z.string(), z.string()).parse(entry.data);
          for (const [id, reason] of Object.entries(data))
            acknowledgments.push({ path: node.node.path, id, reason });
        }
        node.node.children.forEach(visit);
      };
      visit(synth.app);
      expect(acknowledgments.length).toBeGreaterThan(0);
      for (const ack of acknowledgments) {
        expect({ ...ack, reasonLength: ack.reason.length >= 60 }).toEqual({ ...ack, reasonLength: true });
      }
      // Acknowledged where the finding is, never on the whole stack.
      expect(acknowledgments.filter((a) => a.path === synth.stack.node.path || a.path === '')).toEqual([]);
    });
  });

  describe('whole stack', () => {
    it('matches the snapshot (asset hashes masked)', () => {
      expect(synth.template.toJSON()).toMatchSnapshot();
    });
  });
});

// Asset hashes change with every dependency bump and every config change; what the snapshot guards is the shape.
expect.addSnapshotSerializer({
  test: (value: unknown) => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value: string) => JSON.stringify(value.replace(/[0-9a-f]{64}/g, '[ASSET HASH]')),
});
