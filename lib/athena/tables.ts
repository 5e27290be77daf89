/**
 * Table definitions for CloudTrail history and the decision log. The CDK construct turns a definition into a Glue
 * CfnTable, the README shows the same definition as CREATE EXTERNAL TABLE text, so the two cannot drift.
 */
import { array, BIGINT, ddlType, f, type HiveField, INT, map, STRING, struct } from './hive';
import { sqlIdentifier, sqlStringLiteral } from './literals';
import type { Deployment } from '../core/config';

export interface ExternalTableDefinition {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly HiveField[];
  readonly partitionKeys: readonly HiveField[];
  readonly location: string;
  readonly inputFormat: string;
  readonly outputFormat: string;
  readonly serde: { readonly library: string; readonly parameters: Readonly<Record<string, string>> };
  /** TBLPROPERTIES: partition projection and the location template live here. */
  readonly properties: Readonly<Record<string, string>>;
}

export const DEFAULT_DATABASE = 'oidc_watch';
export const CLOUDTRAIL_TABLE = 'cloudtrail_logs';
/** The Athena workgroup the stack creates for hunts. */
export const DEFAULT_WORKGROUP = 'oidc-watch';
export const DECISION_TABLE = 'decisions';

/**
 * The CloudTrail columns as the Athena User Guide documents them for the partition-projection table, with one
 * deliberate addition: `useridentity.identityprovider`, which the documented struct lacks and which names the OIDC
 * provider of a `WebIdentityUser` (the JSON SerDe leaves it null on other records).
 * See: https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#stscloudtrailexample-assumerolewithwebidentity
 */
export const CLOUDTRAIL_COLUMNS: readonly HiveField[] = [
  f('eventversion'),
  f(
    'useridentity',
    struct(
      f('type'),
      f('principalid'),
      f('arn'),
      f('accountid'),
      f('invokedby'),
      f('accesskeyid'),
      f('username'),
      f('onbehalfof', struct(f('userid'), f('identitystorearn'))),
      f(
        'sessioncontext',
        struct(
          f('attributes', struct(f('mfaauthenticated'), f('creationdate'))),
          f('sessionissuer', struct(f('type'), f('principalid'), f('arn'), f('accountid'), f('username'))),
          f('ec2roledelivery'),
          f('webidfederationdata', struct(f('federatedprovider'), f('attributes', map(STRING, STRING)))),
        ),
      ),
      f('identityprovider'),
    ),
  ),
  f('eventtime'),
  f('eventsource'),
  f('eventname'),
  f('awsregion'),
  f('sourceipaddress'),
  f('useragent'),
  f('errorcode'),
  f('errormessage'),
  f('requestparameters', STRING, 'JSON text: use json_extract_scalar'),
  f('responseelements', STRING, 'JSON text: use json_extract_scalar'),
  f('additionaleventdata', STRING, 'JSON text: use json_extract_scalar'),
  f('requestid'),
  f('eventid'),
  f('readonly'),
  f('resources', array(struct(f('arn'), f('accountid'), f('type')))),
  f('eventtype'),
  f('apiversion'),
  f('recipientaccountid'),
  f('serviceeventdetails'),
  f('sharedeventid'),
  f('vpcendpointid'),
  f('vpcendpointaccountid'),
  f('eventcategory'),
  f('addendum', struct(f('reason'), f('updatedfields'), f('originalrequestid'), f('originaleventid'))),
  f('sessioncredentialfromconsole'),
  f('edgedevicedetails'),
  f('tlsdetails', struct(f('tlsversion'), f('ciphersuite'), f('clientprovidedhostheader'))),
];

export type AthenaSettings = NonNullable<Deployment['athena']>;

/** `s3://bucket/[prefix/]AWSLogs/[o-org/]`: where a trail's objects start. */
export function cloudTrailLogsRoot(
  s: Pick<AthenaSettings, 'cloudTrailBucket' | 'cloudTrailPrefix' | 'organizationId'>,
): string {
  const prefix = s.cloudTrailPrefix.replace(/^\/+|\/+$/g, '');
  const org = s.organizationId === undefined ? '' : `${s.organizationId}/`;
  return `s3://${s.cloudTrailBucket}/${prefix === '' ? '' : `${prefix}/`}AWSLogs/${org}`;
}

