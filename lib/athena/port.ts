/**
 * The Athena query port: what the hunt source needs from a query runner, declared here (pure types) so that the
 * source (lib/sources) and the adapter that implements it (lib/adapters/athena.ts) never import each other.
 */

/** One result row, keyed by column name; SQL NULL is null. */
export type AthenaRow = Readonly<Record<string, string | null>>;

export interface AthenaQueryInput {
  readonly sql: string;
  /** Raw string values for the `?` placeholders, in order. The runner quotes them (quotes doubled); never concatenated. */
  readonly parameters?: readonly string[];
  readonly workGroup: string;
  /** Default database for unqualified names. */
  readonly database?: string;
  readonly catalog?: string;
}

export interface AthenaRunOptions {
  readonly signal?: AbortSignal;
  /** Overall budget for the run, start to last row, in ms. */
  readonly deadlineMs?: number;
}

export interface AthenaExecution {
  readonly queryExecutionId: string;
  /** Bytes scanned, as Athena reported when the query succeeded (null if it did not say). */
  readonly dataScannedBytes: number | null;
  /** The result rows, read lazily page by page; iterate once. */
  rows(): AsyncIterable<AthenaRow>;
}

/** The part of the Athena query runner a record source needs. */
export interface AthenaQueryPort {
  execute(query: AthenaQueryInput, options?: AthenaRunOptions): Promise<AthenaExecution>;
}
