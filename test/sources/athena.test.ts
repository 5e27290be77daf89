import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsOutput,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaQueryRunner } from '../../lib/adapters/athena';
import { HUNT_COLUMNS, type HuntColumn } from '../../lib/athena';
import type { SourceItem } from '../../lib/core/source';
import { athenaSource, rowToRecord } from '../../lib/sources/athena';
import { loadFixture } from '../support/fixtures';

const athena = mockClient(AthenaClient);
const QUERY_ID = 'b2c3d4e5-6789-40ab-8def-EXAMPLE22222';

type Json = Record<string, unknown>;

/** What Athena returns for a CloudTrail record through the documented table: JSON columns as JSON text. */
function athenaRow(record: Json): (string | null)[] {
  const identity = (record.userIdentity ?? {}) as Json;
  const text = (v: unknown): string | null =>
    v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
  const values: Record<HuntColumn, string | null> = {
    eventversion: text(record.eventVersion),
    eventtime: text(record.eventTime),
    eventsource: text(record.eventSource),
    eventname: text(record.eventName),
    awsregion: text(record.awsRegion),
    sourceipaddress: text(record.sourceIPAddress),
    useragent: text(record.userAgent),
    errorcode: text(record.errorCode),
    errormessage: text(record.errorMessage),
    requestparameters: text(record.requestParameters),
    responseelements: text(record.responseElements),
    additionaleventdata: text(record.additionalEventData),
    requestid: text(record.requestID),
    eventid: text(record.eventID),
    readonly: text(record.readOnly),
    eventtype: text(record.eventType),
    recipientaccountid: text(record.recipientAccountId),
    useridentity_type: text(identity.type),
    useridentity_principalid: text(identity.principalId),
    useridentity_username: text(identity.userName),
    useridentity_identityprovider: text(identity.identityProvider),
  };
  return HUNT_COLUMNS.map((c) => values[c]);
}

function page(rows: (string | null)[][], nextToken?: string): GetQueryResultsOutput {
  return {
    ResultSet: { Rows: rows.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })) },
    NextToken: nextToken,
  };
}

async function collect(source: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of source) items.push(item);
  return items;
}

const instant = { now: () => 0, sleep: async () => undefined };

beforeEach(() => {
  athena.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
  athena.on(GetQueryExecutionCommand).resolves({
    QueryExecution: {
      QueryExecutionId: QUERY_ID,
      Status: { State: 'SUCCEEDED' },
      Statistics: { DataScannedInBytes: 1_048_576 },
    },
  });
});

