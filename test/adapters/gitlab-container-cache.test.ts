/**
 * The per-container GitLab cache through the whole evaluator, against the stand-in over real HTTP: a directory per
 * event (as the correlator builds them) sharing one GitLabCaches, compared with uncached runs.
 */
import { createGitLabDirectory } from '../../lib/adapters/gitlab';
import { GitLabCaches } from '../../lib/adapters/gitlab/per-token';
import type { RoleAssumption } from '../../lib/core/assumption';
import type { Config } from '../../lib/core/config';
import { createEvaluator } from '../../lib/core/correlate';
import type { Verdict } from '../../lib/core/verdict';
import { startGitLabStandin, type GitLabStandin, type StandinData } from '../../tools/gitlab-standin';
import { buildAssumption, buildConfig, ISSUER } from '../support/assumptions';

const DEPLOY = 4242;
const OTHER = 5151;
const NOW = () => new Date('2026-11-20T12:00:00Z');

/** Two minutes before the events: each pipeline's default deploy job runs from 11:57:02 to 11:58:35. */
const RECENT = '2026-11-20T11:57:00.000+00:00';
const LATER = '2026-11-20T12:30:00.000+00:00';

function standinData(): StandinData {
  return {
    projects: [
      {
        id: DEPLOY,
        path_with_namespace: 'acme/deploy',
        protected_branches: ['main'],
        protected_tags: ['v*'],
      },
      { id: OTHER, path_with_namespace: 'acme/other', protected_branches: ['main'] },
    ],
    // Pipelines whose deploy job runs when the events below (11:59) assume the role (issue 8: a token is judged by
    // the pipelines GitLab shows running then); 9003 ran long before, so it is no candidate on main.
    pipelines: [
      { id: 9001, project_id: DEPLOY, ref: 'main', source: 'push', created_at: RECENT },
      { id: 9002, project_id: DEPLOY, ref: 'feature/x', source: 'push', created_at: RECENT },
      { id: 9003, project_id: DEPLOY, ref: 'main', source: 'trigger' },
      // Still running, started after the events: never a candidate for them (the running list finds it, and the
      // creation time rules it out).
      { id: 9004, project_id: DEPLOY, ref: 'main', source: 'push', status: 'running', created_at: LATER },
      { id: 9005, project_id: DEPLOY, ref: 'v1.2.0', source: 'push', tag: true, created_at: RECENT },
      { id: 9006, project_id: OTHER, ref: 'main', source: 'push', created_at: RECENT },
    ],
  };
}

let standin: GitLabStandin;
let data: StandinData;

beforeEach(async () => {
  data = standinData();
  standin = await startGitLabStandin({ data });
});
afterEach(async () => {
  await standin.close();
});

function config(): Config {
  return buildConfig(
    { allowedProjectIds: [DEPLOY] },
    { trustedIssuers: [{ issuer: ISSUER, apiUrl: standin.apiUrl, token: { env: 'T' }, maxRetries: 0 }] },
  );
}

/** Judges each assumption with a directory of its own, as the correlator does per event. */
async function judgeEach(
  assumptions: readonly RoleAssumption[],
  caches: GitLabCaches | false,
): Promise<Verdict[]> {
  const c = config();
  const verdicts: Verdict[] = [];
  for (const a of assumptions) {
    const gitlab = createGitLabDirectory(
      c.trustedIssuers,
      new Map([[ISSUER, standin.token]]),
      caches === false ? { cache: false } : { caches },
    );
    verdicts.push(await createEvaluator({ config: c, gitlab, now: NOW }).evaluate(a));
  }
  return verdicts;
}

function event(i: number, pipeline: number, subject: string): RoleAssumption {
  return buildAssumption({
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    eventTime: '2026-11-20T11:59:00Z',
    roleSessionName: `pipeline-${pipeline}`,
    subject,
  });
}

const MAIN = 'project_path:acme/deploy:ref_type:branch:ref:main';

