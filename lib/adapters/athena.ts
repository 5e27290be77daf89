/**
 * Runs one Athena query and streams its rows: StartQueryExecution (workgroup, `?` execution parameters), polling
 * GetQueryExecution with backoff, then GetQueryResults page by page. One overall deadline and an AbortSignal cover
 * the whole run; a query abandoned by either is stopped (StopQueryExecution) so it stops scanning and billing.
 * See: https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html
 * See: https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { quoteExecutionParameter } from '../athena';
import type { AthenaExecution, AthenaQueryInput, AthenaRow, AthenaRunOptions } from '../athena/port';
import { OidcWatchError } from '../core/errors';
import type { Logger } from '../core/logger';
import { silentLogger } from '../core/logger';
import {
  abortReason,
  type AttemptResult,
  exponentialBackoff,
  type Sleep,
  sleep as realSleep,
  withRetry,
} from '../resilience';

/** The query ended FAILED or CANCELLED; `reason` is Athena's StateChangeReason. */
export class AthenaQueryError extends OidcWatchError {
  public constructor(
    message: string,
    public readonly queryExecutionId: string,
    public readonly state: 'FAILED' | 'CANCELLED' | 'UNKNOWN',
    public readonly reason: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The overall deadline passed before the query finished or its results were read. The query was stopped. */
export class AthenaDeadlineError extends OidcWatchError {
  public constructor(
    message: string,
    public readonly queryExecutionId: string | null,
    public readonly deadlineMs: number,
  ) {
    super(message);
  }
}

export type { AthenaExecution, AthenaQueryInput, AthenaRow, AthenaRunOptions } from '../athena/port';

export interface AthenaQueryRunnerOptions {
  /** Waits ms (rejects when the signal aborts). Injected by tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Clock, ms since epoch. Injected by tests. */
  readonly now?: () => number;
  readonly pollInitialMs?: number;
  readonly pollMaxMs?: number;
  readonly pollFactor?: number;
  /** GetQueryResults page size (Athena's maximum is 1000). */
  readonly pageSize?: number;
  readonly defaultDeadlineMs?: number;
  readonly logger?: Pick<Logger, 'debug' | 'warn'>;
}

export class AthenaQueryRunner {
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly pollInitialMs: number;
  private readonly pollMaxMs: number;
  private readonly pollFactor: number;
  private readonly pageSize: number;
  private readonly defaultDeadlineMs: number;
  private readonly logger: Pick<Logger, 'debug' | 'warn'>;

  public constructor(
    private readonly client: Pick<AthenaClient, 'send'>,
    options: AthenaQueryRunnerOptions = {},
  ) {
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.pollInitialMs = options.pollInitialMs ?? 500;
    this.pollMaxMs = options.pollMaxMs ?? 5_000;
    this.pollFactor = options.pollFactor ?? 1.5;
    this.pageSize = Math.min(Math.max(options.pageSize ?? 1000, 1), 1000);
    this.defaultDeadlineMs = options.defaultDeadlineMs ?? 15 * 60_000;
    this.logger = options.logger ?? silentLogger;
  }

  /** Starts the query and waits until it SUCCEEDED; throws AthenaQueryError / AthenaDeadlineError / the abort reason. */
  public async execute(query: AthenaQueryInput, options: AthenaRunOptions = {}): Promise<AthenaExecution> {
    const deadlineMs = options.deadlineMs ?? this.defaultDeadlineMs;
    const deadlineAt = this.now() + deadlineMs;
    const signal = options.signal;
    if (signal?.aborted) throw abortReason(signal);
    const id = await this.start(query, signal);
    const guard = { id, deadlineAt, deadlineMs, signal };
    // Polling is the shared retry loop with no attempt cap: "still running" is retried until the deadline.
    return withRetry(() => this.poll(guard), {
      maxRetries: Number.POSITIVE_INFINITY,
      backoff: exponentialBackoff({
        baseMs: this.pollInitialMs,
        factor: this.pollFactor,
        maxMs: this.pollMaxMs,
        jitter: 'none',
      }),
      deadlineAt,
      now: this.now,
      sleep: this.sleep,
      signal,
      giveUp: async (why) => {
        await this.stop(id);
        if (why.reason === 'aborted') return signal ? abortReason(signal) : why.cause;
        return new AthenaDeadlineError(
          `Athena query ${id} did not finish within ${deadlineMs} ms; it was stopped`,
          id,
          deadlineMs,
        );
      },
    });
  }

  private async start(query: AthenaQueryInput, signal: AbortSignal | undefined): Promise<string> {
    const started = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: query.sql,
        WorkGroup: query.workGroup,
        ExecutionParameters:
          query.parameters && query.parameters.length > 0
            ? query.parameters.map(quoteExecutionParameter)
            : undefined,
        QueryExecutionContext:
          query.database || query.catalog ? { Database: query.database, Catalog: query.catalog } : undefined,
      }),
      { abortSignal: signal },
    );
    const id = started.QueryExecutionId;
    if (!id)
      throw new AthenaQueryError(
        'Athena StartQueryExecution returned no QueryExecutionId',
        '',
        'UNKNOWN',
        null,
      );
    this.logger.debug({ queryExecutionId: id, workGroup: query.workGroup }, 'athena query started');
    return id;
  }

  /** One GetQueryExecution: done when SUCCEEDED, retried while QUEUED/RUNNING, an error when it ended otherwise. */
  private async poll(guard: Guard): Promise<AttemptResult<AthenaExecution>> {
    await this.checkBudget(guard, 0);
    const out = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: guard.id }), {
      abortSignal: guard.signal,
    });
    const status = out.QueryExecution?.Status;
    const state = status?.State;
    switch (state) {
      case 'SUCCEEDED': {
        const scanned = out.QueryExecution?.Statistics?.DataScannedInBytes;
        const execution: AthenaExecution = {
          queryExecutionId: guard.id,
          dataScannedBytes: typeof scanned === 'number' ? scanned : null,
          rows: () => this.readRows(guard),
        };
        return { kind: 'done', value: execution };
      }
      case 'FAILED':
      case 'CANCELLED': {
        const reason = status?.StateChangeReason ?? null;
        throw new AthenaQueryError(
          `Athena query ${guard.id} ${state.toLowerCase()}${reason ? `: ${reason}` : ''}`,
          guard.id,
          state,
          reason,
        );
      }
      case 'QUEUED':
      case 'RUNNING':
      case undefined:
        // Not started yet or still scanning: polled again with backoff, inside the deadline.
        return { kind: 'retry', problem: `query ${state ?? 'not started'}` };
      default:
        throw new AthenaQueryError(
          `Athena query ${guard.id} is in an unknown state ${String(state)}`,
          guard.id,
          'UNKNOWN',
          null,
        );
    }
  }

  /** Convenience: execute, then yield every row. */
  public async *query(query: AthenaQueryInput, options: AthenaRunOptions = {}): AsyncGenerator<AthenaRow> {
    const execution = await this.execute(query, options);
    yield* execution.rows();
  }

  private async *readRows(guard: Guard): AsyncGenerator<AthenaRow> {
    let token: string | undefined;
    let columns: string[] | null = null;
    let first = true;
    do {
      await this.checkBudget(guard, 0);
      const page = await this.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: guard.id,
          NextToken: token,
          MaxResults: this.pageSize,
        }),
        { abortSignal: guard.signal },
      );
      const rows = page.ResultSet?.Rows ?? [];
      let start = 0;
      if (first) {
        // For a SELECT, the first row of the first page repeats the column names.
        const header = rows[0]?.Data?.map((d) => d.VarCharValue ?? '') ?? [];
        const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name ?? '') ?? [];
        columns = info.length > 0 ? info : header;
        start = 1;
        first = false;
      }
      const names = columns ?? [];
      for (let i = start; i < rows.length; i++) {
        const data = rows[i]?.Data ?? [];
        const row: Record<string, string | null> = {};
        names.forEach((name, c) => {
          row[name] = data[c]?.VarCharValue ?? null;
        });
        yield row;
      }
      token = page.NextToken;
    } while (token);
  }

  /** Throws when the signal aborted or when waiting `ms` more would pass the deadline; stops the query first. */
  private async checkBudget(guard: Guard, ms: number): Promise<void> {
    if (guard.signal?.aborted) {
      await this.stop(guard.id);
      throw abortReason(guard.signal);
    }
    if (this.now() + ms > guard.deadlineAt) {
      await this.stop(guard.id);
      throw new AthenaDeadlineError(
        `Athena query ${guard.id} did not finish within ${guard.deadlineMs} ms; it was stopped`,
        guard.id,
        guard.deadlineMs,
      );
    }
  }

  private async stop(id: string): Promise<void> {
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch (error) {
      // Best effort: the caller is already failing with the reason that matters. Athena ends the query on its own
      // at the workgroup's limits (BytesScannedCutoffPerQuery); say so and move on.
      this.logger.warn({ queryExecutionId: id, error: String(error) }, 'could not stop the Athena query');
    }
  }
}

interface Guard {
  readonly id: string;
  readonly deadlineAt: number;
  readonly deadlineMs: number;
  readonly signal: AbortSignal | undefined;
}