describe('athenaSource', () => {
  it('turns hunt rows into the same assumptions as the original records, across result pages', async () => {
    const success = loadFixture('web-identity-success') as Json;
    const failed = loadFixture('web-identity-failed-access-denied') as Json;
    const athenaStrings = loadFixture('web-identity-athena-strings') as Json;
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(page([[...HUNT_COLUMNS], athenaRow(success), athenaRow(failed)], 'next'))
      .resolvesOnce(page([athenaRow(athenaStrings)]));
    const done: unknown[] = [];

    const items = await collect(
      athenaSource({
        athena: new AthenaQueryRunner(new AthenaClient({}), instant),
        workGroup: 'oidc-watch',
        database: 'oidc_watch',
        table: 'cloudtrail_logs',
        since: new Date('2025-04-16T00:00:00Z'),
        until: new Date('2025-04-17T00:00:00Z'),
        onQueryDone: (info) => done.push(info),
      }),
    );

    expect(items.map((i) => i.kind)).toEqual(['assumption', 'assumption', 'assumption']);
    const [first, second, third] = items;
    if (first?.kind !== 'assumption' || second?.kind !== 'assumption' || third?.kind !== 'assumption')
      throw new Error('kinds');
    expect(first.source).toBe(`athena:${QUERY_ID}`);
    expect(first.record).toBe(1);
    expect(first.assumption).toMatchObject({
      eventId: success.eventID,
      roleArn: 'arn:aws:iam::123456789012:role/prod-deploy',
      subject: (success.userIdentity as Json).userName,
      issuer: 'https://gitlab.com',
      audience: 'https://gitlab.com',
      errorCode: null,
    });
    expect(second.assumption).toMatchObject({
      eventId: failed.eventID,
      errorCode: 'AccessDenied',
      audience: null,
    });
    expect(third.record).toBe(3);
    expect(third.assumption).toMatchObject({
      eventId: athenaStrings.eventID,
      roleSessionName: 'pipeline-1452260042',
      endpointType: 'global',
    });
    expect(done).toEqual([{ queryExecutionId: QUERY_ID, dataScannedBytes: 1_048_576 }]);
  });

  it('sends every filter as an execution parameter, never inside the SQL text', async () => {
    athena.on(GetQueryResultsCommand).resolves(page([[...HUNT_COLUMNS]]));

    await collect(
      athenaSource({
        athena: new AthenaQueryRunner(new AthenaClient({}), instant),
        workGroup: 'oidc-watch',
        database: 'oidc_watch',
        table: 'cloudtrail_logs',
        since: new Date('2025-04-10T06:00:00Z'),
        until: new Date('2025-04-16T06:00:00Z'),
        accounts: ['123456789012'],
        regions: ['us-east-1', 'eu-west-1'],
        roles: ["arn:aws:iam::123456789012:role/deploy' OR '1'='1"],
      }),
    );

    const input = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(input?.WorkGroup).toBe('oidc-watch');
    expect(input?.QueryString).not.toContain('deploy');
    expect(input?.QueryString).not.toContain('123456789012');
    expect(input?.QueryString).not.toContain("'1'='1");
    expect(input?.QueryString).toContain('FROM "oidc_watch"."cloudtrail_logs"');
    expect(input?.ExecutionParameters).toEqual([
      "'2025/04/10'",
      "'2025/04/17'",
      "'sts.amazonaws.com'",
      "'AssumeRoleWithWebIdentity'",
      "'2025-04-10T06:00:00Z'",
      "'2025-04-16T06:00:00Z'",
      "'123456789012'",
      "'us-east-1'",
      "'eu-west-1'",
      "'arn:aws:iam::123456789012:role/deploy'' or ''1''=''1'",
    ]);
    const placeholders = (input?.QueryString ?? '').split('?').length - 1;
    expect(placeholders).toBe(input?.ExecutionParameters?.length);
  });

  it('reports a row that cannot be a web-identity record as an error item and keeps going', async () => {
    const success = loadFixture('web-identity-success') as Json;
    const broken = loadFixture('web-identity-success') as Json;
    broken.eventID = '00000000-0000-4000-8000-000000000bad';
    broken.requestParameters = { roleSessionName: 'pipeline-1' };
    athena
      .on(GetQueryResultsCommand)
      .resolves(page([[...HUNT_COLUMNS], athenaRow(broken), athenaRow(success)]));

    const items = await collect(
      athenaSource({
        athena: new AthenaQueryRunner(new AthenaClient({}), instant),
        workGroup: 'oidc-watch',
        database: 'oidc_watch',
        table: 'cloudtrail_logs',
        since: new Date('2025-04-16T00:00:00Z'),
        until: new Date('2025-04-17T00:00:00Z'),
      }),
    );

    expect(items.map((i) => i.kind)).toEqual(['error', 'assumption']);
    const error = items[0];
    if (error?.kind !== 'error') throw new Error('expected an error item');
    expect(error.error).toMatchObject({ name: 'InputError', source: `athena:${QUERY_ID}`, record: 1 });
    expect(error.error.message).toContain('roleArn');
  });

  it('propagates a failed query instead of yielding nothing', async () => {
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: QUERY_ID,
        Status: { State: 'FAILED', StateChangeReason: 'Access denied when writing output' },
      },
    });

    const run = collect(
      athenaSource({
        athena: new AthenaQueryRunner(new AthenaClient({}), instant),
        workGroup: 'oidc-watch',
        database: 'oidc_watch',
        table: 'cloudtrail_logs',
        since: new Date('2025-04-16T00:00:00Z'),
        until: new Date('2025-04-17T00:00:00Z'),
      }),
    );

    await expect(run).rejects.toMatchObject({
      name: 'AthenaQueryError',
      reason: 'Access denied when writing output',
    });
  });
});

describe('rowToRecord', () => {
  it('leaves NULL columns out and turns readonly text into a boolean', () => {
    const record = rowToRecord({
      eventid: 'e-1',
      errorcode: null,
      readonly: 'true',
      useridentity_type: 'WebIdentityUser',
    });

    expect(record).toEqual({ eventID: 'e-1', readOnly: true, userIdentity: { type: 'WebIdentityUser' } });
  });
});
