import {
  CloudTrailClient,
  type Event,
  LookupEventsCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import type { SourceItem } from '../../lib/core/source';
import { TokenBucketLimiter } from '../../lib/resilience';
import { CloudTrailLookupError, lookupEventsSource, merge } from '../../lib/sources/lookup-events';
import { loadFixture, makeWebIdentityRecord } from '../support/fixtures';

const START = Date.parse('2025-04-16T13:00:00Z');

/**
 * Virtual time: `sleep` registers a timer; whenever the program is idle (a macrotask turn), time jumps to the next
 * timer. Nothing waits for real time, and every recorded time is exact.
 */
function virtualTime(start = START) {
  let t = start;
  let running = true;
  const timers: { at: number; resolve: () => void }[] = [];
  const tick = () => {
    if (!running) return;
    timers.sort((a, b) => a.at - b.at);
    const next = timers.shift();
    if (next) {
      t = Math.max(t, next.at);
      next.resolve();
    }
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    now: () => t,
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        timers.push({ at: t + ms, resolve });
      }),
    stop: () => {
      running = false;
    },
    sleeps: timers,
  };
}

function lookupEvent(record: { eventID: string; eventName: string }): Event {
  return { EventId: record.eventID, EventName: record.eventName, CloudTrailEvent: JSON.stringify(record) };
}

function webIdentity(eventId: string, region = 'us-east-1'): Event {
  const r = makeWebIdentityRecord({
    eventId,
    region,
    endpointType: region === 'us-east-1' ? 'global' : 'regional',
  });
  return lookupEvent(r);
}

async function collect(source: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of source) items.push(item);
  return items;
}

function ids(items: readonly SourceItem[]): string[] {
  return items.flatMap((i) => (i.kind === 'assumption' ? [i.assumption.eventId] : []));
}

let clock: { current: ReturnType<typeof virtualTime> };
beforeEach(() => {
  clock = { current: virtualTime() };
});
afterEach(() => clock.current.stop());

