/**
 * Resilience shared by every adapter and source: one retry loop (deadline, AbortSignal, Retry-After, jitter, attempt
 * cap) and the limiters (a semaphore for requests in flight, a token bucket for requests per second). Sits between
 * lib/core and the adapters/sources; imports lib/core only.
 */
export { Semaphore, TokenBucketLimiter, type TokenBucketOptions } from './limiter';
export {
  type AttemptResult,
  type BackoffOptions,
  exponentialBackoff,
  type GiveUp,
  parseRetryAfter,
  type RetryOptions,
  withRetry,
} from './retry';
export { abortReason, type Sleep, sleep, WaitAbortedError } from './sleep';
