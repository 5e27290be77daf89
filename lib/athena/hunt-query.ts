/** The hunt query (Athena source): structure fixed, every value a `?` execution parameter. */
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, roleGlobs } from '../core/aws-names';
import { LIKE_ESCAPE, likePattern, sqlIdentifier, sqlStringLiteral } from './literals';
import { ROLE_ARN } from './tables';

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
      if (!ACCOUNT_ID_PATTERN.test(a)) throw new RangeError(`not a 12-digit account ID: ${a}`);
    where.push(`account IN (${o.accounts.map((a) => p(a)).join(', ')})`);
  }
  if (o.regions && o.regions.length > 0) {
    for (const r of o.regions) if (!REGION_PATTERN.test(r)) throw new RangeError(`not an AWS region: ${r}`);
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
