import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsOutput,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AthenaDeadlineError,
  AthenaQueryError,
  AthenaQueryRunner,
  type AthenaRow,
} from '../../lib/adapters/athena';

const athena = mockClient(AthenaClient);
const QUERY_ID = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';

/** A virtual clock: sleeping advances it instantly and records the wait. */
function virtualClock(start = 1_744_772_816_000) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

function state(
  State: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED',
  StateChangeReason?: string,
) {
  return {
    QueryExecution: {
      QueryExecutionId: QUERY_ID,
      Status: { State, StateChangeReason },
      Statistics: State === 'SUCCEEDED' ? { DataScannedInBytes: 52_428_800 } : undefined,
    },
  };
}

function page(rows: (string | null)[][], nextToken?: string, withMetadata = false): GetQueryResultsOutput {
  return {
    ResultSet: {
      Rows: rows.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })),
      ResultSetMetadata: withMetadata
        ? {
            ColumnInfo: [
              { Name: 'eventid', Type: 'varchar' },
              { Name: 'errorcode', Type: 'varchar' },
            ],
          }
        : undefined,
    },
    NextToken: nextToken,
  };
}

async function collect(it: AsyncIterable<AthenaRow>): Promise<AthenaRow[]> {
  const out: AthenaRow[] = [];
  for await (const r of it) out.push(r);
  return out;
}

const QUERY = {
  sql: 'SELECT eventid, errorcode FROM "oidc_watch"."cloudtrail_logs" WHERE "timestamp" >= ? AND json_extract_scalar(requestparameters, \'$.roleArn\') LIKE ?',
  parameters: ['2025/04/01', "arn:aws:iam::123456789012:role/o'brien-deploy"],
  workGroup: 'oidc-watch',
  database: 'oidc_watch',
};

beforeEach(() => {
  athena.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
  athena.on(StopQueryExecutionCommand).resolves({});
});

describe('AthenaQueryRunner', () => {
  it('polls through QUEUED and RUNNING with growing waits, then yields rows keyed by column name', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('QUEUED'))
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(
      page([
        ['eventid', 'errorcode'],
        ['47a8b9c0-d1e2-4f30-8415-26a7b8c9d0e1', null],
        ['58b9c0d1-e2f3-4041-9526-37b8c9d0e1f2', 'AccessDenied'],
      ]),
    );
    const clock = virtualClock();
    const runner = new AthenaQueryRunner(new AthenaClient({}), {
      ...clock,
      pollInitialMs: 500,
      pollFactor: 2,
      pollMaxMs: 1500,
    });

    const execution = await runner.execute(QUERY);
    const rows = await collect(execution.rows());

    expect(execution.queryExecutionId).toBe(QUERY_ID);
    expect(execution.dataScannedBytes).toBe(52_428_800);
    expect(clock.sleeps).toEqual([500, 1000, 1500]);
    expect(rows).toEqual([
      { eventid: '47a8b9c0-d1e2-4f30-8415-26a7b8c9d0e1', errorcode: null },
      { eventid: '58b9c0d1-e2f3-4041-9526-37b8c9d0e1f2', errorcode: 'AccessDenied' },
    ]);
    expect(athena).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 4);
    expect(athena).not.toHaveReceivedCommand(StopQueryExecutionCommand);
  });

  it('passes the workgroup, the database and every value as a quoted execution parameter with quotes doubled', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(page([['eventid', 'errorcode']]));
    const runner = new AthenaQueryRunner(new AthenaClient({}), virtualClock());

    await collect(runner.query(QUERY));

    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      QueryString: QUERY.sql,
      WorkGroup: 'oidc-watch',
      QueryExecutionContext: { Database: 'oidc_watch' },
      ExecutionParameters: ["'2025/04/01'", "'arn:aws:iam::123456789012:role/o''brien-deploy'"],
    });
    const sent = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(sent?.QueryString).not.toContain("o'brien");
  });

  it('throws AthenaQueryError with the StateChangeReason when the query FAILED', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(
        state(
          'FAILED',
          'TABLE_NOT_FOUND: line 3:6: Table awsdatacatalog.oidc_watch.cloudtrail_logs does not exist',
        ),
      );
    const runner = new AthenaQueryRunner(new AthenaClient({}), virtualClock());

    const error = await runner.execute(QUERY).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({ name: 'AthenaQueryError', state: 'FAILED', queryExecutionId: QUERY_ID });
    expect((error as AthenaQueryError).reason).toContain('TABLE_NOT_FOUND');
    expect((error as Error).message).toContain('TABLE_NOT_FOUND');
    expect(athena).not.toHaveReceivedCommand(GetQueryResultsCommand);
  });

  it('throws AthenaQueryError when the query was CANCELLED, for instance by the bytes-scanned cutoff', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('QUEUED'))
      .resolvesOnce(state('CANCELLED', 'Query cancelled: bytes scanned limit was exceeded'));
    const runner = new AthenaQueryRunner(new AthenaClient({}), virtualClock());

    await expect(runner.execute(QUERY)).rejects.toMatchObject({
      name: 'AthenaQueryError',
      state: 'CANCELLED',
      reason: 'Query cancelled: bytes scanned limit was exceeded',
    });
  });

  it('reads every page with NextToken and skips only the header row of the first page', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(
        page(
          [
            ['eventid', 'errorcode'],
            ['e-1', null],
            ['e-2', null],
          ],
          'token-2',
          true,
        ),
      )
      .resolvesOnce(
        page(
          [
            ['e-3', 'AccessDenied'],
            ['e-4', null],
          ],
          'token-3',
        ),
      )
      .resolvesOnce(page([['e-5', 'InvalidIdentityToken']]));
    const runner = new AthenaQueryRunner(new AthenaClient({}), { ...virtualClock(), pageSize: 2 });

    const rows = await collect(runner.query(QUERY));

    expect(rows.map((r) => r.eventid)).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    expect(rows[2]).toEqual({ eventid: 'e-3', errorcode: 'AccessDenied' });
    const calls = athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.NextToken)).toEqual([undefined, 'token-2', 'token-3']);
    expect(calls.every((c) => c.MaxResults === 2 && c.QueryExecutionId === QUERY_ID)).toBe(true);
  });

  it('stops the query and throws AthenaDeadlineError when the deadline would pass while it runs', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
    const clock = virtualClock();
    const runner = new AthenaQueryRunner(new AthenaClient({}), {
      ...clock,
      pollInitialMs: 1000,
      pollFactor: 1,
    });

    const error = await runner.execute(QUERY, { deadlineMs: 3_500 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaDeadlineError);
    expect(error).toMatchObject({ queryExecutionId: QUERY_ID, deadlineMs: 3_500 });
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: QUERY_ID });
  });

  it('stops the query and rethrows the abort reason when the signal aborts between polls', async () => {
    const controller = new AbortController();
    athena.on(GetQueryExecutionCommand).callsFakeOnce(() => {
      controller.abort(new Error('interrupted by the user'));
      return state('RUNNING');
    });
    const runner = new AthenaQueryRunner(new AthenaClient({}), virtualClock());

    await expect(runner.execute(QUERY, { signal: controller.signal })).rejects.toThrow(
      'interrupted by the user',
    );
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: QUERY_ID });
  });

  it('does not start a query when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled before start'));
    const runner = new AthenaQueryRunner(new AthenaClient({}), virtualClock());

    await expect(runner.execute(QUERY, { signal: controller.signal })).rejects.toThrow(
      'cancelled before start',
    );
    expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
  });
});
