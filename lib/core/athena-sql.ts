/**
 * Athena over CloudTrail history and the decision log: table definitions, the named queries saved in the workgroup,
 * and the parameterized hunt query. Pure: the CDK construct turns a definition into a Glue CfnTable, the README shows
 * the same definition as CREATE EXTERNAL TABLE text, so the two cannot drift.
 *
 * Nothing that comes from a user at run time is ever concatenated into SQL: hunt filters travel as Athena
 * execution parameters (`?`). Named queries embed values from the validated configuration only, through
 * `sqlStringLiteral` / `likeLiteral`, and identifiers only after `sqlIdentifier` has checked them.
 */
import type { Deployment } from './config';

// ---------------------------------------------------------------------------------------------------------------
// Hive/Glue column types, one tree rendered two ways (Glue type string, pretty DDL).

export type HivePrimitive = 'string' | 'bigint' | 'int' | 'boolean' | 'double';

export type HiveType =
  | { readonly kind: 'primitive'; readonly name: HivePrimitive }
  | { readonly kind: 'struct'; readonly fields: readonly HiveField[] }
  | { readonly kind: 'array'; readonly element: HiveType }
  | { readonly kind: 'map'; readonly key: HiveType; readonly value: HiveType };

export interface HiveField {
  readonly name: string;
  readonly type: HiveType;
  readonly comment?: string;
}

const STRING: HiveType = { kind: 'primitive', name: 'string' };
const BIGINT: HiveType = { kind: 'primitive', name: 'bigint' };
const struct = (...fields: HiveField[]): HiveType => ({ kind: 'struct', fields });
const array = (element: HiveType): HiveType => ({ kind: 'array', element });
const map = (key: HiveType, value: HiveType): HiveType => ({ kind: 'map', key, value });
const f = (name: string, type: HiveType = STRING, comment?: string): HiveField =>
  comment === undefined ? { name, type } : { name, type, comment };

/** The Glue Data Catalog spelling: `struct<a:string,b:array<string>>`. */
export function glueType(t: HiveType): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'struct':
      return `struct<${t.fields.map((x) => `${x.name}:${glueType(x.type)}`).join(',')}>`;
    case 'array':
      return `array<${glueType(t.element)}>`;
    case 'map':
      return `map<${glueType(t.key)},${glueType(t.value)}>`;
  }
}

function ddlType(t: HiveType, indent: string): string {
  switch (t.kind) {
    case 'primitive':
      return t.name.toUpperCase();
    case 'struct': {
      const inner = `${indent}    `;
      return `STRUCT<\n${t.fields.map((x) => `${inner}${x.name}: ${ddlType(x.type, inner)}`).join(',\n')}>`;
    }
    case 'array':
      return `ARRAY<${ddlType(t.element, indent)}>`;
    case 'map':
      return `MAP<${ddlType(t.key, indent)}, ${ddlType(t.value, indent)}>`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Literals and identifiers.

/** A SQL string literal: single quotes doubled, the only escape Trino/Athena string literals know. */
export function sqlStringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * An Athena execution parameter for a string value. Athena substitutes parameters textually, so string values must
 * be passed quoted, with single quotes doubled.
 * See: https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html
 */
export function quoteExecutionParameter(value: string): string {
  return sqlStringLiteral(value);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,254}$/;

/** A Glue database or table name, double-quoted for DML. Throws RangeError on anything but [a-z0-9_]. */
export function sqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new RangeError(
      `not a valid Athena/Glue name (lower-case letters, digits, _): ${JSON.stringify(name)}`,
    );
  }
  return `"${name}"`;
}

/** The escape character used with every LIKE built here: `LIKE ... ESCAPE '\'`. */
export const LIKE_ESCAPE = '\\';

/**
 * Turns an ARN glob from the configuration (`*` any sequence, `?` one character, as lib/core/glob.ts) into a LIKE
 * pattern: `%`, `_` and the escape character in the glob are escaped so that `prod_deploy` does not match
 * `prodXdeploy`.
 */
export function likePattern(glob: string): string {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '%';
    else if (ch === '?') out += '_';
    else if (ch === '%' || ch === '_' || ch === LIKE_ESCAPE) out += `${LIKE_ESCAPE}${ch}`;
    else out += ch;
  }
  return out;
}

