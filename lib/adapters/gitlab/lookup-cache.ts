/**
 * The GitLab lookup cache: one per GitLab instance and token, living as long as its owner wants (a Lambda container,
 * a CLI run). Every lookup of the adapter goes through `lookup(kind, key, run)`, so a new lookup kind only declares
 * how long its facts stay true:
 * - `mutable` facts (protected branches and tags, project path -> id, merge requests, "not found") are served for at
 *   most `ttlMs`, counted from when the request was SENT, so a cached fact is never older than the TTL;
 * - `immutable` facts (a finished pipeline, a finished job) are served until evicted;
 * - `unavailable` outcomes are never kept: the next caller asks GitLab again.
 * Concurrent callers of one key share one in-flight request. Memory is bounded: at most `maxEntries` entries, the
 * least recently used evicted first (each entry is one GitLab answer: an object, or a list capped by pagination).
 */
import type { Lookup } from '../../core/gitlab-port';

/** How long a found value stays true. A function decides per value (a pipeline is immutable once it finished). */
export type Mutability<T> = 'mutable' | 'immutable' | ((value: T) => 'mutable' | 'immutable');

/** One kind of lookup (pipeline, project, protected branches...): its name in keys and how long its facts hold. */
export interface LookupKind<T> {
  readonly name: string;
  readonly mutability: Mutability<T>;
}

export interface LookupCacheOptions {
  /** How long a mutable fact may be served (default 60 s). */
  readonly ttlMs: number;
  /** Entries kept at most; the least recently used goes first. */
  readonly maxEntries: number;
  /** Monotonic clock, injectable for tests. */
  readonly now?: () => number;
}

export interface LookupCacheStats {
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

interface Entry {
  /** Lookup<T> of the kind stored under this key; see `lookup` for why the type is erased. */
  readonly promise: Promise<Lookup<unknown>>;
  /** Monotonic time after which the entry is not served; Infinity for immutable facts. */
  expiresAt: number;
}

export const DEFAULT_CACHE_TTL_MS = 60_000;
export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;

/** Declares a lookup kind once, next to the lookup that uses it. */
export function lookupKind<T>(name: string, mutability: Mutability<T>): LookupKind<T> {
  return { name, mutability };
}

export class GitLabLookupCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  public constructor(private readonly options: LookupCacheOptions) {
    if (!(options.ttlMs >= 0)) throw new RangeError(`cache TTL must be >= 0 ms, got ${options.ttlMs}`);
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1)
      throw new RangeError(`cache size must be a positive integer, got ${options.maxEntries}`);
    this.now = options.now ?? (() => performance.now());
  }

  public stats(): LookupCacheStats {
    return { entries: this.entries.size, hits: this.hits, misses: this.misses, evictions: this.evictions };
  }

  /**
   * The cached outcome of `kind`/`key` if still fresh, else `run()`'s (shared with concurrent callers).
   * `hit` tells the caller whether GitLab was asked (for per-event counters).
   */
  public lookup<T>(
    kind: LookupKind<T>,
    key: string,
    run: () => Promise<Lookup<T>>,
  ): { readonly promise: Promise<Lookup<T>>; readonly hit: boolean } {
    const id = `${kind.name}:${key}`;
    const at = this.now();
    const existing = this.entries.get(id);
    if (existing && existing.expiresAt > at) {
      // Re-insert: Map iteration order is insertion order, so the first key is always the least recently used.
      this.entries.delete(id);
      this.entries.set(id, existing);
      this.hits += 1;
      // The entry under `id` was stored by `kind` itself (the kind's name is part of the key), so it is a Lookup<T>.
      return { promise: existing.promise as Promise<Lookup<T>>, hit: true };
    }
    if (existing) this.entries.delete(id);
    this.misses += 1;
    const promise = run();
    // While in flight the entry is served like a mutable one (sharing the request), from the time it was sent.
    const entry: Entry = { promise, expiresAt: at + this.options.ttlMs };
    this.entries.set(id, entry);
    this.evictOverflow();
    const forget = (): void => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    };
    // Side chain only: callers receive `promise` itself, including a rejection (a programming error).
    promise.then((result) => {
      if (result.status === 'unavailable') forget();
      else if (result.status === 'found' && mutabilityOf(kind.mutability, result.value) === 'immutable')
        entry.expiresAt = Number.POSITIVE_INFINITY;
    }, forget);
    return { promise, hit: false };
  }

  /** Stores a found value under another key of a kind (a project found by path also answers the lookup by id). */
  public remember<T>(kind: LookupKind<T>, key: string, result: Lookup<T>, sentAt: number): void {
    if (result.status === 'unavailable') return;
    const id = `${kind.name}:${key}`;
    const existing = this.entries.get(id);
    if (existing && existing.expiresAt > this.now()) return;
    const immutable =
      result.status === 'found' && mutabilityOf(kind.mutability, result.value) === 'immutable';
    this.entries.delete(id);
    this.entries.set(id, {
      promise: Promise.resolve(result),
      expiresAt: immutable ? Number.POSITIVE_INFINITY : sentAt + this.options.ttlMs,
    });
    this.evictOverflow();
  }

  /** The monotonic clock the cache measures age with (for `remember`'s `sentAt`). */
  public clock(): number {
    return this.now();
  }

  private evictOverflow(): void {
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) return;
      this.entries.delete(oldest.value);
      this.evictions += 1;
    }
  }
}

function mutabilityOf<T>(m: Mutability<T>, value: T): 'mutable' | 'immutable' {
  return typeof m === 'function' ? m(value) : m;
}
