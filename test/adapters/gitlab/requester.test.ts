import { formatQuery, GitLabHttpClient } from '../../../lib/adapters/gitlab/http';
import { silentLogger } from '../../../lib/core/logger';

describe('formatQuery (our stand-in for gitbeaker’s query formatter)', () => {
  it('writes snake_case keys, arrays as key[]=, and leaves undefined out', () => {
    expect(
      formatQuery({ perPage: 100, page: '2', orderBy: 'id', scope: ['running', 'success'], x: undefined }),
    ).toBe('per_page=100&page=2&order_by=id&scope%5B%5D=running&scope%5B%5D=success');
    expect(formatQuery({})).toBe('');
  });

  it('refuses nested objects instead of guessing their encoding', () => {
    expect(() => formatQuery({ customAttributes: { a: 1 } })).toThrow('unsupported GitLab query parameter');
  });
});

describe('GitLabHttpClient requester', () => {
  it('refuses every method but GET', async () => {
    const http = new GitLabHttpClient({
      apiUrl: 'http://127.0.0.1:9/api/v4',
      token: undefined,
      lookupTimeoutMs: 1000,
      requestTimeoutMs: 1000,
      concurrency: 1,
      maxRetries: 0,
      baseBackoffMs: 1,
      logger: silentLogger,
    });
    const requester = http.requesterFn({
      deadlineAt: performance.now() + 1000,
      signal: new AbortController().signal,
    })({
      headers: {},
      authHeaders: {},
      url: 'http://127.0.0.1:9/api/v4',
    });
    await expect(requester.post('projects/1/pipelines')).rejects.toThrow('read-only');
    await expect(requester.delete('projects/1')).rejects.toThrow('read-only');
  });
});