/**
 * The CloudTrail table with partition projection on account, region and the delivery day. A single-account trail
 * writes `AWSLogs/<account>/CloudTrail/<region>/yyyy/MM/dd/`; an organization trail inserts the organization ID:
 * `AWSLogs/<o-id>/<account>/CloudTrail/<region>/yyyy/MM/dd/`.
 * See: https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-find-log-files.html
 */
export function cloudTrailTableDefinition(
  s: AthenaSettings,
  name = CLOUDTRAIL_TABLE,
): ExternalTableDefinition {
  if (s.accounts.some((a) => a.includes(',')) || s.regions.some((r) => r.includes(','))) {
    throw new RangeError(
      'accounts and regions cannot contain commas (projection enum values are comma-separated)',
    );
  }
  const root = cloudTrailLogsRoot(s);
  return {
    name,
    description: s.organizationId
      ? `CloudTrail organization trail ${s.organizationId} in s3://${s.cloudTrailBucket}, partition projection on account, region, day`
      : `CloudTrail logs in s3://${s.cloudTrailBucket}, partition projection on account, region, day`,
    columns: CLOUDTRAIL_COLUMNS,
    partitionKeys: [f('account'), f('region'), f('timestamp', STRING, 'delivery day, yyyy/MM/dd (UTC)')],
    location: root,
    inputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    serde: { library: 'org.apache.hive.hcatalog.data.JsonSerDe', parameters: {} },
    properties: {
      classification: 'cloudtrail',
      'projection.enabled': 'true',
      'projection.account.type': 'enum',
      'projection.account.values': s.accounts.join(','),
      'projection.region.type': 'enum',
      'projection.region.values': s.regions.join(','),
      'projection.timestamp.type': 'date',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.range': `${s.projectionStartDate},NOW`,
      'projection.timestamp.interval': '1',
      'projection.timestamp.interval.unit': 'DAYS',
      'storage.location.template': `${root}\${account}/CloudTrail/\${region}/\${timestamp}`,
    },
  };
}

/** The decision-log columns: the Verdict as the service writes it (one JSON object per line), lower-cased. */
export const DECISION_COLUMNS: readonly HiveField[] = [
  f('eventid'),
  f('eventtime'),
  f('accountid'),
  f('region'),
  f('rolearn'),
  f('rolesessionname'),
  f('subject'),
  f('issuer'),
  f('audience'),
  f('sourceip'),
  f('useragent'),
  f('errorcode'),
  f('verdict', STRING, 'alert | unverified | ok | ignored'),
  f('severity', STRING, 'critical | high | medium | low | info'),
  f('policy'),
  f('reason'),
  f('findings', array(struct(f('code'), f('class'), f('severity'), f('message')))),
  f(
    'pipeline',
    struct(
      f('id', BIGINT),
      f('projectid', BIGINT),
      f('ref'),
      f('source'),
      f('status'),
      f('username'),
      f('weburl'),
      f('createdat'),
    ),
  ),
  f('projectid', BIGINT),
  f('evaluatedat'),
  // One record per evaluation (issue 9): absent (null) on records written before the decision history.
  f('recordid', STRING, 'unique per evaluation: <recordedAt>.<verdict>.<nonce>, the end of the object key'),
  f('recordedat', STRING, 'when the evaluation was recorded, after its publication decision'),
  f('trigger', STRING, 'live | reconcile | cli'),
  f(
    'publication',
    struct(
      f('action', STRING, 'initial | update | none'),
      f('reason'),
      f('sequence', INT),
      f('messageid'),
      f('refersto', STRING, 'SNS MessageId of the first alert of the event'),
    ),
  ),
  f(
    'standing',
    struct(f('verdict'), f('severity'), f('sequence', INT), f('alertcodes', array(STRING))),
    'what responders were told about the event after this evaluation',
  ),
];

