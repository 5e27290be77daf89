/**
 * Record source over CloudTrail LookupEvents (event history): the last 90 days of management events, no trail
 * needed. One lookup attribute per call (EventName=AssumeRoleWithWebIdentity), 50 events a page, at most 2 requests
 * per second per account and region: each region gets its own client and its own token bucket, and a
 * ThrottlingException is retried with exponential backoff. Regions are read concurrently.
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  type CloudTrailClient,
  type Event as CloudTrailLookupEvent,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import { WEB_IDENTITY_EVENT_NAME, normalizeRecord } from '../core/cloudtrail';
import { InputError, OidcWatchError } from '../core/errors';
import type { RecordSource, SourceItem } from '../core/source';

/** LookupEvents failed for a region (after retries): its events could not be read, so the hunt is incomplete. */
export class CloudTrailLookupError extends OidcWatchError {
  public constructor(
    message: string,
    public readonly region: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const defaultSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, signal === undefined ? undefined : { signal });
};

/** LookupEvents is limited to 2 requests per second per account per region. */
export const LOOKUP_EVENTS_RATE_PER_SECOND = 2;
/** Event history keeps 90 days. */
export const LOOKUP_EVENTS_RETENTION_DAYS = 90;
const PAGE_SIZE = 50;

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

/** A token bucket per key (account + region): `acquire` resolves when a request may be sent. */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly sleep: Sleep;

  public constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1))
      throw new RangeError('ratePerSecond > 0 and burst >= 1');
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
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
      await this.sleep(Math.ceil(((1 - b.tokens) * 1000) / this.options.ratePerSecond), signal);
    }
  }
}

export interface LookupEventsSourceOptions {
  readonly regions: readonly string[];
  /** Inclusive. Must be within the last 90 days: older events are not in event history. */
  readonly startTime: Date;
  /** Exclusive. */
  readonly endTime: Date;
  /** One client per region, created by the caller (credentials, retry settings). */
  readonly clientFor: (region: string) => Pick<CloudTrailClient, 'send'>;
  /** The account the credentials belong to: limits are per account and region. Defaults to `default`. */
  readonly account?: string;
  /** Shared limiter (for instance across several sources on one account). Default: 2/s per key, no burst. */
  readonly limiter?: TokenBucketLimiter;
  readonly maxThrottleRetries?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly signal?: AbortSignal;
  /** Called before every LookupEvents request (progress display). */
  readonly onRequest?: (region: string) => void;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return THROTTLING.has(error.name) || status === 429;
}

/** Streams SourceItems from CloudTrail event history in every region; throws CloudTrailLookupError on failure. */
export function lookupEventsSource(o: LookupEventsSourceOptions): RecordSource {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? defaultSleep;
  const limiter =
    o.limiter ??
    new TokenBucketLimiter({ ratePerSecond: LOOKUP_EVENTS_RATE_PER_SECOND, burst: 1, now, sleep });
  const maxRetries = o.maxThrottleRetries ?? 8;
  const baseMs = o.backoffBaseMs ?? 1_000;
  const maxMs = o.backoffMaxMs ?? 20_000;
  const account = o.account ?? 'default';

  async function* region(name: string): AsyncGenerator<SourceItem> {
    const client = o.clientFor(name);
    const source = `lookup-events:${name}`;
    let record = 0;
    let token: string | undefined;
    do {
      let attempt = 0;
      let events: CloudTrailLookupEvent[];
      for (;;) {
        await limiter.acquire(`${account}/${name}`, o.signal);
        o.onRequest?.(name);
        try {
          const out = await client.send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: WEB_IDENTITY_EVENT_NAME }],
              StartTime: o.startTime,
              EndTime: o.endTime,
              MaxResults: PAGE_SIZE,
              NextToken: token,
            }),
            { abortSignal: o.signal },
          );
          events = out.Events ?? [];
          token = out.NextToken;
          break;
        } catch (error) {
          if (isThrottling(error) && attempt < maxRetries) {
            await sleep(Math.min(maxMs, baseMs * 2 ** attempt), o.signal);
            attempt += 1;
            continue;
          }
          if (o.signal?.aborted) throw error;
          throw new CloudTrailLookupError(
            `CloudTrail LookupEvents failed in ${name}${isThrottling(error) ? ` after ${attempt} throttling retries` : ''}: ${
              error instanceof Error ? error.message : String(error)
            }`,
            name,
            { cause: error },
          );
        }
      }
      for (const event of events) {
        record += 1;
        try {
          if (typeof event.CloudTrailEvent !== 'string') {
            throw new InputError(
              `${source} record ${record}: event ${event.EventId ?? '?'} has no CloudTrailEvent`,
              source,
              record,
            );
          }
          const result = normalizeRecord(
            { EventName: event.EventName, CloudTrailEvent: event.CloudTrailEvent },
            { source, record },
          );
          yield result.kind === 'assumption'
            ? { kind: 'assumption', assumption: result.assumption, source, record }
            : { kind: 'skipped', eventName: result.eventName, source, count: 1 };
        } catch (error) {
          if (error instanceof InputError) {
            yield { kind: 'error', error };
            continue;
          }
          throw error;
        }
      }
    } while (token);
  }

  return {
    [Symbol.asyncIterator](): AsyncIterator<SourceItem> {
      const oldest = now() - LOOKUP_EVENTS_RETENTION_DAYS * 24 * 3600 * 1000;
      if (o.startTime.getTime() < oldest) {
        // Event history silently returns nothing older: refuse rather than report a partial window as complete.
        throw new RangeError(
          `LookupEvents keeps ${LOOKUP_EVENTS_RETENTION_DAYS} days of history; ${o.startTime.toISOString()} is older (use the Athena or files source)`,
        );
      }
      if (!(o.startTime.getTime() < o.endTime.getTime()))
        throw new RangeError('startTime must be before endTime');
      if (o.regions.length === 0) throw new RangeError('at least one region is needed');
      return merge([...new Set(o.regions)].map(region));
    },
  };
}

type Settled<T> =
  | { readonly i: number; readonly result: IteratorResult<T> }
  | { readonly i: number; readonly error: unknown };

/** Interleaves several async iterators as their items arrive; the first error ends the merge and closes the rest. */
export async function* merge<T>(sources: readonly AsyncIterator<T>[]): AsyncGenerator<T> {
  const pending = new Map<number, Promise<Settled<T>>>();
  const pull = (i: number) => {
    const it = sources[i];
    if (it === undefined) return;
    pending.set(
      i,
      it.next().then(
        (result) => ({ i, result }),
        (error: unknown) => ({ i, error }),
      ),
    );
  };
  sources.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const settled = await Promise.race(pending.values());
      pending.delete(settled.i);
      if ('error' in settled) throw settled.error;
      if (settled.result.done) continue;
      pull(settled.i);
      yield settled.result.value;
    }
  } finally {
    // Early exit (consumer stopped, or one source failed): close the others. Their in-flight page settles first.
    await Promise.allSettled([...pending.keys()].map((i) => sources[i]?.return?.()));
  }
}
