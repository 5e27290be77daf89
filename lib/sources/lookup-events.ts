/**
 * Record source over CloudTrail LookupEvents (event history): the last 90 days of management events, no trail
 * needed. One lookup attribute per call (EventName=AssumeRoleWithWebIdentity), 50 events a page, at most 2 requests
 * per second per account and region: each region gets its own client and its own token bucket, and a
 * ThrottlingException is retried with exponential backoff. Regions are read concurrently.
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html
 */
import {
  type CloudTrailClient,
  type Event as CloudTrailLookupEvent,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import { WEB_IDENTITY_EVENT_NAME } from '../core/cloudtrail';
import { InputError, OidcWatchError, errorMessage } from '../core/errors';
import { type RecordSource, recordToItem, type SourceItem } from '../core/source';
import {
  exponentialBackoff,
  type Sleep,
  sleep as realSleep,
  TokenBucketLimiter,
  withRetry,
} from '../resilience';

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

/** LookupEvents is limited to 2 requests per second per account per region. */
export const LOOKUP_EVENTS_RATE_PER_SECOND = 2;
/** Event history keeps 90 days. */
export const LOOKUP_EVENTS_RETENTION_DAYS = 90;
const PAGE_SIZE = 50;

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

interface Page {
  readonly events: CloudTrailLookupEvent[];
  readonly nextToken: string | undefined;
}

/** One LookupEvents page of a region, inside the limiter, with throttling retried by the shared retry loop. */
function pageReader(o: LookupEventsSourceOptions, now: () => number, sleep: Sleep) {
  const limiter =
    o.limiter ??
    new TokenBucketLimiter({ ratePerSecond: LOOKUP_EVENTS_RATE_PER_SECOND, burst: 1, now, sleep });
  const account = o.account ?? 'default';
  const backoff = exponentialBackoff({
    baseMs: o.backoffBaseMs ?? 1_000,
    maxMs: o.backoffMaxMs ?? 20_000,
    jitter: 'none',
  });
  return (region: string, client: Pick<CloudTrailClient, 'send'>, token: string | undefined): Promise<Page> =>
    withRetry<Page>(
      async () => {
        await limiter.acquire(`${account}/${region}`, o.signal);
        o.onRequest?.(region);
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
          return { kind: 'done', value: { events: out.Events ?? [], nextToken: out.NextToken } };
        } catch (error) {
          if (isThrottling(error)) return { kind: 'retry', problem: 'throttled', cause: error };
          if (o.signal?.aborted) throw error;
          throw lookupError(region, error, '');
        }
      },
      {
        maxRetries: o.maxThrottleRetries ?? 8,
        backoff,
        now,
        sleep,
        signal: o.signal,
        giveUp: (why) => {
          if (why.reason === 'aborted') return why.cause;
          const retries = why.reason === 'retry-after' ? 0 : why.retries;
          return lookupError(
            region,
            'cause' in why ? why.cause : undefined,
            ` after ${retries} throttling retries`,
          );
        },
      },
    );
}

function lookupError(region: string, error: unknown, after: string): CloudTrailLookupError {
  return new CloudTrailLookupError(
    `CloudTrail LookupEvents failed in ${region}${after}: ${errorMessage(error)}`,
    region,
    { cause: error },
  );
}

/** One event-history entry as a source item: its CloudTrailEvent normalized like every other record. */
function eventItem(event: CloudTrailLookupEvent, source: string, record: number): SourceItem {
  if (typeof event.CloudTrailEvent !== 'string') {
    const message = `${source} record ${record}: event ${event.EventId ?? '?'} has no CloudTrailEvent`;
    return { kind: 'error', error: new InputError(message, source, record) };
  }
  return recordToItem({ EventName: event.EventName, CloudTrailEvent: event.CloudTrailEvent }, source, record);
}

function checkWindow(o: LookupEventsSourceOptions, now: () => number): void {
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
}

/** Streams SourceItems from CloudTrail event history in every region; throws CloudTrailLookupError on failure. */
export function lookupEventsSource(o: LookupEventsSourceOptions): RecordSource {
  const now = o.now ?? Date.now;
  const readPage = pageReader(o, now, o.sleep ?? realSleep);

  async function* region(name: string): AsyncGenerator<SourceItem> {
    const client = o.clientFor(name);
    const source = `lookup-events:${name}`;
    let record = 0;
    let token: string | undefined;
    do {
      const page = await readPage(name, client, token);
      token = page.nextToken;
      for (const event of page.events) yield eventItem(event, source, (record += 1));
    } while (token);
  }

  return {
    [Symbol.asyncIterator](): AsyncIterator<SourceItem> {
      checkWindow(o, now);
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
