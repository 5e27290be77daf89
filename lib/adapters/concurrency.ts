/**
 * Small concurrency helpers for adapters: a counting semaphore and an abortable sleep.
 * (p-limit is ESM-only and this project compiles to CommonJS, hence our own.)
 */

import { OidcWatchError } from '../core/errors';

/** Why a wait ended early: the caller's signal fired. Carries the signal's reason as `cause`. */
export class WaitAbortedError extends OidcWatchError {
  public constructor(options?: { cause?: unknown }) {
    super('wait aborted', options);
  }
}

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

/** Resolves after `ms`, or rejects with WaitAbortedError as soon as `signal` fires. Never leaves a timer behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new WaitAbortedError({ cause: signal.reason }));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new WaitAbortedError({ cause: signal?.reason }));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
