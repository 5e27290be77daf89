/** Small builders shared by the API areas: stable fake ids and hashes, GitLab timestamps, the user entity. */
import { createHash } from 'node:crypto';

/** Where the stand-in listens; known once the server is bound, read by the areas when they answer. */
export interface Instance {
  /** e.g. http://127.0.0.1:43121 */
  readonly baseUrl: string;
  /** `${baseUrl}/api/v4` */
  readonly apiUrl: string;
}

export const DEFAULT_CREATED_AT = '2025-04-16T03:31:56.117+00:00';

export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** A stable small integer for ids of users, namespaces, access levels. */
export function stableId(seed: string): number {
  return createHash('sha1').update(seed).digest().readUInt32BE(0) % 9_000_000;
}

export function addSeconds(timestamp: string, seconds: number): string {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return timestamp;
  return new Date(ms + seconds * 1000).toISOString().replace('Z', '+00:00');
}

/** GitLab's UserBasic entity. See: https://docs.gitlab.com/api/users/#as-a-regular-user */
export function userJson(baseUrl: string, username: string): Record<string, unknown> {
  return {
    id: stableId(`user:${username}`),
    username,
    name: username
      .split(/[._-]/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join(' '),
    state: 'active',
    locked: false,
    avatar_url: `https://secure.gravatar.com/avatar/${fakeSha(username).slice(0, 32)}?s=80&d=identicon`,
    web_url: `${baseUrl}/${username}`,
  };
}
