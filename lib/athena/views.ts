/**
 * The view over the decision history that answers "what is the verdict of each event": one row per CloudTrail
 * eventID, the STANDING verdict (what responders were told, lib/core/publication.ts), not merely the last
 * evaluation (a redelivery GitLab could not verify does not displace an alert).
 *
 * Deployed as a Glue VIRTUAL_VIEW by the stack (infra/constructs/athena-tables.ts) and printed as CREATE VIEW by
 * `oidc-watch athena-sql`, from this one definition. A Glue view stores its columns twice, as Hive types (DDL) and
 * inside the encoded Presto view as Presto types (queries); a mismatch makes Athena report the view as stale, so
 * each column names both here.
 * See: https://docs.aws.amazon.com/athena/latest/ug/views.html
 */
import { sqlIdentifier } from './literals';

export const DECISION_LATEST_VIEW = 'decisions_latest';

export interface ViewColumn {
  readonly name: string;
  /** Glue (Hive) type. */
  readonly hive: 'string' | 'bigint' | 'int';
  /** Athena engine (Presto/Trino) type. */
  readonly presto: 'varchar' | 'bigint' | 'integer';
  readonly comment: string;
}

const varchar = (name: string, comment: string): ViewColumn => ({
  name,
  hive: 'string',
  presto: 'varchar',
  comment,
});

export const DECISION_LATEST_COLUMNS: readonly ViewColumn[] = [
  varchar('eventid', 'CloudTrail eventID'),
  varchar('eventtime', 'CloudTrail eventTime'),
  varchar('dt', 'event day, yyyy-MM-dd (UTC): filter on it to prune partitions'),
  varchar('accountid', 'account that owns the role'),
  varchar('region', 'region where the call was logged'),
  varchar('rolearn', 'the role'),
  varchar('rolesessionname', 'caller-chosen session name (a hint)'),
  varchar('subject', "the token's sub (signed by GitLab)"),
  varchar('issuer', 'OIDC issuer'),
  varchar('policy', 'matched production role policy'),
  { name: 'projectid', hive: 'bigint', presto: 'bigint', comment: "the sub's project id" },
  varchar('verdict', 'standing verdict: what responders were last told (alert | unverified | ok | ignored)'),
  varchar('severity', 'routing severity of the standing verdict'),
  { name: 'messages', hive: 'int', presto: 'integer', comment: 'alert messages published (first + updates)' },
  varchar('first_message_id', 'SNS MessageId of the first alert, null when none was sent'),
  varchar('last_evaluation_verdict', 'verdict of the latest evaluation (may be unverified under an alert)'),
  varchar('last_evaluation_findings', 'finding codes of the latest evaluation, comma-separated'),
  { name: 'evaluations', hive: 'bigint', presto: 'bigint', comment: 'evaluations recorded for the event' },
  varchar('first_recorded_at', 'first evaluation recorded'),
  varchar('last_recorded_at', 'latest evaluation recorded'),
];

/**
 * The view's SELECT. The window is partitioned by (dt, eventid) — every record of an event shares its event day — so a
 * `WHERE dt >= ...` on the view is pushed down to the table's partition projection. Records written before the
 * decision history (no `standing`, no `recordedat`) count as their own standing, ordered by `evaluatedat`.
 */
export function decisionLatestViewSql(database: string, decisionTable: string): string {
  const table = `${sqlIdentifier(database)}.${sqlIdentifier(decisionTable)}`;
  return `SELECT
  eventid, eventtime, dt, accountid, region, rolearn, rolesessionname, subject, issuer, policy, projectid,
  coalesce(standing.verdict, verdict) AS verdict,
  coalesce(standing.severity, severity) AS severity,
  coalesce(standing.sequence, 0) AS messages,
  first_message_id,
  verdict AS last_evaluation_verdict,
  array_join(transform(findings, x -> x.code), ',') AS last_evaluation_findings,
  evaluations,
  first_recorded_at,
  coalesce(recordedat, evaluatedat) AS last_recorded_at
FROM (
  SELECT
    d.*,
    count(*) OVER (PARTITION BY dt, eventid) AS evaluations,
    min(coalesce(recordedat, evaluatedat)) OVER (PARTITION BY dt, eventid) AS first_recorded_at,
    max(CASE WHEN publication.sequence = 1 THEN publication.messageid END) OVER (PARTITION BY dt, eventid)
      AS first_message_id,
    row_number() OVER (
      PARTITION BY dt, eventid
      ORDER BY coalesce(standing.sequence, 0) DESC, coalesce(recordedat, evaluatedat) DESC
    ) AS latest
  FROM ${table} d
)
WHERE latest = 1`;
}

/** The CREATE VIEW statement for the Athena console (what `oidc-watch athena-sql` prints). */
export function createDecisionLatestViewStatement(database: string, decisionTable: string): string {
  return `CREATE OR REPLACE VIEW ${sqlIdentifier(database)}.${sqlIdentifier(DECISION_LATEST_VIEW)} AS\n${decisionLatestViewSql(database, decisionTable)};`;
}

/**
 * What Glue stores for an Athena view: `/* Presto View: <base64 of this JSON> *\/` as ViewOriginalText. The caller
 * base64-encodes it (lib/athena stays free of node: built-ins).
 */
export function prestoViewJson(database: string, decisionTable: string): string {
  return JSON.stringify({
    originalSql: decisionLatestViewSql(database, decisionTable),
    catalog: 'awsdatacatalog',
    schema: database,
    columns: DECISION_LATEST_COLUMNS.map((c) => ({ name: c.name, type: c.presto })),
  });
}
