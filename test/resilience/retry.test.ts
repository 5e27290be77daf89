import { type AttemptResult, exponentialBackoff, type GiveUp, withRetry } from '../../lib/resilience';

/** A virtual clock: sleeping advances it instantly and records the wait. */
function clock() {
  let t = 0;
  const waits: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      t += ms;
    },
    waits,
  };
}

const retryOnce = (problem: string, retryAfterMs?: number): AttemptResult<never> => ({
  kind: 'retry',
  problem,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe('withRetry', () => {
  it('returns the first value and waits the backoff between attempts', async () => {
    const c = clock();
    let calls = 0;
    const value = await withRetry(
      async (): Promise<AttemptResult<string>> =>
        ++calls < 3 ? retryOnce('busy') : { kind: 'done', value: 'ok' },
      { ...c, maxRetries: 5, backoff: (n) => 100 * 2 ** n, giveUp: () => new Error('gave up') },
    );
    expect([value, calls, c.waits]).toEqual(['ok', 3, [100, 200]]);
  });

  it('gives up after the attempt cap, saying how many retries were made', async () => {
    const c = clock();
    const why: GiveUp[] = [];
    const error = await withRetry(async () => retryOnce('503'), {
      ...c,
      maxRetries: 2,
      backoff: () => 10,
      giveUp: (w) => {
        why.push(w);
        return new Error('exhausted');
      },
    }).catch((e: unknown) => e);
    expect(error).toEqual(new Error('exhausted'));
    expect(why).toEqual([{ reason: 'attempts', problem: '503', retries: 2 }]);
    expect(c.waits).toEqual([10, 10]);
  });

  it('uses Retry-After instead of the backoff, and gives up at once when it does not fit the deadline', async () => {
    const c = clock();
    let calls = 0;
    const why: GiveUp[] = [];
    await withRetry(async () => (++calls === 1 ? retryOnce('429', 300) : retryOnce('429', 5_000)), {
      ...c,
      maxRetries: 9,
      backoff: () => 1,
      deadlineAt: 1_000,
      retryAfterBeyondDeadline: true,
      giveUp: (w) => {
        why.push(w);
        return new Error('x');
      },
    }).catch(() => undefined);
    expect(c.waits).toEqual([300]);
    expect(why).toEqual([{ reason: 'retry-after', problem: '429', retryAfterMs: 5_000, remainingMs: 700 }]);
  });

  it('never starts a wait that would reach the deadline', async () => {
    const c = clock();
    const why: GiveUp[] = [];
    await withRetry(async () => retryOnce('slow'), {
      ...c,
      maxRetries: 9,
      backoff: () => 400,
      deadlineAt: 1_000,
      giveUp: (w) => {
        why.push(w);
        return new Error('x');
      },
    }).catch(() => undefined);
    expect(c.waits).toEqual([400, 400]);
    expect(why).toEqual([{ reason: 'deadline', problem: 'slow', retries: 2 }]);
  });

  it('ends a wait when the signal aborts and hands the reason to giveUp', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const promise = withRetry(async () => retryOnce('busy'), {
      maxRetries: 9,
      backoff: () => 60_000,
      signal: controller.signal,
      giveUp: (w) => (w.reason === 'aborted' ? w.cause : new Error('other')),
    });
    setTimeout(() => controller.abort(reason), 5);
    await expect(promise).rejects.toBe(reason);
  });

  it('lets an attempt throw a final error straight through', async () => {
    await expect(
      withRetry(
        async () => {
          throw new Error('404');
        },
        { maxRetries: 3, backoff: () => 1, giveUp: () => new Error('never') },
      ),
    ).rejects.toThrow('404');
  });
});

describe('exponentialBackoff', () => {
  it('doubles up to the cap without jitter', () => {
    const backoff = exponentialBackoff({ baseMs: 1_000, maxMs: 5_000, jitter: 'none' });
    expect([0, 1, 2, 3].map(backoff)).toEqual([1_000, 2_000, 4_000, 5_000]);
  });

  it('keeps half of each wait fixed with equal jitter', () => {
    const low = exponentialBackoff({ baseMs: 100, jitter: 'equal', random: () => 0 });
    const high = exponentialBackoff({ baseMs: 100, jitter: 'equal', random: () => 1 });
    expect([low(0), high(0), low(2), high(2)]).toEqual([50, 100, 200, 400]);
  });
});
