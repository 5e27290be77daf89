import { GitLabAdapter } from '../../../lib/adapters/gitlab';
import {
  GitLabBudgetExhaustedError,
  GitLabBudgets,
  GitLabRequestBudget,
} from '../../../lib/adapters/gitlab/budget';
import { WaitAbortedError } from '../../../lib/resilience';
import { startGitLabStandin, type GitLabStandin, type StandinData } from '../../../tools/gitlab-standin';

/** A clock that only moves when someone sleeps on it. */
function fakeTime(): { now: () => number; sleep: (ms: number, signal?: AbortSignal) => Promise<void> } {
  let t = 0;
  return {
    now: () => t,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(new WaitAbortedError({ cause: signal.reason }));
      t += ms;
      return Promise.resolve();
    },
  };
}

describe('GitLabRequestBudget', () => {
  it('grants a burst of one second, then requestsPerMinute / 60 per second', async () => {
    const time = fakeTime();
    const budget = new GitLabRequestBudget({ requestsPerMinute: 120, ...time });
    for (let i = 0; i < 2; i += 1) await budget.acquire('GET /x', Infinity);
    expect(time.now()).toBe(0);
    for (let i = 0; i < 4; i += 1) await budget.acquire('GET /x', Infinity);
    expect(time.now()).toBeGreaterThanOrEqual(2_000);
    expect(budget.stats()).toMatchObject({ granted: 6, waited: 4 });
  });

  it('holds every request of the token during a Retry-After pause', async () => {
    const time = fakeTime();
    const budget = new GitLabRequestBudget({ requestsPerMinute: 6_000, ...time });
    budget.pauseFor(5_000);
    await budget.acquire('GET /x', Infinity);
    expect(time.now()).toBeGreaterThanOrEqual(5_000);
    expect(budget.pauseLeftMs()).toBe(0);
  });

  it('throws GitLabBudgetExhaustedError when a grant would take longer than the wait limit', async () => {
    const budget = new GitLabRequestBudget({ requestsPerMinute: 60 });
    await budget.acquire('GET /a', 50);
    const error: unknown = await budget.acquire('GET /b', 50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitLabBudgetExhaustedError);
    expect(String(error)).toContain('60/min');
  });

  it('refuses a budget below one request per minute', () => {
    expect(() => new GitLabRequestBudget({ requestsPerMinute: 0 })).toThrow(RangeError);
  });

  it('is one per instance and token in a registry', () => {
    const budgets = new GitLabBudgets();
    const a = budgets.forToken('https://gitlab.example.com/api/v4', 'glpat-a', 1_800);
    expect(budgets.forToken('https://gitlab.example.com/api/v4/', 'glpat-a', 1_800)).toBe(a);
    expect(budgets.forToken('https://gitlab.example.com/api/v4', 'glpat-b', 1_800)).not.toBe(a);
  });
});

describe('request budget in the GitLab adapter', () => {
  const data: StandinData = {
    projects: [{ id: 42, path_with_namespace: 'acme/deploy', protected_branches: ['main'] }],
    pipelines: Array.from({ length: 25 }, (_, i) => ({
      id: 500 + i,
      project_id: 42,
      ref: 'main',
      source: 'push',
    })),
  };
  let standin: GitLabStandin;
  beforeEach(async () => {
    standin = await startGitLabStandin({ data });
  });
  afterEach(async () => {
    await standin.close();
  });

  const adapter = (budget: GitLabRequestBudget, lookupTimeoutMs: number, budgetMaxWaitMs = Infinity) =>
    new GitLabAdapter({
      apiUrl: standin.apiUrl,
      token: standin.token,
      lookupTimeoutMs,
      concurrency: 8,
      maxRetries: 2,
      cache: false,
      budget,
      budgetMaxWaitMs,
    });

  it('waits for the budget with the lookup deadline paused: throttling never becomes unavailable', async () => {
    // 5 per second after a burst of 5: 25 lookups need about 4 s, four times the 1 s lookup deadline.
    const gitlab = adapter(new GitLabRequestBudget({ requestsPerMinute: 300 }), 1_000);
    const results = await Promise.all(data.pipelines.map((p) => gitlab.getPipeline(42, p.id)));
    expect(results.map((r) => r.status)).toEqual(data.pipelines.map(() => 'found'));
    expect(standin.requestCount()).toBe(25);
  });

  it('ends the lookup with GitLabBudgetExhaustedError (never unavailable) past the wait limit', async () => {
    const gitlab = adapter(new GitLabRequestBudget({ requestsPerMinute: 60 }), 300, 100);
    expect((await gitlab.getPipeline(42, 500)).status).toBe('found');
    await expect(gitlab.getPipeline(42, 501)).rejects.toBeInstanceOf(GitLabBudgetExhaustedError);
  });

  it("shares GitLab's Retry-After with every adapter of the token", async () => {
    const budget = new GitLabRequestBudget({ requestsPerMinute: 6_000 });
    standin.addFault({ match: '/pipelines/500', kind: 429, times: 1, retryAfterSeconds: 1 });
    const first = adapter(budget, 5_000);
    const second = adapter(budget, 300);
    const refused = first.getPipeline(42, 500);
    await new Promise((r) => setTimeout(r, 100));
    // The second adapter waits out the pause (longer than its own deadline) and is still answered.
    expect((await second.getPipeline(42, 501)).status).toBe('found');
    expect((await refused).status).toBe('found');
    const other = standin.requests.find((r) => r.path.includes('/pipelines/501'));
    expect(standin.requests).toHaveLength(3);
    expect((other?.receivedAt ?? 0) - (standin.requests[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(900);
  });
});

describe('stand-in rate limit', () => {
  it('answers 429 with Retry-After and RateLimit headers past requestsPerMinute, in any 60 s', async () => {
    const standin = await startGitLabStandin({
      data: { projects: [{ id: 42, path_with_namespace: 'acme/deploy' }], pipelines: [] },
      requestsPerMinute: 3,
    });
    try {
      const get = () =>
        fetch(`${standin.apiUrl}/projects/42`, { headers: { 'private-token': standin.token } });
      for (let i = 0; i < 3; i += 1) expect((await get()).status).toBe(200);
      const refused = await get();
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(59);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get('ratelimit-limit')).toBe('3');
      expect(standin.rateLimited()).toBe(1);
      standin.setRateLimit(null);
      expect((await get()).status).toBe(200);
    } finally {
      await standin.close();
    }
  });
});