describe('lookupEventsSource', () => {
  it('asks for AssumeRoleWithWebIdentity only, 50 a page, follows NextToken and normalizes CloudTrailEvent', async () => {
    const client = new CloudTrailClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock
      .on(LookupEventsCommand)
      .resolvesOnce({
        Events: [
          webIdentity('11111111-1111-4111-8111-111111111111'),
          webIdentity('22222222-2222-4222-8222-222222222222'),
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Events: [loadFixture('lookup-events-event') as Event] });
    const { now, sleep } = clock.current;
    const start = new Date(START - 48 * 3600_000);
    const end = new Date(START);

    const items = await collect(
      lookupEventsSource({
        regions: ['us-east-1'],
        startTime: start,
        endTime: end,
        clientFor: () => client,
        now,
        sleep,
      }),
    );

    expect(ids(items)).toEqual([
      '11111111-1111-4111-8111-111111111111',
      '22222222-2222-4222-8222-222222222222',
      'b3c4d5e6-f708-4192-a3b4-c5d6e7f80912',
    ]);
    const first = items[0];
    expect(first).toMatchObject({ kind: 'assumption', source: 'lookup-events:us-east-1', record: 1 });
    const inputs = mock.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toEqual({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRoleWithWebIdentity' }],
      StartTime: start,
      EndTime: end,
      MaxResults: 50,
      NextToken: undefined,
    });
    expect(inputs[1]?.NextToken).toBe('page-2');
  });

  it('keeps to 2 requests per second in each region while reading regions side by side', async () => {
    const regions = ['us-east-1', 'eu-west-1'];
    const clients = new Map(regions.map((r) => [r, new CloudTrailClient({ region: r })]));
    for (const [region, client] of clients) {
      const m = mockClient(client);
      let n = 0;
      m.on(LookupEventsCommand).callsFake(() => {
        n += 1;
        const id = `${region === 'us-east-1' ? 'aaaaaaaa' : 'bbbbbbbb'}-0000-4000-8000-00000000000${n}`;
        return { Events: [webIdentity(id, region)], NextToken: n < 4 ? `t${n}` : undefined };
      });
    }
    const { now, sleep } = clock.current;
    const requests: { region: string; at: number }[] = [];

    const items = await collect(
      lookupEventsSource({
        regions,
        startTime: new Date(START - 3600_000),
        endTime: new Date(START),
        clientFor: (r) => clients.get(r) ?? new CloudTrailClient({ region: r }),
        now,
        sleep,
        onRequest: (region) => requests.push({ region, at: now() - START }),
      }),
    );

    expect(ids(items)).toHaveLength(8);
    for (const region of regions) {
      expect(requests.filter((r) => r.region === region).map((r) => r.at)).toEqual([0, 500, 1000, 1500]);
    }
  });

  it('retries a ThrottlingException with exponential backoff and then carries on', async () => {
    const client = new CloudTrailClient({ region: 'us-east-1' });
    const throttled = () =>
      new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    mockClient(client)
      .on(LookupEventsCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolvesOnce({ Events: [webIdentity('33333333-3333-4333-8333-333333333333')] });
    const { now, sleep } = clock.current;
    const requests: number[] = [];

    const items = await collect(
      lookupEventsSource({
        regions: ['us-east-1'],
        startTime: new Date(START - 3600_000),
        endTime: new Date(START),
        clientFor: () => client,
        now,
        sleep,
        backoffBaseMs: 1000,
        onRequest: () => requests.push(now() - START),
      }),
    );

    expect(ids(items)).toEqual(['33333333-3333-4333-8333-333333333333']);
    expect(requests).toEqual([0, 1000, 3000]);
  });

  it('gives up after the retry budget with a CloudTrailLookupError naming the region', async () => {
    const client = new CloudTrailClient({ region: 'eu-west-1' });
    mockClient(client)
      .on(LookupEventsCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const { now, sleep } = clock.current;

    const run = collect(
      lookupEventsSource({
        regions: ['eu-west-1'],
        startTime: new Date(START - 3600_000),
        endTime: new Date(START),
        clientFor: () => client,
        now,
        sleep,
        maxThrottleRetries: 2,
      }),
    );

    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudTrailLookupError);
    expect(error).toMatchObject({ region: 'eu-west-1' });
    expect((error as Error).message).toContain('after 2 throttling retries');
    expect((error as Error).cause).toBeInstanceOf(ThrottlingException);
  });

  it('reports an event whose CloudTrailEvent is not a web-identity record as an error item', async () => {
    const client = new CloudTrailClient({ region: 'us-east-1' });
    mockClient(client)
      .on(LookupEventsCommand)
      .resolves({
        Events: [
          {
            EventId: 'cccccccc-0000-4000-8000-000000000001',
            EventName: 'AssumeRoleWithWebIdentity',
            CloudTrailEvent: '{"eventName":"AssumeRoleWithWebIdentity"',
          },
          { EventId: 'cccccccc-0000-4000-8000-000000000002', EventName: 'AssumeRoleWithWebIdentity' },
          webIdentity('cccccccc-0000-4000-8000-000000000003'),
        ],
      });
    const { now, sleep } = clock.current;

    const items = await collect(
      lookupEventsSource({
        regions: ['us-east-1'],
        startTime: new Date(START - 3600_000),
        endTime: new Date(START),
        clientFor: () => client,
        now,
        sleep,
      }),
    );

    expect(items.map((i) => i.kind)).toEqual(['error', 'error', 'assumption']);
    expect(items[1]).toMatchObject({
      kind: 'error',
      error: { name: 'InputError', source: 'lookup-events:us-east-1', record: 2 },
    });
  });

  it('refuses a start time older than the 90 days event history keeps', () => {
    const { now, sleep } = clock.current;
    const source = lookupEventsSource({
      regions: ['us-east-1'],
      startTime: new Date(START - 91 * 24 * 3600_000),
      endTime: new Date(START),
      clientFor: () => new CloudTrailClient({ region: 'us-east-1' }),
      now,
      sleep,
    });

    expect(() => source[Symbol.asyncIterator]()).toThrow(/90 days/);
  });
});

describe('TokenBucketLimiter', () => {
  it('lets a burst through at once, then one request per interval, per key', async () => {
    const { now, sleep } = clock.current;
    const limiter = new TokenBucketLimiter({ ratePerSecond: 2, burst: 2, now, sleep });
    const granted: string[] = [];
    const take = async (key: string) => {
      await limiter.acquire(key);
      granted.push(`${key}@${now() - START}`);
    };

    await Promise.all([take('a'), take('a'), take('a'), take('a'), take('b')]);

    expect(granted.sort()).toEqual(['a@0', 'a@0', 'a@1000', 'a@500', 'b@0'].sort());
  });
});

describe('merge', () => {
  it('closes the other sources when one fails', async () => {
    let closed = false;
    async function* healthy() {
      try {
        yield 1;
        yield 2;
      } finally {
        closed = true;
      }
    }
    async function* failing(): AsyncGenerator<number> {
      yield 10;
      throw new Error('region down');
    }
    const seen: number[] = [];

    await expect(
      (async () => {
        for await (const v of merge([healthy(), failing()])) seen.push(v);
      })(),
    ).rejects.toThrow('region down');

    expect(seen).toEqual(expect.arrayContaining([1, 10]));
    expect(closed).toBe(true);
  });
});
