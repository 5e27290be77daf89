/**
 * The request budget: how many requests per minute this process sends with one GitLab token, all lookups together
 * (every adapter, every event of a warm Lambda container, every record of a hunt). GitLab.com limits authenticated API
 * traffic per user (about 2,000 requests per minute) and answers 429 with Retry-After beyond it; the token of this
 * service is one user, so the budget is per token. Built on the shared token bucket (lib/resilience).
 * See: https://docs.gitlab.com/user/gitlab_com/#rate-limits-on-gitlabcom
 *
 * Waiting for the budget is not a failure: the HTTP client pauses the lookup's deadline while it waits, so our own
 * throttling never turns into `unverified`. What bounds the wait is the owner's `maxWaitMs`: none for the CLI (a hunt
 * simply runs at the budget's pace), the function's GitLab budget for a Lambda, where a wait past it ends the event
 * with GitLabBudgetExhaustedError, so that Lambda retries the event later instead of judging it.
 */
import { OidcWatchError } from '../../core/errors';
import { type Sleep, sleep as realSleep, TokenBucketLimiter } from '../../resilience';
import { tokenScope } from './per-token';

/** Our own budget could not grant a request within the owner's wait limit: the event should be retried, not judged. */
export class GitLabBudgetExhaustedError extends OidcWatchError {}

export interface BudgetOptions {
  readonly requestsPerMinute: number;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

export interface BudgetStats {
  readonly granted: number;
  /** Requests that had to wait for the budget (or for a Retry-After pause), and the total time waited. */
  readonly waited: number;
  readonly waitedMs: number;
}

const BUCKET_KEY = 'requests';

export class GitLabRequestBudget {
  public readonly requestsPerMinute: number;
  private readonly bucket: TokenBucketLimiter;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  /** Monotonic time until which GitLab asked this token (429 + Retry-After) to send nothing. */
  private pausedUntil = 0;
  private granted = 0;
  private waited = 0;
  private waitedMs = 0;

  public constructor(options: BudgetOptions) {
    if (!Number.isInteger(options.requestsPerMinute) || options.requestsPerMinute < 1)
      throw new RangeError(`requestsPerMinute must be a positive integer, got ${options.requestsPerMinute}`);
    this.requestsPerMinute = options.requestsPerMinute;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? realSleep;
    const perSecond = options.requestsPerMinute / 60;
    // Burst of one second's worth: in any 60 s window at most burst + 60 x rate = 61/60 of the budget is sent, so
    // the default 1,800/min stays under GitLab.com's 2,000 however the requests bunch up.
    this.bucket = new TokenBucketLimiter({
      ratePerSecond: perSecond,
      burst: Math.max(1, Math.floor(perSecond)),
      now: this.now,
      sleep: this.sleep,
    });
  }

  public stats(): BudgetStats {
    return { granted: this.granted, waited: this.waited, waitedMs: this.waitedMs };
  }

  /** GitLab answered 429 with Retry-After: every request of this token waits, not only the one that was refused. */
  public pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** The time left of a Retry-After pause (0 when none). */
  public pauseLeftMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /**
   * Resolves when one request may be sent. Throws GitLabBudgetExhaustedError when that takes longer than
   * `maxWaitMs` (Infinity: wait as long as it takes), and the signal's reason when `signal` fires first.
   */
  public async acquire(what: string, maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    const start = this.now();
    const limit = Number.isFinite(maxWaitMs) ? AbortSignal.timeout(Math.max(1, maxWaitMs)) : undefined;
    const wait = limit && signal ? AbortSignal.any([limit, signal]) : (limit ?? signal);
    try {
      await this.waitOutPause(wait);
      // The bucket serves its queue in order and looks at a signal only at a caller's turn: race it, so a waiter
      // leaves on time (its turn, when it comes, sees the signal and takes no token).
      await raceAbort(this.bucket.acquire(BUCKET_KEY, wait), wait);
      // A 429 may have arrived while we queued.
      await this.waitOutPause(wait);
    } catch (error) {
      if (limit?.aborted === true && signal?.aborted !== true)
        throw new GitLabBudgetExhaustedError(
          `${what}: the request budget (${this.requestsPerMinute}/min for this token) could not grant a request within ${maxWaitMs} ms`,
          { cause: error },
        );
      throw error;
    }
    const waitedMs = this.now() - start;
    this.granted += 1;
    if (waitedMs >= 1) {
      this.waited += 1;
      this.waitedMs += waitedMs;
    }
  }

  private async waitOutPause(signal: AbortSignal | undefined): Promise<void> {
    for (let left = this.pauseLeftMs(); left > 0; left = this.pauseLeftMs()) await this.sleep(left, signal);
  }
}

function raceAbort(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** One budget per GitLab instance and token, for a whole process. */
export class GitLabBudgets {
  private readonly budgets = new Map<string, GitLabRequestBudget>();

  public forToken(apiUrl: string, token: string | undefined, requestsPerMinute: number): GitLabRequestBudget {
    // The rate is part of the key: two configs naming one token with different budgets get their own buckets.
    const scope = `${tokenScope(apiUrl, token)}#${requestsPerMinute}`;
    let budget = this.budgets.get(scope);
    if (budget === undefined) {
      budget = new GitLabRequestBudget({ requestsPerMinute });
      this.budgets.set(scope, budget);
    }
    return budget;
  }
}

/**
 * The process's budgets: every GitLab directory built in this process (CLI commands, a Lambda container's events)
 * draws on these unless it is handed its own, so the budget holds across all of them.
 */
export const processBudgets = new GitLabBudgets();
