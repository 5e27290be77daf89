/**
 * The limiters every adapter and source shares: a counting semaphore (requests in flight to one GitLab instance) and a
 * token bucket per key (requests per second, e.g. LookupEvents per account and region). Both wait abortably.
 * (p-limit is ESM-only and this project compiles to CommonJS, hence our own.)
 */
import { type Sleep, sleep as realSleep, WaitAbortedError } from './sleep';

/** A FIFO counting semaphore. `acquire` resolves to a release function that must be called exactly once. */
export class Semaphore {
  private active = 0;
  private readonly waiters: { grant: () => void }[] = [];

  public constructor(public readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }

  /** Permits currently held. */
  public get inUse(): number {
    return this.active;
  }

  /** Callers waiting for a permit. */
  public get waiting(): number {
    return this.waiters.length;
  }

  /** Waits for a permit; rejects with WaitAbortedError (and leaves the queue) if `signal` fires first. */
  public acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new WaitAbortedError({ cause: signal.reason }));
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new WaitAbortedError({ cause: signal?.reason }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The permit passes straight to the next waiter, so `active` stays the same.
      if (next) next.grant();
      else this.active -= 1;
    };
  }
}

export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  /** Tokens available at once (and the bucket's size). */
  readonly burst: number;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** Callers of one key take turns, so waiting callers are served in order. */
  queue: Promise<void>;
}

/**
 * A token bucket per key (e.g. account + region): `acquire` resolves when a request may be sent, and rejects with
 * the signal's reason when the signal fires first.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly sleep: Sleep;

  public constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1))
      throw new RangeError('ratePerSecond > 0 and burst >= 1');
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  public acquire(key: string, signal?: AbortSignal): Promise<void> {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.options.burst, updatedAt: this.now(), queue: Promise.resolve() };
      this.buckets.set(key, bucket);
    }
    const b = bucket;
    const turn = b.queue.then(() => this.take(b, signal));
    // The next caller waits for this turn whether it succeeded or was aborted.
    b.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async take(b: Bucket, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const t = this.now();
      b.tokens = Math.min(
        this.options.burst,
        b.tokens + ((t - b.updatedAt) * this.options.ratePerSecond) / 1000,
      );
      b.updatedAt = t;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      try {
        await this.sleep(Math.ceil(((1 - b.tokens) * 1000) / this.options.ratePerSecond), signal);
      } catch (error) {
        if (error instanceof WaitAbortedError && signal?.aborted) throw signal.reason;
        throw error;
      }
    }
  }
}
