/** The named queries saved in the Athena workgroup, built from the validated configuration only. */
import { likeLiteral, sqlIdentifier, sqlStringLiteral } from './literals';
import { PROVIDER, ROLE_ARN, SUBJECT } from './tables';
import { DECISION_LATEST_VIEW } from './views';

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

/** The validated inputs every query is built from: qualified table and view names, look-back days, config. */
interface QueryContext {
  /** The CloudTrail table. */
  readonly ct: string;
  /** The decision log (every evaluation). */
  readonly dl: string;
  /** The standing verdict per event (view). */
  readonly latest: string;
  readonly days: number;
  readonly o: NamedQueryOptions;
}

function assumptionsByProjectAndRef({ ct, days, o }: QueryContext): NamedQuerySpec {
  return {
    key: 'assumptions-by-project-ref',
    name: 'oidc-watch: production role assumptions by project and ref',
    description: `GitLab web-identity assumptions of production roles, grouped by project and ref, last ${days} days`,
    sql: `-- GitLab web-identity assumptions of production roles, by project and ref (last ${days} days).
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
ORDER BY assumptions DESC, role_arn, project_path, ref`,
  };
}

function failedWebIdentity({ ct, days }: QueryContext): NamedQuerySpec {
  return {
    key: 'failed-web-identity',
    name: 'oidc-watch: failed web-identity attempts',
    description: `Failed AssumeRoleWithWebIdentity calls (AccessDenied, InvalidIdentityToken...), last ${days} days`,
    sql: `-- Failed web-identity attempts (last ${days} days): a failure on a production role is a probe.
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
ORDER BY eventtime DESC`,
  };
}

function verdictsBySeverity({ latest, days }: QueryContext): NamedQuerySpec {
  return {
    key: 'verdicts-by-severity',
    name: 'oidc-watch: verdicts by severity over time',
    description: `Standing verdicts (one per event) per day, verdict and severity, last ${days} days`,
    sql: `-- Verdicts by severity over time (last ${days} days): one standing verdict per event
-- (view ${DECISION_LATEST_VIEW}), however many times the event was evaluated.
SELECT
  dt,
  verdict,
  severity,
  count(*) AS verdicts,
  count(DISTINCT rolearn) AS roles,
  count(DISTINCT projectid) AS projects
FROM ${latest}
WHERE dt >= date_format(current_date - interval '${days}' day, '%Y-%m-%d')
GROUP BY dt, verdict, severity
ORDER BY dt DESC,
  CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
  verdict`,
  };
}

/** The full history of every event whose standing verdict changed after its first alert (an UPDATE was sent). */
function verdictUpdates({ dl, latest, days }: QueryContext): NamedQuerySpec {
  return {
    key: 'verdict-updates',
    name: 'oidc-watch: verdict history of updated events',
    description: `Every evaluation of the events whose verdict changed after the first alert, last ${days} days`,
    sql: `-- Verdict history of events that received an UPDATE (last ${days} days), every evaluation in order.
SELECT
  h.eventid,
  h.recordedat,
  h.trigger,
  h.verdict,
  h.severity,
  array_join(transform(h.findings, x -> x.code), ',') AS findings,
  h.publication.action AS publication,
  h.publication.reason AS reason,
  h.publication.sequence AS message,
  h.publication.messageid AS message_id,
  h.standing.verdict AS standing_verdict
FROM ${dl} h
JOIN ${latest} l ON l.dt = h.dt AND l.eventid = h.eventid
WHERE h.dt >= date_format(current_date - interval '${days}' day, '%Y-%m-%d')
  AND l.dt >= date_format(current_date - interval '${days}' day, '%Y-%m-%d')
  AND l.messages > 1
ORDER BY h.eventid, h.recordedat`,
  };
}

/**
 * CloudTrail files sit under their DELIVERY day, decisions under the EVENT day (never later): the decision window
 * starts one day earlier. Events of the last hour are left out: the live path may still be judging them.
 */
function eventsWithoutVerdict({ ct, dl, days }: QueryContext): NamedQuerySpec {
  return {
    key: 'events-without-verdict',
    name: 'oidc-watch: web-identity events with no verdict',
    description: `CloudTrail AssumeRoleWithWebIdentity events missing from the decision log, last ${days} days`,
    sql: `-- CloudTrail web-identity events with no verdict in the decision log (last ${days} days):
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
ORDER BY c.eventtime DESC`,
  };
}

export function namedQueries(o: NamedQueryOptions): readonly NamedQuerySpec[] {
  if (!Number.isInteger(o.lookbackDays) || o.lookbackDays < 1 || o.lookbackDays > 3650) {
    throw new RangeError(`lookbackDays must be an integer in 1..3650: ${o.lookbackDays}`);
  }
  if (o.productionRoleArns.length === 0) throw new RangeError('productionRoleArns is empty');
  if (o.gitLabIssuers.length === 0) throw new RangeError('gitLabIssuers is empty');
  const context: QueryContext = {
    ct: `${sqlIdentifier(o.database)}.${sqlIdentifier(o.cloudTrailTable)}`,
    dl: `${sqlIdentifier(o.database)}.${sqlIdentifier(o.decisionTable)}`,
    latest: `${sqlIdentifier(o.database)}.${sqlIdentifier(DECISION_LATEST_VIEW)}`,
    days: o.lookbackDays,
    o,
  };
  return [
    assumptionsByProjectAndRef,
    failedWebIdentity,
    verdictsBySeverity,
    verdictUpdates,
    eventsWithoutVerdict,
  ].map((build) => build(context));
}
