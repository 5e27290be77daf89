/** Injected failures, answered the way GitLab (or the proxy in front of it) answers them. */
import type { Reply } from './reply';
import type { StandinFault } from './types';

export interface ActiveFault {
  readonly fault: StandinFault;
  remaining: number;
}

/** The first fault that still has uses left and matches the path; it is used up by one. */
export function takeFault(faults: readonly ActiveFault[], path: string): StandinFault | undefined {
  const active = faults.find(
    (f) =>
      f.remaining > 0 &&
      (typeof f.fault.match === 'string' ? path.includes(f.fault.match) : f.fault.match.test(path)),
  );
  if (active) active.remaining -= 1;
  return active?.fault;
}

export function applyFault(reply: Reply, fault: StandinFault): void {
  switch (fault.kind) {
    case 'hang':
      return; // never answer; close() destroys the socket
    case 429:
      // GitLab.com's rate limiter answers plain text. See: https://docs.gitlab.com/user/gitlab_com/#rate-limits-on-gitlabcom
      reply.raw(
        429,
        {
          'content-type': 'text/plain',
          ...(fault.retryAfterSeconds === undefined
            ? {}
            : { 'retry-after': String(fault.retryAfterSeconds) }),
          'ratelimit-limit': '2000',
          'ratelimit-remaining': '0',
        },
        'Retry later\n',
      );
      return;
    case 500:
      reply.json(500, { message: '500 Internal Server Error' });
      return;
    case 502:
    case 503: {
      const text = fault.kind === 502 ? '502 Bad Gateway' : '503 Service Unavailable';
      reply.send(fault.kind, `<html><body><h1>${text}</h1></body></html>\n`, { 'content-type': 'text/html' });
      return;
    }
    case 404:
      reply.json(404, { message: '404 Not found' });
      return;
  }
}
