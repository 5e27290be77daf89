import { parseRetryAfter } from '../../lib/resilience';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-04-16T03:31:56Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date as the time left until it', () => {
    expect(parseRetryAfter('Wed, 16 Apr 2025 03:32:56 GMT', now)).toBe(60_000);
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Wed, 16 Apr 2025 03:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined for absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
