import { createServer, type Server } from 'node:http';
import { createGitLabDirectory, GitLabAdapter, type GitLabAdapterOptions } from '../../lib/adapters/gitlab';
import { ConfigError } from '../../lib/core/errors';
import type { TrustedIssuer } from '../../lib/core/config';
import type { Logger } from '../../lib/core/logger';
import { startGitLabStandin, type GitLabStandin, type StandinData } from '../../tools/gitlab-standin';

const TOKEN = 'glpat-Xq7rT2vN9sLm4Kp8Zw3B';
const DEPLOY = 4242;
const WEBSITE = 5151;
const MAIN_PIPELINE = 1200345;
const MR_PIPELINE = 1200346;
const TAG_PIPELINE = 1200347;
const MANY_BRANCHES = Array.from({ length: 230 }, (_, i) => `hotfix/${String(i).padStart(3, '0')}-*`);

const data: StandinData = {
  projects: [
    {
      id: DEPLOY,
      path_with_namespace: 'acme/deploy',
      protected_branches: ['main', 'release/*', '*-stable'],
      protected_tags: ['v*'],
    },
    { id: WEBSITE, path_with_namespace: 'acme/platform/website', protected_branches: MANY_BRANCHES },
  ],
  pipelines: [
    {
      id: MAIN_PIPELINE,
      project_id: DEPLOY,
      ref: 'main',
      source: 'push',
      username: 'release.bot',
      created_at: '2025-04-16T05:31:56.117+02:00',
    },
    {
      id: MR_PIPELINE,
      project_id: DEPLOY,
      ref: 'refs/merge-requests/17/head',
      source: 'merge_request_event',
      status: 'failed',
    },
    { id: TAG_PIPELINE, project_id: DEPLOY, ref: 'v1.4.0', source: 'some_future_source', tag: true },
    ...Array.from({ length: 12 }, (_, i) => ({
      id: 1300000 + i,
      project_id: WEBSITE,
      ref: 'main',
      source: 'push',
    })),
  ],
  mergeRequests: [
    {
      project_id: DEPLOY,
      iid: 17,
      source_branch: 'feature/login',
      target_branch: 'main',
      source_project_id: 9911,
    },
  ],
  movedPaths: { 'acme/old-deploy': DEPLOY },
};

interface LogLine {
  level: string;
  obj: object;
  msg: string | undefined;
}

/** Every log line any adapter in this file writes: checked at the end for the token. */
const allLogLines: LogLine[] = [];

function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      const line = { level, obj, msg };
      lines.push(line);
      allLogLines.push(line);
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

let standin: GitLabStandin;

function adapter(overrides: Partial<GitLabAdapterOptions> = {}): GitLabAdapter {
  return new GitLabAdapter({
    apiUrl: standin.apiUrl,
    token: TOKEN,
    lookupTimeoutMs: 3_000,
    concurrency: 4,
    maxRetries: 2,
    baseBackoffMs: 5,
    logger: capturingLogger().logger,
    ...overrides,
  });
}

function statuses(): number[] {
  return standin.requests.map((r) => r.status);
}

beforeAll(async () => {
  standin = await startGitLabStandin({ data, token: TOKEN });
});

afterAll(async () => {
  await standin.close();
  // The token never reaches a log line, whatever the outcome.
  expect(allLogLines.length).toBeGreaterThan(0);
  expect(JSON.stringify(allLogLines)).not.toContain(TOKEN);
});

beforeEach(() => {
  standin.clearFaults();
  standin.setLatencyMs(0);
  standin.resetRequests();
});

