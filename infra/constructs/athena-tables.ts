import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  type AthenaSettings,
  CLOUDTRAIL_TABLE,
  cloudTrailTableDefinition,
  DECISION_TABLE,
  decisionTableDefinition,
  DEFAULT_DATABASE,
  DEFAULT_WORKGROUP,
  DECISION_LATEST_COLUMNS,
  DECISION_LATEST_VIEW,
  type ExternalTableDefinition,
  glueType,
  type HiveField,
  namedQueries,
  type NamedQuerySpec,
  prestoViewJson,
} from '../../lib/athena';
import type { Config } from '../../lib/core/config';

/** The workgroup hunts run in (`oidc-watch hunt --source athena --workgroup`). */
export { DEFAULT_WORKGROUP };

/** How far back the saved queries look. */
export const NAMED_QUERY_LOOKBACK_DAYS = 30;
/** Query results are working files, not records: kept a week. */
export const RESULTS_RETENTION_DAYS = 7;

export interface AthenaTablesProps {
  /** `deployment.athena` from the validated config. */
  readonly athena: AthenaSettings;
  /** Production roles and trusted issuers feed the saved queries. */
  readonly config: Config;
  /** Where the service writes verdicts, and the key prefix before `dt=`. */
  readonly decisionLog: { readonly bucket: IBucket; readonly prefix: string };
  /** Server access logs of the results bucket (the decision log's access-log bucket). */
  readonly accessLogsBucket?: IBucket;
  readonly databaseName?: string;
  readonly workGroupName?: string;
}

/**
 * A resolved CloudFormation value as cdk-nag names it in a finding ID (`<Logical.Arn>/prefix/*`, `<AWS::Partition>`),
 * so that an acknowledgment matches exactly the resource it is about.
 */
export function flattenCfnReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    const join = o['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return (join[1] as unknown[]).map(flattenCfnReference).join(join[0]);
    }
    const getAtt = o['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flattenCfnReference(getAtt[0])}.${flattenCfnReference(getAtt[1])}>`;
    if ('Ref' in o) return `<${flattenCfnReference(o.Ref)}>`;
  }
  return JSON.stringify(node);
}

function glueColumn(c: HiveField): CfnTable.ColumnProperty {
  return { name: c.name, type: glueType(c.type), comment: c.comment };
}

/** One table definition (lib/athena/) as the Glue Data Catalog's TableInput. */
export function glueTableInput(def: ExternalTableDefinition): CfnTable.TableInputProperty {
  return {
    name: def.name,
    description: def.description,
    tableType: 'EXTERNAL_TABLE',
    parameters: { EXTERNAL: 'TRUE', ...def.properties },
    partitionKeys: def.partitionKeys.map(glueColumn),
    storageDescriptor: {
      columns: def.columns.map(glueColumn),
      location: def.location,
      inputFormat: def.inputFormat,
      outputFormat: def.outputFormat,
      serdeInfo: { serializationLibrary: def.serde.library, parameters: { ...def.serde.parameters } },
    },
  };
}

/**
 * A Glue view in the form Athena writes for CREATE VIEW: the Presto view (SQL and Presto column types) base64-encoded
 * in ViewOriginalText, the Hive column types in the storage descriptor.
 * See: https://docs.aws.amazon.com/athena/latest/ug/views.html
 */
export function glueViewInput(database: string): CfnTable.TableInputProperty {
  const encoded = Buffer.from(prestoViewJson(database, DECISION_TABLE), 'utf8').toString('base64');
  return {
    name: DECISION_LATEST_VIEW,
    description: 'gitlab-oidc-watch: the standing verdict of each event (one row per CloudTrail eventID)',
    tableType: 'VIRTUAL_VIEW',
    parameters: { presto_view: 'true', comment: 'Presto View' },
    viewOriginalText: `/* Presto View: ${encoded} */`,
    viewExpandedText: '/* Presto View */',
    partitionKeys: [],
    storageDescriptor: {
      columns: DECISION_LATEST_COLUMNS.map((c) => ({ name: c.name, type: c.hive, comment: c.comment })),
      serdeInfo: {},
    },
  };
}

/**
 * Athena over the service's history: a Glue database with the CloudTrail table (partition projection on account,
 * region and day, single-account or organization trail layout) and the decision-log table (projection on the event
 * day), a workgroup that enforces its own settings (SSE-S3 encrypted results in a dedicated bucket, a bytes-scanned
 * cutoff per query, engine v3, CloudWatch metrics), and the saved queries from lib/athena/.
 * See: https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 * See: https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings-override.html
 */
