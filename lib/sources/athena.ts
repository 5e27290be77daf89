/**
 * Record source over the Athena CloudTrail table: one parameterized query for AssumeRoleWithWebIdentity in a time
 * range (plus optional account, region and role filters, all execution parameters), each row rebuilt as a
 * CloudTrail-shaped record and normalized by the same code as every other source.
 * See: https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 */
import { type HuntColumn, huntQuery, type HuntQueryOptions } from '../athena';
import type { AthenaQueryPort, AthenaRow } from '../athena/port';
import { type RecordSource, recordToItem, type SourceItem } from '../core/source';

/** The hunt query's filters (lib/athena), plus where and how to run it. */
export interface AthenaSourceOptions extends HuntQueryOptions {
  readonly athena: AthenaQueryPort;
  readonly workGroup: string;
  readonly signal?: AbortSignal;
  readonly deadlineMs?: number;
  /** Called once the query succeeded (progress display, cost reporting). */
  readonly onQueryDone?: (info: { queryExecutionId: string; dataScannedBytes: number | null }) => void;
}

type Row = Partial<Record<HuntColumn, string | null>>;

function put(target: Record<string, unknown>, key: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined) target[key] = value;
}

/**
 * Rebuilds the CloudTrail record from a hunt row. The JSON columns (requestparameters, responseelements,
 * additionaleventdata) stay JSON text: normalizeRecord accepts both. NULL columns are left out, as CloudTrail does.
 */
export function rowToRecord(row: AthenaRow): Record<string, unknown> {
  const r: Row = row;
  const record: Record<string, unknown> = {};
  put(record, 'eventVersion', r.eventversion);
  const identity: Record<string, unknown> = {};
  put(identity, 'type', r.useridentity_type);
  put(identity, 'principalId', r.useridentity_principalid);
  put(identity, 'userName', r.useridentity_username);
  put(identity, 'identityProvider', r.useridentity_identityprovider);
  if (Object.keys(identity).length > 0) record.userIdentity = identity;
  put(record, 'eventTime', r.eventtime);
  put(record, 'eventSource', r.eventsource);
  put(record, 'eventName', r.eventname);
  put(record, 'awsRegion', r.awsregion);
  put(record, 'sourceIPAddress', r.sourceipaddress);
  put(record, 'userAgent', r.useragent);
  put(record, 'errorCode', r.errorcode);
  put(record, 'errorMessage', r.errormessage);
  put(record, 'requestParameters', r.requestparameters);
  put(record, 'responseElements', r.responseelements);
  put(record, 'additionalEventData', r.additionaleventdata);
  put(record, 'requestID', r.requestid);
  put(record, 'eventID', r.eventid);
  if (r.readonly === 'true' || r.readonly === 'false') record.readOnly = r.readonly === 'true';
  put(record, 'eventType', r.eventtype);
  put(record, 'recipientAccountId', r.recipientaccountid);
  return record;
}

/** Streams SourceItems from an Athena hunt query. Throws the runner's errors (failed, cancelled, deadline). */
export function athenaSource(o: AthenaSourceOptions): RecordSource {
  return {
    async *[Symbol.asyncIterator](): AsyncGenerator<SourceItem> {
      const q = huntQuery({
        database: o.database,
        table: o.table,
        since: o.since,
        until: o.until,
        accounts: o.accounts,
        regions: o.regions,
        roles: o.roles,
      });
      const execution = await o.athena.execute(
        { sql: q.sql, parameters: q.parameters, workGroup: o.workGroup, database: o.database },
        { signal: o.signal, deadlineMs: o.deadlineMs },
      );
      o.onQueryDone?.({
        queryExecutionId: execution.queryExecutionId,
        dataScannedBytes: execution.dataScannedBytes,
      });
      const source = `athena:${execution.queryExecutionId}`;
      let record = 0;
      for await (const row of execution.rows()) {
        record += 1;
        yield recordToItem(rowToRecord(row), source, record);
      }
    },
  };
}