function likeLiteral(glob: string): string {
  return `${sqlStringLiteral(likePattern(glob))} ESCAPE ${sqlStringLiteral(LIKE_ESCAPE)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Table definitions.

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
 * The decision log (`<prefix>dt=YYYY-MM-DD/<eventId>.json`, see lib/core/ports.ts decisionLogKey) as a table with
 * date projection on `dt`, the EVENT day in UTC.
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
    description: 'gitlab-oidc-watch verdicts, one per CloudTrail eventID, partitioned by event day',
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

// ---------------------------------------------------------------------------------------------------------------
// Named queries.

export interface NamedQuerySpec {
  /** Stable key, used for construct IDs and the README. */
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

export interface NamedQueryOptions {
  readonly database: string;
  readonly cloudTrailTable: string;
  readonly decisionTable: string;
  /** Role-ARN globs of every production role (config productionRoles[].roleArns). */
  readonly productionRoleArns: readonly string[];
  /** Trusted GitLab issuers (config trustedIssuers[].issuer), e.g. https://gitlab.com. */
  readonly gitLabIssuers: readonly string[];
  /** How far back the queries look, in days: the partition filter that keeps the scan small. */
  readonly lookbackDays: number;
}

const webIdentity = (indent: string) =>
  `eventsource = 'sts.amazonaws.com'\n${indent}AND eventname = 'AssumeRoleWithWebIdentity'`;

/** `"timestamp" >= <yyyy/MM/dd N days ago>`: Athena folds current_date into a constant, so projection prunes. */
function deliveryDayFilter(days: number): string {
  return `"timestamp" >= date_format(current_date - interval '${days}' day, '%Y/%m/%d')`;
}

/**
 * The IAM OIDC provider of a GitLab issuer, as CloudTrail names it: `arn:aws:iam::<acct>:oidc-provider/<host[/path]>`
 * (a bare host in some older records).
 */
function providerPredicates(issuers: readonly string[], expr: string): string {
  const hosts = issuers.map((i) => i.replace(/^https?:\/\//, '').replace(/\/+$/, ''));
  return hosts
    .flatMap((h) => [
      `${expr} LIKE ${likeLiteral(`arn:*:iam::*:oidc-provider/${h}`)}`,
      `${expr} = ${sqlStringLiteral(h)}`,
    ])
    .join('\n      OR ');
}

/** Role ARNs compare case-insensitively, as the engine's production-role match does (IAM role names are). */
function roleArnPredicates(globs: readonly string[], expr: string): string {
  return globs.map((g) => `lower(${expr}) LIKE ${likeLiteral(g.toLowerCase())}`).join('\n      OR ');
}

const ROLE_ARN = `json_extract_scalar(requestparameters, '$.roleArn')`;
const SUBJECT = `coalesce(useridentity.username, json_extract_scalar(responseelements, '$.subjectFromWebIdentityToken'))`;
const PROVIDER = `coalesce(useridentity.identityprovider, json_extract_scalar(responseelements, '$.provider'))`;

export function namedQueries(o: NamedQueryOptions): readonly NamedQuerySpec[] {
  if (!Number.isInteger(o.lookbackDays) || o.lookbackDays < 1 || o.lookbackDays > 3650) {
    throw new RangeError(`lookbackDays must be an integer in 1..3650: ${o.lookbackDays}`);
  }
  if (o.productionRoleArns.length === 0) throw new RangeError('productionRoleArns is empty');
  if (o.gitLabIssuers.length === 0) throw new RangeError('gitLabIssuers is empty');
  const ct = `${sqlIdentifier(o.database)}.${sqlIdentifier(o.cloudTrailTable)}`;
  const dl = `${sqlIdentifier(o.database)}.${sqlIdentifier(o.decisionTable)}`;
  const days = o.lookbackDays;

  const byProjectAndRef = `-- GitLab web-identity assumptions of production roles, by project and ref (last ${days} days).
-- The token's sub is the truth (signed by GitLab); the session name is chosen by the caller.
WITH assumptions AS (
  SELECT
    ${ROLE_ARN} AS role_arn,
    ${SUBJECT} AS sub,
    json_extract_scalar(responseelements, '$.audience') AS audience,
    recipientaccountid,
    eventtime
  FROM ${ct}
  WHERE ${deliveryDayFilter(days)}
    AND ${webIdentity('    ')}
    AND errorcode IS NULL
    AND (${providerPredicates(o.gitLabIssuers, PROVIDER)})
    AND (${roleArnPredicates(o.productionRoleArns, ROLE_ARN)})
)
SELECT
  role_arn,
  regexp_extract(sub, '(?:^|:)project_path:([^:]+)', 1) AS project_path,
  regexp_extract(sub, '(?:^|:)project_id:([0-9]+)', 1) AS project_id,
  regexp_extract(sub, '(?:^|:)ref_type:([^:]+)', 1) AS ref_type,
  regexp_extract(sub, '(?:^|:)ref:([^:]+)', 1) AS ref,
  count(*) AS assumptions,
  count(DISTINCT recipientaccountid) AS accounts,
  array_join(array_agg(DISTINCT audience), ', ') AS audiences,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM assumptions
GROUP BY 1, 2, 3, 4, 5
ORDER BY assumptions DESC, role_arn, project_path, ref`;

  const failed = `-- Failed web-identity attempts (last ${days} days): a failure on a production role is a probe.
SELECT
  eventtime,
  recipientaccountid AS account_id,
  awsregion,
  ${ROLE_ARN} AS role_arn,
  json_extract_scalar(requestparameters, '$.roleSessionName') AS role_session_name,
  useridentity.username AS sub,
  useridentity.identityprovider AS identity_provider,
  errorcode,
  errormessage,
  sourceipaddress,
  useragent,
  eventid
FROM ${ct}
WHERE ${deliveryDayFilter(days)}
  AND ${webIdentity('  ')}
  AND errorcode IS NOT NULL
ORDER BY eventtime DESC`;

  const verdictsBySeverity = `-- Verdicts by severity over time (last ${days} days), from the decision log.
SELECT
  dt,
  verdict,
  severity,
  count(*) AS verdicts,
  count(DISTINCT rolearn) AS roles,
  count(DISTINCT projectid) AS projects
FROM ${dl}
WHERE dt >= date_format(current_date - interval '${days}' day, '%Y-%m-%d')
GROUP BY dt, verdict, severity
ORDER BY dt DESC,
  CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
  verdict`;

  // CloudTrail files sit under their DELIVERY day, decisions under the EVENT day (never later): the decision window
  // starts one day earlier. Events of the last hour are left out: the live path may still be judging them.
  const missing = `-- CloudTrail web-identity events with no verdict in the decision log (last ${days} days):
-- what the live EventBridge path missed. Judge them with: oidc-watch hunt --reconcile
SELECT
  c.eventid,
  c.eventtime,
  c.recipientaccountid AS account_id,
  c.awsregion,
  json_extract_scalar(c.requestparameters, '$.roleArn') AS role_arn,
  json_extract_scalar(c.requestparameters, '$.roleSessionName') AS role_session_name,
  coalesce(c.useridentity.username, json_extract_scalar(c.responseelements, '$.subjectFromWebIdentityToken')) AS sub,
  c.errorcode
FROM ${ct} c
LEFT JOIN (
  SELECT DISTINCT eventid
  FROM ${dl}
  WHERE dt >= date_format(current_date - interval '${days + 1}' day, '%Y-%m-%d')
) d ON d.eventid = c.eventid
WHERE c.${deliveryDayFilter(days)}
  AND c.eventsource = 'sts.amazonaws.com'
  AND c.eventname = 'AssumeRoleWithWebIdentity'
  AND from_iso8601_timestamp(c.eventtime) < current_timestamp - interval '1' hour
  AND d.eventid IS NULL
ORDER BY c.eventtime DESC`;

  return [
    {
      key: 'assumptions-by-project-ref',
      name: 'oidc-watch: production role assumptions by project and ref',
      description: `GitLab web-identity assumptions of production roles, grouped by project and ref, last ${days} days`,
      sql: byProjectAndRef,
    },
    {
      key: 'failed-web-identity',
      name: 'oidc-watch: failed web-identity attempts',
      description: `Failed AssumeRoleWithWebIdentity calls (AccessDenied, InvalidIdentityToken...), last ${days} days`,
      sql: failed,
    },
    {
      key: 'verdicts-by-severity',
      name: 'oidc-watch: verdicts by severity over time',
      description: `Decision-log verdicts per day, verdict and severity, last ${days} days`,
      sql: verdictsBySeverity,
    },
    {
      key: 'events-without-verdict',
      name: 'oidc-watch: web-identity events with no verdict',
      description: `CloudTrail AssumeRoleWithWebIdentity events missing from the decision log, last ${days} days`,
      sql: missing,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The hunt query (Athena source): structure fixed, every value a `?` execution parameter.

export interface HuntQueryOptions {
  readonly database: string;
  readonly table: string;
  /** Inclusive, ISO 8601. */
  readonly since: Date;
  /** Exclusive, ISO 8601. */
  readonly until: Date;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** Role ARN globs (`*` wildcard) or bare role names. */
  readonly roles?: readonly string[];
}

export interface ParameterizedQuery {
  readonly sql: string;
  /** Raw values, in `?` order; the adapter quotes them (quoteExecutionParameter). */
  readonly parameters: readonly string[];
}

/** The columns the hunt source reads, aliased flat so that a row maps 1:1 to a CloudTrail-shaped record. */
export const HUNT_COLUMNS = [
  'eventversion',
  'eventtime',
  'eventsource',
  'eventname',
  'awsregion',
  'sourceipaddress',
  'useragent',
  'errorcode',
  'errormessage',
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'requestid',
  'eventid',
  'readonly',
  'eventtype',
  'recipientaccountid',
  'useridentity_type',
  'useridentity_principalid',
  'useridentity_username',
  'useridentity_identityprovider',
] as const;
export type HuntColumn = (typeof HUNT_COLUMNS)[number];

/** `2025-04-16T03:46:56Z`: CloudTrail's eventTime shape, so string comparison is time comparison. */
export function cloudTrailTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function deliveryDay(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, '/');
}

/**
 * The ARN globs a hunt's role filter stands for: an ARN or ARN glob as given; a bare role name (globs allowed) in any
 * account, with or without an IAM path.
 */
export function roleGlobs(role: string): readonly string[] {
  if (role.startsWith('arn:')) return [role];
  if (!/^[A-Za-z0-9+=,.@_*?-]{1,64}$/.test(role))
    throw new RangeError(`not a role name, ARN or ARN glob: ${role}`);
  return [`arn:*:iam::*:role/${role}`, `arn:*:iam::*:role/*/${role}`];
}

const ACCOUNT_ID = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]$/;

export function huntQuery(o: HuntQueryOptions): ParameterizedQuery {
  if (!(o.since.getTime() < o.until.getTime())) throw new RangeError('since must be before until');
  const params: string[] = [];
  const p = (value: string) => {
    params.push(value);
    return '?';
  };
  const select = HUNT_COLUMNS.map((c) => {
    const nested = c.startsWith('useridentity_') ? `useridentity.${c.slice('useridentity_'.length)}` : null;
    return nested === null ? c : `${nested} AS ${c}`;
  });
  // Files sit under their delivery day, which is the event day or later: one extra day covers late delivery.
  const lastDay = new Date(o.until.getTime() + 24 * 3600 * 1000);
  const where = [
    `"timestamp" >= ${p(deliveryDay(o.since))}`,
    `"timestamp" <= ${p(deliveryDay(lastDay))}`,
    `eventsource = ${p('sts.amazonaws.com')}`,
    `eventname = ${p('AssumeRoleWithWebIdentity')}`,
    `eventtime >= ${p(cloudTrailTime(o.since))}`,
    `eventtime < ${p(cloudTrailTime(o.until))}`,
  ];
  if (o.accounts && o.accounts.length > 0) {
    for (const a of o.accounts)
      if (!ACCOUNT_ID.test(a)) throw new RangeError(`not a 12-digit account ID: ${a}`);
    where.push(`account IN (${o.accounts.map((a) => p(a)).join(', ')})`);
  }
  if (o.regions && o.regions.length > 0) {
    for (const r of o.regions) if (!REGION.test(r)) throw new RangeError(`not an AWS region: ${r}`);
    where.push(`region IN (${o.regions.map((r) => p(r)).join(', ')})`);
  }
  if (o.roles && o.roles.length > 0) {
    const likes = o.roles
      .flatMap(roleGlobs)
      .map(
        (g) =>
          `lower(${ROLE_ARN}) LIKE ${p(likePattern(g.toLowerCase()))} ESCAPE ${sqlStringLiteral(LIKE_ESCAPE)}`,
      );
    where.push(`(${likes.join(' OR ')})`);
  }
  const sql = `SELECT\n  ${select.join(',\n  ')}\nFROM ${sqlIdentifier(o.database)}.${sqlIdentifier(o.table)}\nWHERE ${where.join('\n  AND ')}`;
  return { sql, parameters: params };
}
