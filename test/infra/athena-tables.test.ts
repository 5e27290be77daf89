/**
 * The Athena constructs and the scheduled reconcile function, in a small stack of their own (with the constructs they
 * depend on), checked for the documented CloudTrail table properties, the workgroup's enforced settings, the saved
 * queries, the reconcile function's schedule and IAM, and cdk-nag.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import * as z from 'zod';
import { AthenaTables, DEFAULT_WORKGROUP, flattenCfnReference } from '../../infra/constructs/athena-tables';
import { DeadLetterQueue } from '../../infra/constructs/dead-letter-queue';
import { DecisionLogBucket } from '../../infra/constructs/decision-log-bucket';
import { EncryptedTopic } from '../../infra/constructs/encrypted-topic';
import { GitLabTokenSecrets } from '../../infra/constructs/gitlab-token-secrets';
import { IdempotencyTable } from '../../infra/constructs/idempotency-table';
import { ReconcileFunction } from '../../infra/constructs/reconcile';
import type { ConfigInput } from '../../lib/core/config';
import { cdkJsonContext, fullConfigInput, synthConfigOf } from './support';

type Athena = NonNullable<NonNullable<ConfigInput['deployment']>['athena']>;

function build(athena: Athena, reconcile: { enabled: boolean }) {
  const base = fullConfigInput();
  const synthConfig = synthConfigOf({
    ...base,
    deployment: {
      ...base.deployment,
      athena,
      reconcile: {
        enabled: reconcile.enabled,
        schedule: 'cron(17 3 * * ? *)',
        lookbackHours: 48,
        regions: ['us-east-1', 'eu-west-1'],
      },
    },
  });
  const { config, deployment, logRetentionDays } = synthConfig;
  const settings = deployment.athena;
  if (settings === undefined) throw new Error('athena settings missing');
  const app = new App({
    context: cdkJsonContext(),
    outdir: mkdtempSync(path.join(tmpdir(), 'oidc-watch-hunt-')),
  });
  const stack = new Stack(app, 'HuntTest');
  const dlq = new DeadLetterQueue(stack, 'NotificationDeadLetterQueue', {
    purpose: 'Test notifications SNS could not deliver.',
  });
  const alertTopic = new EncryptedTopic(stack, 'AlertTopic', {
    displayName: 'alerts',
    emails: [],
    deliveryDeadLetterQueue: dlq,
  });
  const operationsTopic = new EncryptedTopic(stack, 'OperationsTopic', {
    displayName: 'operations',
    emails: [],
    deliveryDeadLetterQueue: dlq,
    allowCloudWatchAlarms: true,
  });
  const decisionLog = new DecisionLogBucket(stack, 'DecisionLog', {
    retentionDays: deployment.decisionLogRetentionDays,
  });
  const idempotencyTable = new IdempotencyTable(stack, 'IdempotencyTable');
  const gitLabTokens = new GitLabTokenSecrets(stack, 'GitLabTokens', {
    trustedIssuers: config.trustedIssuers,
  });
  const athenaTables = new AthenaTables(stack, 'Athena', {
    athena: settings,
    config,
    decisionLog: { bucket: decisionLog.bucket, prefix: decisionLog.prefix },
    accessLogsBucket: decisionLog.accessLogsBucket,
  });
  const reconcileFunction = new ReconcileFunction(stack, 'Reconcile', {
    config,
    deployment,
    logRetentionDays,
    alertTopic,
    decisionLog,
    idempotencyTable,
    gitLabTokens,
    alarmTopic: operationsTopic.topic,
  });
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  return { app, stack, template, assembly, athenaTables, reconcileFunction, decisionLog };
}

const ORG_TRAIL: Athena = {
  cloudTrailBucket: 'example-org-cloudtrail',
  cloudTrailPrefix: 'org',
  organizationId: 'o-a1b2c3d4e5',
  accounts: ['123456789012', '210987654321'],
  regions: ['us-east-1', 'eu-west-1'],
  projectionStartDate: '2025/01/01',
  bytesScannedCutoffPerQuery: 5_000_000_000,
};

let org: ReturnType<typeof build>;

beforeAll(() => {
  org = build(ORG_TRAIL, { enabled: false });
}, 300_000);

afterAll(() => {
  rmSync(org.assembly.directory, { recursive: true, force: true });
});

const TableResource = z.object({
  Properties: z.object({
    DatabaseName: z.string(),
    TableInput: z.object({
      Name: z.string(),
      TableType: z.string(),
      Parameters: z.record(z.string(), z.unknown()),
      PartitionKeys: z.array(z.object({ Name: z.string(), Type: z.string() })),
      StorageDescriptor: z.object({
        Columns: z.array(z.object({ Name: z.string(), Type: z.string() })),
        Location: z.unknown(),
        InputFormat: z.string(),
        OutputFormat: z.string(),
        SerdeInfo: z.object({ SerializationLibrary: z.string() }),
      }),
    }),
  }),
});

const TableKind = z.object({
  Properties: z.object({ TableInput: z.object({ TableType: z.string(), Name: z.string() }) }),
});

function table(template: Template, name: string) {
  const found = Object.values(template.findResources('AWS::Glue::Table'))
    .filter((r) => TableKind.parse(r).Properties.TableInput.TableType === 'EXTERNAL_TABLE')
    .map((r) => TableResource.parse(r))
    .filter((r) => r.Properties.TableInput.Name === name);
  if (found.length !== 1 || found[0] === undefined) throw new Error(`expected one table ${name}`);
  return found[0].Properties;
}

describe('AthenaTables', () => {
  describe('CloudTrail table', () => {
    it('uses the documented CloudTrail input format, JSON SerDe and text output format', () => {
      const t = table(org.template, 'cloudtrail_logs');
      expect(t.DatabaseName).toBe('oidc_watch');
      expect(t.TableInput.TableType).toBe('EXTERNAL_TABLE');
      expect(t.TableInput.StorageDescriptor).toMatchObject({
        InputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
        OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        SerdeInfo: { SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
        Location: 's3://example-org-cloudtrail/org/AWSLogs/o-a1b2c3d4e5/',
      });
    });

    it('projects account and region as enums and the delivery day as a date, from the configured start', () => {
      const t = table(org.template, 'cloudtrail_logs');
      expect(t.TableInput.PartitionKeys).toEqual([
        { Name: 'account', Type: 'string' },
        { Name: 'region', Type: 'string' },
        expect.objectContaining({ Name: 'timestamp', Type: 'string' }),
      ]);
      expect(t.TableInput.Parameters).toMatchObject({
        EXTERNAL: 'TRUE',
        'projection.enabled': 'true',
        'projection.account.type': 'enum',
        'projection.account.values': '123456789012,210987654321',
        'projection.region.type': 'enum',
        'projection.region.values': 'us-east-1,eu-west-1',
        'projection.timestamp.type': 'date',
        'projection.timestamp.format': 'yyyy/MM/dd',
        'projection.timestamp.range': '2025/01/01,NOW',
        'projection.timestamp.interval': '1',
        'projection.timestamp.interval.unit': 'DAYS',
      });
    });

    it('puts the organization ID before the account in the organization trail location template', () => {
      const t = table(org.template, 'cloudtrail_logs');
      expect(t.TableInput.Parameters['storage.location.template']).toBe(
        's3://example-org-cloudtrail/org/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}',
      );
    });

    it('has the columns the hunt and the saved queries read, JSON columns as strings', () => {
      const columns = new Map(
        table(org.template, 'cloudtrail_logs').TableInput.StorageDescriptor.Columns.map((c) => [
          c.Name,
          c.Type,
        ]),
      );
      for (const name of [
        'eventtime',
        'eventname',
        'eventsource',
        'eventid',
        'errorcode',
        'recipientaccountid',
        'awsregion',
      ]) {
        expect(columns.get(name)).toBe('string');
      }
      expect(columns.get('requestparameters')).toBe('string');
      expect(columns.get('responseelements')).toBe('string');
      expect(columns.get('additionaleventdata')).toBe('string');
      expect(columns.get('useridentity')).toMatch(
        /^struct<type:string,principalid:string,.*username:string,.*identityprovider:string>$/,
      );
      expect(columns.get('resources')).toBe('array<struct<arn:string,accountid:string,type:string>>');
      expect(columns.get('tlsdetails')).toBe(
        'struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>',
      );
    });
  });

  describe('decision-log table', () => {
    it('projects dt over the decision-log prefix of the decision-log bucket', () => {
      const t = table(org.template, 'decisions');
      const bucketId = org.stack.getLogicalId(org.decisionLog.bucket.node.defaultChild as never);
      expect(t.TableInput.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
      expect(t.TableInput.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': '2025-01-01,NOW',
      });
      expect(t.TableInput.Parameters['storage.location.template']).toEqual({
        'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/decisions/dt=${dt}/']],
      });
      expect(flattenCfnReference(t.TableInput.StorageDescriptor.Location)).toBe(
        `s3://<${bucketId}>/decisions/`,
      );
      expect(t.TableInput.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
        'org.openx.data.jsonserde.JsonSerDe',
      );
    });
  });

  describe('workgroup', () => {
    it('enforces its configuration, encrypts results and caps the bytes scanned per query', () => {
      const resultsId = org.stack.getLogicalId(org.athenaTables.resultsBucket.node.defaultChild as never);
      org.template.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: DEFAULT_WORKGROUP,
        State: 'ENABLED',
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          BytesScannedCutoffPerQuery: 5_000_000_000,
          PublishCloudWatchMetricsEnabled: true,
          ResultConfiguration: {
            EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
            OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: resultsId }, '/results/']] },
          },
        },
      });
    });

    it('writes results to a private, TLS-only, encrypted bucket that forgets them after a week', () => {
      const resultsId = org.stack.getLogicalId(org.athenaTables.resultsBucket.node.defaultChild as never);
      const bucket = org.template.findResources('AWS::S3::Bucket')[resultsId];
      expect(bucket?.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: [expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' })],
        },
      });
    });
  });

  describe('latest-verdict view', () => {
    it('is a Glue view as Athena stores one: Presto view text whose columns match the Hive columns', () => {
      const [view, ...others] = Object.values(org.template.findResources('AWS::Glue::Table'))
        .map(
          (r) =>
            z
              .object({
                Properties: z.object({
                  DatabaseName: z.string(),
                  TableInput: z.object({
                    Name: z.string(),
                    TableType: z.string(),
                    Parameters: z.record(z.string(), z.string()),
                    ViewOriginalText: z.string(),
                    ViewExpandedText: z.string(),
                    StorageDescriptor: z.object({
                      Columns: z.array(z.object({ Name: z.string(), Type: z.string() })),
                    }),
                  }),
                }),
              })
              .safeParse(r).data?.Properties,
        )
        .filter((p) => p?.TableInput.TableType === 'VIRTUAL_VIEW');
      expect(others).toEqual([]);
      expect(view?.TableInput).toMatchObject({
        Name: 'decisions_latest',
        Parameters: { presto_view: 'true' },
        ViewExpandedText: '/* Presto View */',
      });
      const encoded = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(
        view?.TableInput.ViewOriginalText ?? '',
      );
      const presto = z
        .object({
          originalSql: z.string(),
          catalog: z.literal('awsdatacatalog'),
          schema: z.literal('oidc_watch'),
          columns: z.array(z.object({ name: z.string(), type: z.string() })),
        })
        .parse(JSON.parse(Buffer.from(encoded?.[1] ?? '', 'base64').toString('utf8')));
      expect(presto.originalSql).toContain('FROM "oidc_watch"."decisions" d');
      expect(presto.originalSql).toContain('PARTITION BY dt, eventid');
      expect(presto.columns.map((c) => c.name)).toEqual(
        view?.TableInput.StorageDescriptor.Columns.map((c) => c.Name),
      );
      const hive: Record<string, string> = { varchar: 'string', bigint: 'bigint', integer: 'int' };
      expect(presto.columns.map((c) => hive[c.type])).toEqual(
        view?.TableInput.StorageDescriptor.Columns.map((c) => c.Type),
      );
    });
  });

  describe('saved queries', () => {
    it('saves the five hunts in the workgroup, each pruning partitions by day', () => {
      const queries = Object.values(org.template.findResources('AWS::Athena::NamedQuery')).map(
        (r) =>
          z
            .object({
              Properties: z.object({
                Name: z.string(),
                QueryString: z.string(),
                WorkGroup: z.string(),
                Database: z.string(),
              }),
            })
            .parse(r).Properties,
      );
      expect(queries.map((q) => q.Name).sort()).toEqual(
        [
          'oidc-watch: failed web-identity attempts',
          'oidc-watch: production role assumptions by project and ref',
          'oidc-watch: verdicts by severity over time',
          'oidc-watch: verdict history of updated events',
          'oidc-watch: web-identity events with no verdict',
        ].sort(),
      );
      for (const q of queries) {
        expect(q).toMatchObject({ WorkGroup: DEFAULT_WORKGROUP, Database: 'oidc_watch' });
        expect(q.QueryString).toMatch(
          /"timestamp" >= date_format\(current_date - interval '30' day, '%Y\/%m\/%d'\)|dt >= date_format/,
        );
      }
      const byProject = queries.find((q) => q.Name.includes('by project and ref'));
      expect(byProject?.QueryString).toContain("LIKE 'arn:aws:iam::%:role/prod-deploy' ESCAPE '\\'");
      expect(byProject?.QueryString).toContain("json_extract_scalar(requestparameters, '$.roleArn')");
    });
  });

  describe('hunt policy', () => {
    it('allows queries in the oidc-watch workgroup only and reads only the trail and verdict prefixes', () => {
      org.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'RunQueriesInTheWorkgroup',
              Resource: {
                'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':workgroup/oidc-watch$')])],
              },
            }),
            Match.objectLike({
              Sid: 'ReadTrailAndVerdicts',
              Action: 's3:GetObject',
              Resource: Match.arrayWith([
                {
                  'Fn::Join': [
                    '',
                    ['arn:', { Ref: 'AWS::Partition' }, ':s3:::example-org-cloudtrail/org/AWSLogs/*'],
                  ],
                },
              ]),
            }),
          ]),
        },
      });
    });
  });
});

