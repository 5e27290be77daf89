import { Semaphore, sleep, WaitAbortedError } from '../../lib/resilience';

describe('Semaphore', () => {
  it('grants at most `limit` permits and hands them on in FIFO order', async () => {
    const semaphore = new Semaphore(2);
    const order: string[] = [];
    const a = await semaphore.acquire();
    const b = await semaphore.acquire();
    const c = semaphore.acquire().then((release) => {
      order.push('c');
      return release;
    });
    const d = semaphore.acquire().then((release) => {
      order.push('d');
      return release;
    });
    await Promise.resolve();
    expect(semaphore.inUse).toBe(2);
    expect(semaphore.waiting).toBe(2);
    a();
    a(); // releasing twice is harmless
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(semaphore.inUse).toBe(0);
  });

  it('drops a waiter whose signal fires, without losing a permit', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toBeInstanceOf(WaitAbortedError);
    expect(semaphore.waiting).toBe(0);
    release();
    expect(semaphore.inUse).toBe(0);
    (await semaphore.acquire())();
  });

  it('rejects a non-positive limit', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('rejects as soon as the signal fires, and at once if it already has', async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(WaitAbortedError);
    await expect(sleep(1, controller.signal)).rejects.toBeInstanceOf(WaitAbortedError);
  });
});