describe('GitLabAdapter', () => {
  describe('found and not found', () => {
    it('maps a pipeline from GitLab snake_case to the port types, with the timestamp in UTC', async () => {
      const result = await adapter().getPipeline(DEPLOY, MAIN_PIPELINE);
      expect(result).toEqual({
        status: 'found',
        value: {
          id: MAIN_PIPELINE,
          iid: 1,
          projectId: DEPLOY,
          sha: expect.stringMatching(/^[0-9a-f]{40}$/),
          ref: 'main',
          status: 'success',
          source: 'push',
          tag: false,
          createdAt: '2025-04-16T03:31:56.117Z',
          // The stand-in's pipelines finish 95 s after creation; started 2 s after it.
          updatedAt: '2025-04-16T03:33:31.117Z',
          startedAt: '2025-04-16T03:31:58.117Z',
          finishedAt: '2025-04-16T03:33:31.117Z',
          username: 'release.bot',
          webUrl: `${standin.url}/acme/deploy/-/pipelines/${MAIN_PIPELINE}`,
        },
      });
      expect(standin.requests.map((r) => r.path)).toEqual([
        `/api/v4/projects/${DEPLOY}/pipelines/${MAIN_PIPELINE}`,
      ]);
    });

    it('keeps pipeline sources it does not know as they are', async () => {
      const result = await adapter().getPipeline(DEPLOY, TAG_PIPELINE);
      expect(result.status === 'found' && [result.value.source, result.value.tag, result.value.ref]).toEqual([
        'some_future_source',
        true,
        'v1.4.0',
      ]);
    });

    it('looks a pipeline up by URL-encoded project path', async () => {
      const result = await adapter().getPipeline('acme/deploy', MR_PIPELINE);
      expect(result.status === 'found' && result.value.ref).toBe('refs/merge-requests/17/head');
      expect(standin.requests[0]?.path).toBe(`/api/v4/projects/acme%2Fdeploy/pipelines/${MR_PIPELINE}`);
    });

    it('answers not_found when GitLab has no such pipeline in the project', async () => {
      const result = await adapter().getPipeline(WEBSITE, MAIN_PIPELINE);
      expect(result).toEqual({ status: 'not_found', detail: expect.stringContaining('404 Not found') });
    });

    it('answers not_found, not unavailable, for an unknown project', async () => {
      const result = await adapter().getProject('acme/nonexistent');
      expect(result).toEqual({ status: 'not_found', detail: expect.stringContaining('Project Not Found') });
    });

    it('answers not_found without asking GitLab for an id that cannot exist', async () => {
      expect((await adapter().getPipeline(DEPLOY, -3)).status).toBe('not_found');
      expect(standin.requestCount()).toBe(0);
    });

    it('returns a project by id and by path', async () => {
      const gitlab = adapter();
      const byId = await gitlab.getProject(DEPLOY);
      const byPath = await gitlab.getProject('acme/platform/website');
      expect(byId).toEqual({
        status: 'found',
        value: { id: DEPLOY, pathWithNamespace: 'acme/deploy', webUrl: `${standin.url}/acme/deploy` },
      });
      expect(byPath.status === 'found' && byPath.value.id).toBe(WEBSITE);
    });

    it('follows the 301 GitLab answers for a moved project and returns the current project', async () => {
      const result = await adapter().getProject('acme/old-deploy');
      expect(result).toEqual({
        status: 'found',
        value: expect.objectContaining({ id: DEPLOY, pathWithNamespace: 'acme/deploy' }),
      });
      expect(standin.requests.map((r) => [r.path, r.status])).toEqual([
        ['/api/v4/projects/acme%2Fold-deploy', 301],
        [`/api/v4/projects/${DEPLOY}`, 200],
      ]);
    });

    it('follows the 301 for sub-resources of a moved project too', async () => {
      const result = await adapter().getPipeline('acme/old-deploy', MAIN_PIPELINE);
      expect(result.status === 'found' && result.value.projectId).toBe(DEPLOY);
      expect(statuses()).toEqual([301, 200]);
    });

    it('returns a merge request, with the fork it comes from', async () => {
      const result = await adapter().getMergeRequest(DEPLOY, 17);
      expect(result).toEqual({
        status: 'found',
        value: {
          iid: 17,
          projectId: DEPLOY,
          sourceBranch: 'feature/login',
          targetBranch: 'main',
          sourceProjectId: 9911,
          webUrl: `${standin.url}/acme/deploy/-/merge_requests/17`,
        },
      });
      expect((await adapter().getMergeRequest(DEPLOY, 18)).status).toBe('not_found');
    });
  });

  describe('protected refs', () => {
    it('returns protected branch patterns as they are', async () => {
      const result = await adapter().listProtectedBranches(DEPLOY);
      expect(result).toEqual({
        status: 'found',
        value: [{ name: 'main' }, { name: 'release/*' }, { name: '*-stable' }],
      });
    });

    it('follows pagination to the last page of protected branches', async () => {
      const result = await adapter().listProtectedBranches(WEBSITE);
      expect(result.status === 'found' && result.value.map((p) => p.name)).toEqual(MANY_BRANCHES);
      expect(
        standin.requests.map((r) => new URL(r.path, standin.url).searchParams.get('page') ?? '1'),
      ).toEqual(['1', '2', '3']);
      expect(
        standin.requests.every((r) => new URL(r.path, standin.url).searchParams.get('per_page') === '100'),
      ).toBe(true);
    });

    it('returns protected tag patterns, and an empty list when nothing is protected', async () => {
      expect(await adapter().listProtectedTags(DEPLOY)).toEqual({ status: 'found', value: [{ name: 'v*' }] });
      expect(await adapter().listProtectedTags(WEBSITE)).toEqual({ status: 'found', value: [] });
    });

    it('answers unavailable, not a shorter list, when a later page fails', async () => {
      standin.addFault({ match: 'page=2', kind: 503 });
      const result = await adapter({ maxRetries: 1 }).listProtectedBranches(WEBSITE);
      expect(result).toEqual({ status: 'unavailable', detail: expect.stringContaining('503') });
    });
  });

  describe('authentication', () => {
    it('answers unavailable with a token explanation for a wrong token, and never repeats the token', async () => {
      const wrong = 'glpat-WRONGwrongWRONG1234';
      const { logger, lines } = capturingLogger();
      const result = await adapter({ token: wrong, logger }).getPipeline(DEPLOY, MAIN_PIPELINE);
      expect(result).toEqual({
        status: 'unavailable',
        detail: expect.stringContaining('refused the token (401 Unauthorized)'),
      });
      expect(statuses()).toEqual([401]);
      expect(lines.length).toBeGreaterThan(0);
      const everything = JSON.stringify({ result, lines });
      expect(everything).not.toContain(wrong);
      expect(everything).not.toContain(TOKEN);
    });

    it('sends no token at all when none is configured, and GitLab refusing is unavailable', async () => {
      const result = await adapter({ token: undefined }).getProject(DEPLOY);
      expect(result.status).toBe('unavailable');
      expect(statuses()).toEqual([401]);
    });
  });

  describe('retries and deadlines', () => {
    it('honours Retry-After on 429 and then succeeds', async () => {
      standin.addFault({ match: `/pipelines/${MAIN_PIPELINE}`, kind: 429, times: 1, retryAfterSeconds: 1 });
      const gitlab = adapter({ lookupTimeoutMs: 5_000 });
      const result = await gitlab.getPipeline(DEPLOY, MAIN_PIPELINE);
      expect(result.status).toBe('found');
      expect(statuses()).toEqual([429, 200]);
      const [first, second] = standin.requests;
      // The second request waited for the second GitLab asked for (lower bound only: sleeping never ends early).
      expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(900);
      expect(gitlab.stats()).toEqual({ requests: 2, cacheHits: 0, retries: 1, failures: 0, authFailures: 0 });
    });

    it('gives up at once as unavailable when Retry-After does not fit in the deadline', async () => {
      standin.addFault({ match: `/pipelines/${MAIN_PIPELINE}`, kind: 429, retryAfterSeconds: 120 });
      const result = await adapter({ lookupTimeoutMs: 2_000 }).getPipeline(DEPLOY, MAIN_PIPELINE);
      expect(result).toEqual({
        status: 'unavailable',
        detail: expect.stringContaining('Retry-After asks for 120 s'),
      });
      expect(standin.requestCount()).toBe(1);
    });

    it('makes other lookups on the same instance wait out a Retry-After too', async () => {
      standin.addFault({ match: `/projects/${DEPLOY}/pipelines`, kind: 429, times: 1, retryAfterSeconds: 1 });
      const gitlab = adapter({ lookupTimeoutMs: 5_000 });
      const first = gitlab.getPipeline(DEPLOY, MAIN_PIPELINE);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = await gitlab.getProject(WEBSITE);
      expect((await first).status).toBe('found');
      expect(second.status).toBe('found');
      const rateLimited = standin.requests.find((r) => r.status === 429);
      const project = standin.requests.find((r) => r.path === `/api/v4/projects/${WEBSITE}`);
      expect((project?.receivedAt ?? 0) - (rateLimited?.receivedAt ?? 0)).toBeGreaterThanOrEqual(900);
    });

    it('retries a 429 without Retry-After with backoff', async () => {
      standin.addFault({ match: '/protected_tags', kind: 429, times: 2 });
      expect((await adapter().listProtectedTags(DEPLOY)).status).toBe('found');
      expect(statuses()).toEqual([429, 429, 200]);
    });

    it('retries 5xx and then succeeds', async () => {
      standin.addFault({ match: `/projects/${DEPLOY}`, kind: 502, times: 1 });
      standin.addFault({ match: `/projects/${DEPLOY}`, kind: 500, times: 1 });
      const gitlab = adapter({ maxRetries: 2 });
      expect((await gitlab.getProject(DEPLOY)).status).toBe('found');
      expect(statuses()).toEqual([502, 500, 200]);
      expect(gitlab.stats()).toEqual({ requests: 3, cacheHits: 0, retries: 2, failures: 0, authFailures: 0 });
    });

    it('answers unavailable after maxRetries + 1 requests when 5xx persists', async () => {
      standin.addFault({ match: '/merge_requests/17', kind: 503 });
      const gitlab = adapter({ maxRetries: 3 });
      const result = await gitlab.getMergeRequest(DEPLOY, 17);
      expect(result).toEqual({
        status: 'unavailable',
        detail: expect.stringContaining('gave up after 4 attempts'),
      });
      expect(statuses()).toEqual([503, 503, 503, 503]);
      expect(gitlab.stats()).toEqual({ requests: 4, cacheHits: 0, retries: 3, failures: 1, authFailures: 0 });
    });

    it('does not retry at all with maxRetries 0', async () => {
      standin.addFault({ match: '/merge_requests/17', kind: 500 });
      expect((await adapter({ maxRetries: 0 }).getMergeRequest(DEPLOY, 17)).status).toBe('unavailable');
      expect(standin.requestCount()).toBe(1);
    });

    it('answers unavailable within the deadline when GitLab never answers', async () => {
      standin.addFault({ match: `/pipelines/${MAIN_PIPELINE}`, kind: 'hang' });
      const { logger, lines } = capturingLogger();
      const result = await adapter({ lookupTimeoutMs: 400, maxRetries: 5, logger }).getPipeline(
        DEPLOY,
        MAIN_PIPELINE,
      );
      expect(result).toEqual({
        status: 'unavailable',
        detail: expect.stringMatching(/no answer within|deadline/),
      });
      // Hung attempts time out and are retried, but never past the lookup deadline.
      expect(standin.requestCount()).toBeGreaterThanOrEqual(1);
      expect(standin.requestCount()).toBeLessThanOrEqual(6);
      expect(lines.some((l) => l.level === 'warn')).toBe(true);
    }, 5_000);

    it('retries network errors and then answers unavailable', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const address = closed.address();
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const port = typeof address === 'object' && address ? address.port : 0;
      const gitlab = new GitLabAdapter({
        apiUrl: `http://127.0.0.1:${port}/api/v4`,
        token: TOKEN,
        lookupTimeoutMs: 2_000,
        concurrency: 2,
        maxRetries: 2,
        baseBackoffMs: 5,
      });
      const result = await gitlab.getProject(DEPLOY);
      expect(result).toEqual({ status: 'unavailable', detail: expect.stringContaining('ECONNREFUSED') });
      expect(gitlab.stats()).toEqual({ requests: 3, cacheHits: 0, retries: 2, failures: 1, authFailures: 0 });
    });
  });

  describe('per-run cache', () => {
    it('sends one request for concurrent identical lookups', async () => {
      standin.setLatencyMs(50);
      const gitlab = adapter();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => gitlab.getPipeline(DEPLOY, MAIN_PIPELINE)),
      );
      expect(results.every((r) => r.status === 'found')).toBe(true);
      expect(standin.requestCount()).toBe(1);
      expect(gitlab.stats()).toEqual({ requests: 1, cacheHits: 4, retries: 0, failures: 0, authFailures: 0 });
    });

    it('fetches each protection list once per run', async () => {
      const gitlab = adapter();
      await gitlab.listProtectedBranches(WEBSITE);
      await gitlab.listProtectedBranches(WEBSITE);
      await gitlab.listProtectedTags(WEBSITE);
      await gitlab.listProtectedTags(WEBSITE);
      expect(standin.requestCount()).toBe(4); // 3 pages of branches + 1 of tags
      expect(gitlab.stats().cacheHits).toBe(2);
    });

    it('sends one request per call with cache: false', async () => {
      const gitlab = adapter({ cache: false });
      await Promise.all(Array.from({ length: 3 }, () => gitlab.getPipeline(DEPLOY, MAIN_PIPELINE)));
      await gitlab.getPipeline(DEPLOY, MAIN_PIPELINE);
      expect(standin.requestCount()).toBe(4);
      expect(gitlab.stats().cacheHits).toBe(0);
    });

    it('does not keep unavailable outcomes, so a later call tries again', async () => {
      standin.addFault({ match: `/projects/${DEPLOY}/protected_branches`, kind: 500, times: 1 });
      const gitlab = adapter({ maxRetries: 0 });
      expect((await gitlab.listProtectedBranches(DEPLOY)).status).toBe('unavailable');
      expect((await gitlab.listProtectedBranches(DEPLOY)).status).toBe('found');
      expect((await gitlab.listProtectedBranches(DEPLOY)).status).toBe('found');
      expect(statuses()).toEqual([500, 200]);
    });

    it('keeps not_found outcomes for the run', async () => {
      const gitlab = adapter();
      await gitlab.getPipeline(DEPLOY, 999);
      await gitlab.getPipeline(DEPLOY, 999);
      expect(standin.requestCount()).toBe(1);
    });

    it('answers a lookup by id from an earlier lookup by path', async () => {
      const gitlab = adapter();
      await gitlab.getProject('acme/deploy');
      expect((await gitlab.getProject(DEPLOY)).status).toBe('found');
      expect(standin.requestCount()).toBe(1);
    });
  });

  describe('concurrency', () => {
    it('never has more requests in flight than configured', async () => {
      standin.setLatencyMs(50);
      const gitlab = adapter({ concurrency: 3, cache: false });
      const ids = Array.from({ length: 12 }, (_, i) => 1300000 + i);
      const results = await Promise.all(ids.map((id) => gitlab.getPipeline(WEBSITE, id)));
      expect(results.every((r) => r.status === 'found')).toBe(true);
      expect(standin.requestCount()).toBe(12);
      expect(standin.maxInFlight()).toBeLessThanOrEqual(3);
      expect(standin.maxInFlight()).toBeGreaterThan(1);
    });
  });
});

