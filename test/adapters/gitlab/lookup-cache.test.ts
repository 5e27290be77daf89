import type { Lookup } from '../../../lib/core/gitlab-port';
import { GitLabLookupCache, lookupKind } from '../../../lib/adapters/gitlab/lookup-cache';
import { GitLabCaches, tokenScope } from '../../../lib/adapters/gitlab/per-token';

interface Fact {
  readonly id: number;
  readonly status: string;
}

const MUTABLE = lookupKind<Fact>('mutable-fact', 'mutable');
const IMMUTABLE = lookupKind<Fact>('immutable-fact', 'immutable');
const WHEN_DONE = lookupKind<Fact>('pipeline-like', (f) =>
  f.status === 'success' ? 'immutable' : 'mutable',
);

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** A lookup that counts its calls and answers what `answer` says at the time of the call. */
function counted<T>(answer: () => Lookup<T>): { run: () => Promise<Lookup<T>>; calls: () => number } {
  let calls = 0;
  return {
    run: () => {
      calls += 1;
      return Promise.resolve(answer());
    },
    calls: () => calls,
  };
}

const found = (status = 'success'): Lookup<Fact> => ({ status: 'found', value: { id: 1, status } });

describe('GitLabLookupCache', () => {
  it('serves a mutable fact until its TTL, counted from when the request was sent, then asks again', async () => {
    const c = clock();
    const cache = new GitLabLookupCache({ ttlMs: 60_000, maxEntries: 10, now: c.now });
    const lookup = counted(() => found('running'));
    await cache.lookup(MUTABLE, 'k', lookup.run).promise;
    c.advance(59_999);
    expect(cache.lookup(MUTABLE, 'k', lookup.run).hit).toBe(true);
    c.advance(1);
    expect(cache.lookup(MUTABLE, 'k', lookup.run).hit).toBe(false);
    expect(lookup.calls()).toBe(2);
  });

  it('keeps immutable facts past the TTL, and decides per value when the kind says so', async () => {
    const c = clock();
    const cache = new GitLabLookupCache({ ttlMs: 1_000, maxEntries: 10, now: c.now });
    const a = counted(() => found());
    await cache.lookup(IMMUTABLE, 'k', a.run).promise;
    const done = counted(() => found('success'));
    await cache.lookup(WHEN_DONE, 'done', done.run).promise;
    const running = counted(() => found('running'));
    await cache.lookup(WHEN_DONE, 'running', running.run).promise;
    c.advance(10_000_000);
    await cache.lookup(IMMUTABLE, 'k', a.run).promise;
    await cache.lookup(WHEN_DONE, 'done', done.run).promise;
    await cache.lookup(WHEN_DONE, 'running', running.run).promise;
    expect([a.calls(), done.calls(), running.calls()]).toEqual([1, 1, 2]);
  });

  it('never keeps an unavailable outcome, and keeps not_found only as a mutable fact', async () => {
    const c = clock();
    const cache = new GitLabLookupCache({ ttlMs: 1_000, maxEntries: 10, now: c.now });
    const down = counted<Fact>(() => ({ status: 'unavailable', detail: 'GitLab answered 503' }));
    await cache.lookup(IMMUTABLE, 'k', down.run).promise;
    await cache.lookup(IMMUTABLE, 'k', down.run).promise;
    expect(down.calls()).toBe(2);
    const missing = counted<Fact>(() => ({ status: 'not_found', detail: '404' }));
    await cache.lookup(IMMUTABLE, 'gone', missing.run).promise;
    await cache.lookup(IMMUTABLE, 'gone', missing.run).promise;
    c.advance(1_000);
    await cache.lookup(IMMUTABLE, 'gone', missing.run).promise;
    expect(missing.calls()).toBe(2);
  });

  it('shares one in-flight request between concurrent callers', async () => {
    const cache = new GitLabLookupCache({ ttlMs: 1_000, maxEntries: 10 });
    let release: (v: Lookup<Fact>) => void = () => undefined;
    let calls = 0;
    const run = () => {
      calls += 1;
      return new Promise<Lookup<Fact>>((resolve) => (release = resolve));
    };
    const first = cache.lookup(MUTABLE, 'k', run);
    const second = cache.lookup(MUTABLE, 'k', run);
    expect([first.hit, second.hit]).toEqual([false, true]);
    release(found());
    expect(await second.promise).toEqual(found());
    expect(calls).toBe(1);
  });

  it('forgets a rejected lookup (a programming error) and passes the rejection on', async () => {
    const cache = new GitLabLookupCache({ ttlMs: 1_000, maxEntries: 10 });
    await expect(cache.lookup(MUTABLE, 'k', () => Promise.reject(new Error('bug'))).promise).rejects.toThrow(
      'bug',
    );
    await new Promise((r) => setImmediate(r));
    expect(cache.lookup(MUTABLE, 'k', () => Promise.resolve(found())).hit).toBe(false);
  });

  it('keeps at most maxEntries, evicting the least recently used', async () => {
    const cache = new GitLabLookupCache({ ttlMs: 60_000, maxEntries: 3 });
    const run = () => Promise.resolve(found());
    for (const k of ['a', 'b', 'c']) await cache.lookup(IMMUTABLE, k, run).promise;
    expect(cache.lookup(IMMUTABLE, 'a', run).hit).toBe(true); // a is now the most recent
    await cache.lookup(IMMUTABLE, 'd', run).promise; // evicts b
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 1 });
    expect(cache.lookup(IMMUTABLE, 'a', run).hit).toBe(true);
    expect(cache.lookup(IMMUTABLE, 'b', run).hit).toBe(false);
  });

  it('keeps lookup kinds apart under the same key', async () => {
    const cache = new GitLabLookupCache({ ttlMs: 60_000, maxEntries: 10 });
    await cache.lookup(MUTABLE, '42', () => Promise.resolve(found())).promise;
    expect(cache.lookup(IMMUTABLE, '42', () => Promise.resolve(found())).hit).toBe(false);
  });

  it('remembers a fact under a second key with the age of the first request', async () => {
    const c = clock();
    const cache = new GitLabLookupCache({ ttlMs: 1_000, maxEntries: 10, now: c.now });
    const sentAt = cache.clock();
    c.advance(600);
    cache.remember(MUTABLE, 'by-id', found(), sentAt);
    expect(cache.lookup(MUTABLE, 'by-id', () => Promise.resolve(found())).hit).toBe(true);
    c.advance(400);
    expect(cache.lookup(MUTABLE, 'by-id', () => Promise.resolve(found())).hit).toBe(false);
    cache.remember(MUTABLE, 'down', { status: 'unavailable', detail: 'x' }, cache.clock());
    expect(cache.stats().entries).toBe(1);
  });

  it('refuses a negative TTL and a size below one', () => {
    expect(() => new GitLabLookupCache({ ttlMs: -1, maxEntries: 1 })).toThrow(RangeError);
    expect(() => new GitLabLookupCache({ ttlMs: 0, maxEntries: 0 })).toThrow(RangeError);
  });
});

describe('GitLabCaches', () => {
  const settings = { ttlMs: 60_000, maxEntries: 10 };

  it('gives one cache per instance and token, and a fresh one when the token changes', () => {
    const caches = new GitLabCaches();
    const a = caches.forToken('https://gitlab.example.com/api/v4', 'glpat-one', settings);
    expect(caches.forToken('https://gitlab.example.com/api/v4/', 'glpat-one', settings)).toBe(a);
    expect(caches.forToken('https://other.example.com/api/v4', 'glpat-one', settings)).not.toBe(a);
    const rotated = caches.forToken('https://gitlab.example.com/api/v4', 'glpat-two', settings);
    expect(rotated).not.toBe(a);
    expect(caches.size).toBe(2);
  });

  it('never uses the token itself as a key', () => {
    const scope = tokenScope('https://gitlab.example.com/api/v4', 'glpat-Xq7rT2vN9sLm4Kp8Zw3B');
    expect(scope).not.toContain('glpat');
    expect(scope).toMatch(/^https:\/\/gitlab\.example\.com\/api\/v4#[0-9a-f]{32}$/);
    expect(tokenScope('https://gitlab.example.com/api/v4', undefined)).toMatch(/#anonymous$/);
  });
});