describe('ReconcileFunction', () => {
  it('is scheduled from the config and disabled unless reconcile is enabled', () => {
    org.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(17 3 * * ? *)',
      State: 'DISABLED',
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
  });

  it('may call LookupEvents (no resource scoping exists), read and write verdicts, publish, and nothing broader', () => {
    const policies = Object.values(org.template.findResources('AWS::IAM::Policy'));
    const roleId = org.stack.getLogicalId(org.reconcileFunction.function.role?.node.defaultChild as never);
    const statements = policies
      .map((p) =>
        z
          .object({
            Properties: z.object({
              Roles: z.array(z.object({ Ref: z.string() })),
              PolicyDocument: z.object({ Statement: z.array(z.record(z.string(), z.unknown())) }),
            }),
          })
          .parse(p),
      )
      .filter((p) => p.Properties.Roles.some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual(
      expect.arrayContaining([
        'cloudtrail:LookupEvents',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'sns:Publish',
        'dynamodb:PutItem',
        'secretsmanager:GetSecretValue',
      ]),
    );
    expect(actions.filter((a) => typeof a === 'string' && a.endsWith('*'))).toEqual([]);
    const lookup = statements.find((s) => s.Action === 'cloudtrail:LookupEvents');
    expect(lookup?.Resource).toBe('*');
    const wildcard = statements
      .filter((s) => s.Resource === '*')
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(wildcard.sort()).toEqual(
      ['cloudtrail:LookupEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
    );
  });

  it('runs with the correlator environment contract', () => {
    const fnId = org.stack.getLogicalId(org.reconcileFunction.function.node.defaultChild as never);
    const fn = org.template.findResources('AWS::Lambda::Function')[fnId];
    const env = z
      .object({
        Properties: z.object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }),
      })
      .parse(fn);
    expect(Object.keys(env.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining([
        'ALERT_TOPIC_ARN',
        'DECISION_LOG_BUCKET',
        'DECISION_LOG_PREFIX',
        'IDEMPOTENCY_TABLE',
        'GITLAB_TOKEN_SECRETS',
        'GITLAB_LOOKUP_BUDGET_MS',
      ]),
    );
  });

  it('alarms the operations topic when a run fails', () => {
    org.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
    });
  });
});