describe('per-container GitLab cache', () => {
  it('judges a 20-job deploy burst with at most 0.3 GitLab requests per assumption', async () => {
    const burst = Array.from({ length: 20 }, (_, i) => event(i, 9001, MAIN));
    const caches = new GitLabCaches();
    const verdicts = await judgeEach(burst, caches);
    expect(verdicts.every((v) => v.verdict === 'ok')).toBe(true);
    expect(standin.requestCount() / burst.length).toBeLessThanOrEqual(0.3);
  });

  it('gives verdicts identical to an uncached run on a mixed corpus', async () => {
    const subjects = [
      MAIN,
      'project_path:acme/deploy:ref_type:branch:ref:feature/x',
      'project_path:acme/deploy:ref_type:tag:ref:v1.2.0',
      'project_path:acme/other:ref_type:branch:ref:main',
      'project_path:acme/renamed:ref_type:branch:ref:main',
    ];
    const pipelines = [9001, 9002, 9003, 9004, 9005, 9006, 9999];
    const corpus: RoleAssumption[] = [];
    for (let i = 0; i < 70; i += 1)
      corpus.push(event(i, pipelines[i % pipelines.length] ?? 0, subjects[i % subjects.length] ?? MAIN));
    const uncached = await judgeEach(corpus, false);
    const uncachedRequests = standin.requestCount();
    standin.resetRequests();
    const cached = await judgeEach(corpus, new GitLabCaches());
    expect(cached).toEqual(uncached);
    expect(new Set(uncached.map((v) => v.verdict))).toEqual(new Set(['ok', 'alert']));
    expect(standin.requestCount()).toBeLessThan(uncachedRequests / 4);
  });

  it('serves protected branches no longer than the TTL, and finished pipelines past it', async () => {
    let t = 0;
    const caches = new GitLabCaches(() => t);
    const [first] = await judgeEach([event(1, 9001, MAIN)], caches);
    expect(first?.verdict).toBe('ok');
    // main is no longer protected: within the TTL the container still uses what GitLab said...
    const project = data.projects.find((p) => p.id === DEPLOY);
    if (!project) throw new Error('fixture');
    project.protected_branches = ['release/*'];
    t += 59_000;
    standin.resetRequests();
    expect((await judgeEach([event(2, 9001, MAIN)], caches))[0]?.verdict).toBe('ok');
    expect(standin.requestCount()).toBe(0);
    // ...and once the TTL has passed it asks again, and only for what can change (not the finished pipeline).
    t += 1_000;
    const [after] = await judgeEach([event(3, 9001, MAIN)], caches);
    expect(after?.verdict).toBe('alert');
    // The ref's pipelines list can change too; the finished pipeline's jobs cannot.
    expect(standin.requests.map((r) => r.path.replace(/\?.*$/, '')).sort()).toEqual([
      '/api/v4/projects/4242/protected_branches',
      '/api/v4/projects/acme%2Fdeploy',
      '/api/v4/projects/acme%2Fdeploy/pipelines', // the window's pipelines
      '/api/v4/projects/acme%2Fdeploy/pipelines', // and those still running (the test's clock is near the events)
    ]);
  });

  it('asks again for a running pipeline once the TTL has passed', async () => {
    let t = 0;
    const caches = new GitLabCaches(() => t);
    await judgeEach([event(1, 9004, MAIN)], caches);
    t += 60_000;
    standin.resetRequests();
    await judgeEach([event(2, 9004, MAIN)], caches);
    expect(standin.requests.some((r) => r.path.includes('/pipelines/9004'))).toBe(true);
  });

  it('never keeps an outage: the next event after a 503 asks GitLab and is judged', async () => {
    const caches = new GitLabCaches();
    standin.addFault({ match: '/pipelines/9001', kind: 503, times: 1 });
    const [down] = await judgeEach([event(1, 9001, MAIN)], caches);
    expect(down?.verdict).toBe('unverified');
    const [up] = await judgeEach([event(2, 9001, MAIN)], caches);
    expect(up?.verdict).toBe('ok');
  });

  it('keeps tokens apart: a second token does not see what the first one cached', async () => {
    const caches = new GitLabCaches();
    await judgeEach([event(1, 9001, MAIN)], caches);
    const c = config();
    const other = createGitLabDirectory(c.trustedIssuers, new Map([[ISSUER, 'glpat-another-token-0000']]), {
      caches,
    });
    const verdict = await createEvaluator({ config: c, gitlab: other, now: NOW }).evaluate(
      event(2, 9001, MAIN),
    );
    expect(verdict.verdict).toBe('unverified'); // the stand-in refuses the other token: nothing was served from cache
  });
});
