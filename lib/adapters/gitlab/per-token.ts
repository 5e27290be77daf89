/**
 * State that belongs to one GitLab instance AND one token rather than to one adapter: the lookup cache (what the
 * token can see is what was cached) and the request budget (GitLab.com's limits are per user, so per token).
 * Adapters come and go (one per Lambda event); these registries live as long as the process or container.
 */
import { createHash } from 'node:crypto';
import { GitLabLookupCache } from './lookup-cache';

/**
 * `origin + path of the API` and a SHA-256 fingerprint of the token: the token itself is never a map key, so a heap
 * dump or a debug print of the registry does not show it. A rotated token gets a fresh scope.
 */
export function tokenScope(apiUrl: string, token: string | undefined): string {
  const api = apiUrl.replace(/\/+$/, '');
  if (token === undefined || token === '') return `${api}#anonymous`;
  return `${api}#${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
}

export interface CacheSettings {
  readonly ttlMs: number;
  readonly maxEntries: number;
}

/**
 * One GitLabLookupCache per instance and token. Held by the composition for the life of a Lambda container or a CLI
 * run and handed to every directory it builds, so a burst of events in one container shares its facts.
 */
export class GitLabCaches {
  /** API URL -> the cache of the token currently used with it (a rotated token replaces it: memory stays bounded). */
  private readonly caches = new Map<string, { readonly scope: string; readonly cache: GitLabLookupCache }>();

  public constructor(private readonly now?: () => number) {}

  public forToken(apiUrl: string, token: string | undefined, settings: CacheSettings): GitLabLookupCache {
    const scope = tokenScope(apiUrl, token);
    const api = apiUrl.replace(/\/+$/, '');
    const held = this.caches.get(api);
    if (held?.scope === scope) return held.cache;
    const cache = new GitLabLookupCache({ ...settings, ...(this.now ? { now: this.now } : {}) });
    this.caches.set(api, { scope, cache });
    return cache;
  }

  /** Instances currently holding a cache. */
  public get size(): number {
    return this.caches.size;
  }
}