export interface DecisionTableSettings {
  /** Bucket name (a CDK token is fine: it is only concatenated). */
  readonly bucket: string;
  /** Key prefix before `dt=`, e.g. `decisions/`. */
  readonly prefix: string;
  /** First day of the projection, yyyy-MM-dd. */
  readonly startDate: string;
}

/**
 * The decision history (`<prefix>dt=YYYY-MM-DD/<eventId>.<recordedAt>.<verdict>.<nonce>.json`, one object per
 * evaluation, see lib/core/ports.ts decisionRecordKey) as a table with date projection on `dt`, the EVENT day in UTC.
 * Every row is one evaluation: the full history. DECISION_LATEST_VIEW gives one row per event.
 * See: https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
 */
export function decisionTableDefinition(
  s: DecisionTableSettings,
  name = DECISION_TABLE,
): ExternalTableDefinition {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s.startDate))
    throw new RangeError(`startDate is not yyyy-MM-dd: ${s.startDate}`);
  const root = `s3://${s.bucket}/${s.prefix}`;
  return {
    name,
    description:
      'gitlab-oidc-watch verdict history: one row per evaluation of a CloudTrail event, partitioned by event day',
    columns: DECISION_COLUMNS,
    partitionKeys: [f('dt', STRING, 'event day, yyyy-MM-dd (UTC)')],
    location: root,
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    // OpenX JSON SerDe: camelCase keys (eventId) map to lower-case columns (eventid).
    // See: https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html
    serde: { library: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'case.insensitive': 'true' } },
    properties: {
      classification: 'json',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': `${s.startDate},NOW`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': `${root}dt=\${dt}/`,
    },
  };
}

/** The same definition as the CREATE EXTERNAL TABLE statement a person would paste into the Athena console. */
export function createTableStatement(database: string, t: ExternalTableDefinition): string {
  sqlIdentifier(database);
  sqlIdentifier(t.name);
  const column = (c: HiveField) =>
    `    ${c.name} ${ddlType(c.type, '    ')}${c.comment === undefined ? '' : ` COMMENT ${sqlStringLiteral(c.comment)}`}`;
  const partition = (c: HiveField) =>
    `    \`${c.name}\` ${ddlType(c.type, '    ')}${c.comment === undefined ? '' : ` COMMENT ${sqlStringLiteral(c.comment)}`}`;
  const serdeParams = Object.entries(t.serde.parameters);
  const props = Object.entries(t.properties);
  return [
    `CREATE EXTERNAL TABLE \`${database}\`.\`${t.name}\` (`,
    t.columns.map(column).join(',\n'),
    ')',
    `COMMENT ${sqlStringLiteral(t.description)}`,
    'PARTITIONED BY (',
    t.partitionKeys.map(partition).join(',\n'),
    ')',
    `ROW FORMAT SERDE ${sqlStringLiteral(t.serde.library)}`,
    ...(serdeParams.length > 0
      ? [
          `WITH SERDEPROPERTIES (${serdeParams.map(([k, v]) => `${sqlStringLiteral(k)} = ${sqlStringLiteral(v)}`).join(', ')})`,
        ]
      : []),
    `STORED AS INPUTFORMAT ${sqlStringLiteral(t.inputFormat)}`,
    `OUTPUTFORMAT ${sqlStringLiteral(t.outputFormat)}`,
    `LOCATION ${sqlStringLiteral(t.location)}`,
    'TBLPROPERTIES (',
    props.map(([k, v]) => `    ${sqlStringLiteral(k)} = ${sqlStringLiteral(v)}`).join(',\n'),
    ');',
  ].join('\n');
}

// Expressions over the CloudTrail table that the named queries and the hunt query share.
export const ROLE_ARN = `json_extract_scalar(requestparameters, '$.roleArn')`;
export const SUBJECT = `coalesce(useridentity.username, json_extract_scalar(responseelements, '$.subjectFromWebIdentityToken'))`;
export const PROVIDER = `coalesce(useridentity.identityprovider, json_extract_scalar(responseelements, '$.provider'))`;
