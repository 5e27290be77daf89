/** An abortable sleep, and the error a wait ends with when its signal fires. */
import { OidcWatchError } from '../core/errors';

/** Waits `ms`; rejects as soon as `signal` fires. Injected by tests to keep waits off the real clock. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Why a wait ended early: the caller's signal fired. Carries the signal's reason as `cause`. */
export class WaitAbortedError extends OidcWatchError {
  public constructor(options?: { cause?: unknown }) {
    super('wait aborted', options);
  }
}

/** Resolves after `ms`, or rejects with WaitAbortedError as soon as `signal` fires. Never leaves a timer behind. */
export const sleep: Sleep = (ms, signal) => {
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
};

/** The reason a signal carries, or a standard AbortError when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