describe('single-account trail, reconcile enabled', () => {
  let single: ReturnType<typeof build>;
  beforeAll(() => {
    single = build(
      {
        cloudTrailBucket: 'example-cloudtrail',
        cloudTrailPrefix: '',
        accounts: ['123456789012'],
        regions: ['us-east-1'],
        projectionStartDate: '2024/06/01',
        bytesScannedCutoffPerQuery: 10_000_000_000,
      },
      { enabled: true },
    );
  }, 300_000);
  afterAll(() => rmSync(single.assembly.directory, { recursive: true, force: true }));

  it('uses AWSLogs/<account>/CloudTrail/<region>/<day> without an organization segment', () => {
    const t = table(single.template, 'cloudtrail_logs');
    expect(t.TableInput.StorageDescriptor.Location).toBe('s3://example-cloudtrail/AWSLogs/');
    expect(t.TableInput.Parameters['storage.location.template']).toBe(
      's3://example-cloudtrail/AWSLogs/${account}/CloudTrail/${region}/${timestamp}',
    );
    expect(t.TableInput.Parameters['projection.timestamp.range']).toBe('2024/06/01,NOW');
  });

  it('enables the schedule', () => {
    single.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(17 3 * * ? *)',
      State: 'ENABLED',
    });
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the AwsSolutions and Serverless packs', () => {
    const violations = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
      pack
        .validateScope(org.app)
        .violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`),
    );
    expect(violations).toEqual([]);
  });
});