export class AthenaTables extends Construct {
  public readonly databaseName: string;
  public readonly workGroupName: string;
  public readonly cloudTrailTableName = CLOUDTRAIL_TABLE;
  public readonly decisionTableName = DECISION_TABLE;
  public readonly resultsBucket: Bucket;
  public readonly workGroup: CfnWorkGroup;
  public readonly database: CfnDatabase;
  public readonly cloudTrailTable: CfnTable;
  public readonly decisionTable: CfnTable;
  /** One row per event: the standing verdict (lib/athena/views.ts). */
  public readonly decisionLatestView: CfnTable;
  public readonly queries: readonly NamedQuerySpec[];
  /** Attach to the analysts' role: hunts and saved queries in this workgroup. */
  public readonly huntPolicy: ManagedPolicy;

  public constructor(scope: Construct, id: string, props: AthenaTablesProps) {
    super(scope, id);
    this.databaseName = props.databaseName ?? DEFAULT_DATABASE;
    this.workGroupName = props.workGroupName ?? DEFAULT_WORKGROUP;
    this.database = this.createDatabase();
    this.cloudTrailTable = this.createTable(
      'CloudTrailTable',
      glueTableInput(cloudTrailTableDefinition(props.athena, CLOUDTRAIL_TABLE)),
      this.database,
    );
    const decisions = decisionTableDefinition(
      {
        bucket: props.decisionLog.bucket.bucketName,
        prefix: props.decisionLog.prefix,
        startDate: props.athena.projectionStartDate.replace(/\//g, '-'),
      },
      DECISION_TABLE,
    );
    this.decisionTable = this.createTable('DecisionTable', glueTableInput(decisions), this.database);
    // "Latest verdict per event" over the history table: a Glue view as Athena itself stores one.
    this.decisionLatestView = this.createTable(
      'DecisionLatestView',
      glueViewInput(this.databaseName),
      this.decisionTable,
    );
    this.resultsBucket = this.createResultsBucket(props.accessLogsBucket);
    this.workGroup = this.createWorkGroup(props.athena.bytesScannedCutoffPerQuery);
    this.queries = this.createNamedQueries(props.config);
    this.huntPolicy = this.createHuntPolicy(props);
  }

  private createDatabase(): CfnDatabase {
    return new CfnDatabase(this, 'Database', {
      catalogId: Stack.of(this).account,
      databaseInput: {
        name: this.databaseName,
        description:
          'gitlab-oidc-watch: CloudTrail history and the decision log, for hunts and reconciliation',
      },
    });
  }

  private createTable(id: string, tableInput: CfnTable.TableInputProperty, after: CfnResource): CfnTable {
    const table = new CfnTable(this, id, {
      catalogId: Stack.of(this).account,
      databaseName: this.databaseName,
      tableInput,
    });
    table.addResourceDependency(after);
    return table;
  }

  private createResultsBucket(accessLogsBucket: AthenaTablesProps['accessLogsBucket']): Bucket {
    const bucket = new Bucket(this, 'Results', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: accessLogsBucket ? 'athena-results/' : undefined,
      lifecycleRules: [
        {
          id: 'expire-query-results',
          expiration: Duration.days(RESULTS_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    if (!accessLogsBucket) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'Athena query results are short-lived working files; queries themselves are recorded by CloudTrail.',
      });
    }
    return bucket;
  }

  private createWorkGroup(bytesScannedCutoffPerQuery: number): CfnWorkGroup {
    return new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'gitlab-oidc-watch hunts: enforced settings, encrypted results, bytes-scanned cutoff',
      state: 'ENABLED',
      // Lets `cdk destroy` remove a workgroup that has saved queries.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot override the output location, encryption or the cutoff.
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: Stack.of(this).account,
        },
      },
    });
  }

  private createNamedQueries(config: AthenaTablesProps['config']): readonly NamedQuerySpec[] {
    const queries = namedQueries({
      database: this.databaseName,
      cloudTrailTable: CLOUDTRAIL_TABLE,
      decisionTable: DECISION_TABLE,
      productionRoleArns: config.productionRoles.flatMap((r) => r.roleArns),
      gitLabIssuers: config.trustedIssuers.map((i) => i.issuer),
      lookbackDays: NAMED_QUERY_LOOKBACK_DAYS,
    });
    for (const q of queries) {
      const named = new CfnNamedQuery(this, `Query-${q.key}`, {
        name: q.name,
        description: q.description,
        database: this.databaseName,
        workGroup: this.workGroupName,
        queryString: q.sql,
      });
      named.addResourceDependency(this.workGroup);
      named.addResourceDependency(this.cloudTrailTable);
      named.addResourceDependency(this.decisionTable);
      named.addResourceDependency(this.decisionLatestView);
    }
    return queries;
  }

  /**
   * What `oidc-watch hunt --source athena` (and the saved queries in the console) need: run queries in this workgroup
   * only, read the two tables and the view, the trail's objects and the verdicts, write and read query results. Attach it to the
   * analysts' role.
   * See: https://docs.aws.amazon.com/athena/latest/ug/example-policies-workgroup.html
   * See: https://docs.aws.amazon.com/athena/latest/ug/security-iam-athena.html (results location permissions)
   */
  private createHuntPolicy(props: AthenaTablesProps): ManagedPolicy {
    const stack = Stack.of(this);
    const s3Arn = (suffix: string) => `arn:${stack.partition}:s3:::${suffix}`;
    const trailPrefix = props.athena.cloudTrailPrefix.replace(/^\/+|\/+$/g, '');
    const trailObjects = s3Arn(
      `${props.athena.cloudTrailBucket}/${trailPrefix === '' ? '' : `${trailPrefix}/`}AWSLogs/*`,
    );
    const resultObjects = this.resultsBucket.arnForObjects('results/*');
    const verdictObjects = props.decisionLog.bucket.arnForObjects(`${props.decisionLog.prefix}*`);
    const policy = new ManagedPolicy(this, 'HuntPolicy', {
      description: 'gitlab-oidc-watch: run hunts and saved queries in the oidc-watch Athena workgroup',
      statements: [
        ...this.queryStatements(),
        ...huntObjectStatements({
          trailObjects,
          verdictObjects,
          resultObjects,
          trailBucket: s3Arn(props.athena.cloudTrailBucket),
          verdictBucket: props.decisionLog.bucket.bucketArn,
          resultsBucket: this.resultsBucket.bucketArn,
        }),
      ],
    });
    const nag = (value: string): string => flattenCfnReference(stack.resolve(value));
    Validations.of(policy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${nag(trailObjects)}]`,
        reason: 'CloudTrail log objects under AWSLogs/: one per delivery, names unknown in advance.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nag(verdictObjects)}]`,
        reason: 'Verdict objects under the decision-log prefix: one per CloudTrail eventID.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nag(resultObjects)}]`,
        reason: 'Athena writes each query result under results/ with a name it chooses.',
      },
    );
    return policy;
  }

  /** Queries in this workgroup only, over the two tables and the view. */
  private queryStatements(): PolicyStatement[] {
    const stack = Stack.of(this);
    return [
      new PolicyStatement({
        sid: 'RunQueriesInTheWorkgroup',
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
          'athena:GetWorkGroup',
          'athena:GetNamedQuery',
          'athena:ListNamedQueries',
          'athena:BatchGetNamedQuery',
        ],
        resources: [
          stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName }),
        ],
      }),
      new PolicyStatement({
        sid: 'ReadTheTables',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          stack.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${this.databaseName}/${CLOUDTRAIL_TABLE}`,
          }),
          stack.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${this.databaseName}/${DECISION_TABLE}`,
          }),
          stack.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${this.databaseName}/${DECISION_LATEST_VIEW}`,
          }),
        ],
      }),
    ];
  }
}

/** S3 for hunts: read the trail's objects and the verdicts, list their buckets, write and read query results. */
function huntObjectStatements(r: {
  readonly trailObjects: string;
  readonly verdictObjects: string;
  readonly resultObjects: string;
  readonly trailBucket: string;
  readonly verdictBucket: string;
  readonly resultsBucket: string;
}): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'ReadTrailAndVerdicts',
      actions: ['s3:GetObject'],
      resources: [r.trailObjects, r.verdictObjects],
    }),
    new PolicyStatement({
      sid: 'ListTrailAndVerdictBuckets',
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [r.trailBucket, r.verdictBucket],
    }),
    new PolicyStatement({
      sid: 'QueryResults',
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [r.resultObjects],
    }),
    new PolicyStatement({
      sid: 'QueryResultsBucket',
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [r.resultsBucket],
    }),
  ];
}
