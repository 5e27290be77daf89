/**
 * GitLab.com's per-user API rate limit, as a sliding window: at most `requestsPerMinute` accepted requests in any
 * 60 s; beyond it a 429 with Retry-After (the seconds until the oldest accepted request leaves the window) and the
 * RateLimit-* headers GitLab sends. Refused requests do not count, so a client that honours Retry-After gets back in.
 * See: https://docs.gitlab.com/user/gitlab_com/#rate-limits-on-gitlabcom
 * See: https://docs.gitlab.com/administration/settings/user_and_ip_rate_limits/#response-headers
 */
import type { Reply } from './reply';

export interface RateLimit {
  /** true: answered here with 429; false: the request may go on. */
  refuse(reply: Reply, at: number): boolean;
  /** How many requests were refused. */
  refused(): number;
}

const WINDOW_MS = 60_000;

export function createRateLimit(requestsPerMinute: number): RateLimit {
  if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1)
    throw new RangeError(`requestsPerMinute must be a positive integer, got ${requestsPerMinute}`);
  // Accepted request times, oldest first; `head` skips those that left the window without shifting the array.
  const accepted: number[] = [];
  let head = 0;
  let refusedCount = 0;
  return {
    refuse(reply, at) {
      while (head < accepted.length && (accepted[head] ?? 0) <= at - WINDOW_MS) head += 1;
      if (head > 4096) {
        accepted.splice(0, head);
        head = 0;
      }
      if (accepted.length - head < requestsPerMinute) {
        accepted.push(at);
        return false;
      }
      refusedCount += 1;
      const oldest = accepted[head] ?? at;
      const retryAfter = Math.max(1, Math.ceil((oldest + WINDOW_MS - at) / 1000));
      reply.raw(
        429,
        {
          'content-type': 'text/plain',
          'retry-after': String(retryAfter),
          'ratelimit-limit': String(requestsPerMinute),
          'ratelimit-observed': String(requestsPerMinute),
          'ratelimit-remaining': '0',
          'ratelimit-name': 'throttle_authenticated_api',
          'ratelimit-reset': String(Math.ceil((Date.now() + retryAfter * 1000) / 1000)),
        },
        'Retry later\n',
      );
      return true;
    },
    refused: () => refusedCount,
  };
}