describe('GitLabAdapter against odd servers', () => {
  let odd: Server;
  let oddUrl = '';
  let seenTokens: (string | undefined)[] = [];

  beforeAll(async () => {
    odd = createServer((req, res) => {
      seenTokens.push(req.headers['private-token'] as string | undefined);
      const path = req.url ?? '';
      if (path.includes('/pipelines/1')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'one', project_id: 1, ref: null }));
      } else if (path.includes('/pipelines/2')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>Sign in</html>');
      } else if (path.includes('/projects/3')) {
        res.writeHead(301, { location: 'https://elsewhere.example.com/api/v4/projects/3' });
        res.end();
      } else if (path.includes('/projects/4')) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'insufficient_scope' }));
      } else {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: { id: ['is invalid'] } }));
      }
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const address = odd.address();
    oddUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v4`;
  });

  afterAll(async () => {
    odd.closeAllConnections();
    await new Promise<void>((resolve) => odd.close(() => resolve()));
  });

  beforeEach(() => {
    seenTokens = [];
  });

  const oddAdapter = (): GitLabAdapter =>
    new GitLabAdapter({
      apiUrl: oddUrl,
      token: TOKEN,
      lookupTimeoutMs: 2_000,
      concurrency: 2,
      maxRetries: 1,
      baseBackoffMs: 5,
      logger: capturingLogger().logger,
    });

  it('answers unavailable when the JSON does not have the documented shape', async () => {
    const result = await oddAdapter().getPipeline(1, 1);
    expect(result).toEqual({ status: 'unavailable', detail: expect.stringContaining('expected shape') });
  });

  it('answers unavailable when GitLab answers 200 with something other than JSON', async () => {
    const result = await oddAdapter().getPipeline(1, 2);
    expect(result).toEqual({ status: 'unavailable', detail: expect.stringContaining('text/html') });
  });

  it('does not follow a redirect to another origin, so the token stays home', async () => {
    const result = await oddAdapter().getProject(3);
    expect(result).toEqual({ status: 'unavailable', detail: expect.stringContaining('not followed') });
    expect(seenTokens).toEqual([TOKEN]);
  });

  it('answers unavailable for 403 with a scope explanation', async () => {
    const result = await oddAdapter().getProject(4);
    expect(result).toEqual({ status: 'unavailable', detail: expect.stringContaining('read_api') });
  });

  it('answers unavailable for other client errors without retrying', async () => {
    const gitlab = oddAdapter();
    const result = await gitlab.getMergeRequest(5, 1);
    expect(result).toEqual({ status: 'unavailable', detail: expect.stringContaining('400') });
    expect(gitlab.stats().requests).toBe(1);
  });
});

describe('createGitLabDirectory', () => {
  const issuer = (overrides: Partial<TrustedIssuer>): TrustedIssuer => ({
    issuer: 'https://gitlab.example.com',
    apiUrl: standin.apiUrl,
    lookupTimeoutMs: 2_000,
    concurrency: 4,
    maxRetries: 1,
    cacheTtlSeconds: 60,
    cacheMaxEntries: 100,
    requestsPerMinute: 1_800,
    ...overrides,
  });

  it('picks the adapter by issuer, ignoring a trailing slash, and sums the stats', async () => {
    const directory = createGitLabDirectory(
      [
        issuer({ token: { env: 'GITLAB_TOKEN' } }),
        issuer({ issuer: 'https://gitlab.com', apiUrl: standin.apiUrl }),
      ],
      new Map([
        ['https://gitlab.example.com', TOKEN],
        ['https://gitlab.com', 'glpat-wrong-token-000000'],
      ]),
      { logger: capturingLogger().logger },
    );
    expect(directory.forIssuer('https://gitlab.example.org')).toBeUndefined();
    expect((await directory.forIssuer('https://gitlab.example.com/')?.getProject(DEPLOY))?.status).toBe(
      'found',
    );
    expect((await directory.forIssuer('https://gitlab.com')?.getProject(DEPLOY))?.status).toBe('unavailable');
    expect(directory.stats()).toEqual({
      requests: 2,
      cacheHits: 0,
      retries: 0,
      failures: 1,
      authFailures: 1,
    });
  });

  it('refuses an issuer whose configured token was not resolved', () => {
    expect(() => createGitLabDirectory([issuer({ token: { env: 'GITLAB_TOKEN' } })], new Map())).toThrow(
      ConfigError,
    );
  });

  it('treats an issuer without a token source as anonymous', async () => {
    const directory = createGitLabDirectory([issuer({})], new Map());
    expect((await directory.forIssuer('https://gitlab.example.com')?.getProject(DEPLOY))?.status).toBe(
      'unavailable',
    );
    expect(standin.requests.map((r) => r.status)).toEqual([401]);
  });
});
