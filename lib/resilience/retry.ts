/**
 * The one retry loop of every adapter and source (GitLab HTTP, CloudTrail LookupEvents, Athena polling): an attempt
 * cap, a backoff with optional jitter, a server's Retry-After honoured, one deadline that every wait must fit in, and
 * an AbortSignal that ends any wait. The caller says how an attempt went and how each way of giving up reads as an
 * error, so each adapter keeps its own error types and messages.
 * See: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 * See: https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
import { type Sleep, sleep as realSleep, WaitAbortedError } from './sleep';

/** How one attempt went: a value, or a problem worth another try (with the wait the server asked for, if any). */
export type AttemptResult<T> =
  | { readonly kind: 'done'; readonly value: T }
  | {
      readonly kind: 'retry';
      /** Short text for messages and logs, e.g. `GitLab answered 503`. */
      readonly problem: string;
      /** The server's Retry-After, in ms; replaces the backoff for this wait. */
      readonly retryAfterMs?: number;
      readonly cause?: unknown;
    };

/** Why the loop stopped without a value; `retries` is how many retries had been made. */
export type GiveUp =
  | {
      readonly reason: 'attempts';
      readonly problem: string;
      readonly retries: number;
      readonly cause?: unknown;
    }
  | {
      readonly reason: 'deadline';
      readonly problem: string;
      readonly retries: number;
      readonly cause?: unknown;
    }
  | {
      readonly reason: 'retry-after';
      readonly problem: string;
      readonly retryAfterMs: number;
      readonly remainingMs: number;
    }
  | { readonly reason: 'aborted'; readonly problem: string; readonly cause: unknown };

export interface RetryOptions {
  /** Retries after the first attempt (Infinity for polling that only the deadline ends). */
  readonly maxRetries: number;
  /** The wait before retry `n` (0-based) when the server named none; see `exponentialBackoff`. */
  readonly backoff: (retry: number) => number;
  /** Absolute deadline on the `now` clock; a wait that would reach it is not started. */
  readonly deadlineAt?: number;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  readonly sleep?: Sleep;
  /**
   * A Retry-After at least as long as the time left ends the loop at once (`retry-after`) instead of sleeping into
   * the deadline. Off: such a wait ends it as `deadline`.
   */
  readonly retryAfterBeyondDeadline?: boolean;
  readonly onRetry?: (info: {
    readonly retry: number;
    readonly waitMs: number;
    readonly problem: string;
  }) => void;
  /** The error to throw for each way of giving up (may stop remote work first, hence async). */
  readonly giveUp: (why: GiveUp) => unknown;
}

/** Runs `attempt` until it is done, retrying as `options` allow; throws what `giveUp` returns otherwise. */
export async function withRetry<T>(
  attempt: (retry: number) => Promise<AttemptResult<T>>,
  options: RetryOptions,
): Promise<T> {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? realSleep;
  for (let retry = 0; ; retry += 1) {
    const result = await attempt(retry);
    if (result.kind === 'done') return result.value;
    const { problem, retryAfterMs, cause } = result;
    if (options.signal?.aborted)
      throw await options.giveUp({ reason: 'aborted', problem, cause: options.signal.reason });
    const deadlineAt = options.deadlineAt ?? Number.POSITIVE_INFINITY;
    if (
      retryAfterMs !== undefined &&
      options.retryAfterBeyondDeadline &&
      retryAfterMs >= deadlineAt - now()
    ) {
      const remainingMs = Math.max(0, Math.floor(deadlineAt - now()));
      throw await options.giveUp({ reason: 'retry-after', problem, retryAfterMs, remainingMs });
    }
    if (retry >= options.maxRetries)
      throw await options.giveUp({ reason: 'attempts', problem, retries: retry, cause });
    const waitMs = retryAfterMs ?? options.backoff(retry);
    if (now() + waitMs >= deadlineAt)
      throw await options.giveUp({ reason: 'deadline', problem, retries: retry, cause });
    options.onRetry?.({ retry: retry + 1, waitMs, problem });
    try {
      await sleep(waitMs, options.signal);
    } catch (error) {
      if (!options.signal?.aborted) throw error;
      throw await options.giveUp({
        reason: 'aborted',
        problem,
        cause: error instanceof WaitAbortedError ? options.signal.reason : error,
      });
    }
  }
}

export interface BackoffOptions {
  readonly baseMs: number;
  /** Growth per retry (default 2). */
  readonly factor?: number;
  /** Upper bound of one wait, before jitter. */
  readonly maxMs?: number;
  /**
   * `equal`: half of the wait fixed, half random, so callers that failed together spread out; `none`: the plain
   * exponential wait (for callers that are alone on their limit, such as a rate-limited region).
   */
  readonly jitter: 'equal' | 'none';
  readonly random?: () => number;
}

/** Exponential backoff: `baseMs * factor^retry`, capped at `maxMs`, with the chosen jitter. */
export function exponentialBackoff(o: BackoffOptions): (retry: number) => number {
  const factor = o.factor ?? 2;
  const random = o.random ?? Math.random;
  return (retry) => {
    const ceiling = Math.min(o.maxMs ?? Number.POSITIVE_INFINITY, o.baseMs * factor ** retry);
    return o.jitter === 'equal' ? ceiling / 2 + (random() * ceiling) / 2 : ceiling;
  };
}

/**
 * Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns milliseconds to wait, or undefined
 * when absent or unreadable (the caller then falls back to its backoff).
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowEpochMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date has a weekday and month name; this keeps `-5` or `1.5` from being read as years.
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowEpochMs);
}
