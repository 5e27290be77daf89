/**
 * The GitLab adapter's provenance lookups over real HTTP to the stand-in: request shapes (paths, filters, GraphQL over
 * GET), mapping of GitLab's documented entities, caching of immutable answers, and the tier 403 as "could not tell".
 */
import { GitLabAdapter } from '../../lib/adapters/gitlab';
import { startGitLabStandin, type GitLabStandin, type StandinData } from '../../tools/gitlab-standin';

const TOKEN = 'glpat-Pr0v3nanc3T0k3n9xyz';
const DEPLOY = 4242;
const TOOLS = 7777;
const PUSH = 1_500_001;
const CHILD = 1_500_002;
const RUNNING = 1_500_003;
const DOWNSTREAM = 1_600_001;

const data: StandinData = {
  projects: [
    {
      id: DEPLOY,
      path_with_namespace: 'acme/deploy',
      protected_branches: ['main', 'release/*'],
      protected_tags: ['v*'],
      branches: ['main', 'feature/login', 'v2.0.0'],
      tags: ['v1.4.0', 'v2.0.0'],
      protected_environments: ['production'],
    },
    { id: TOOLS, path_with_namespace: 'acme/tools', protected_environments: 'tier' },
  ],
  pipelines: [
    {
      id: PUSH,
      project_id: DEPLOY,
      ref: 'main',
      source: 'push',
      created_at: '2025-04-16T03:20:00.000+00:00',
      jobs: [
        {
          id: 11,
          name: 'deploy',
          started_at: '2025-04-16T03:20:05.000+00:00',
          finished_at: '2025-04-16T03:24:00.000+00:00',
          runner: { id: 51, description: 'prod-deployer', runner_type: 'project_type' },
          environment: 'production',
        },
      ],
    },
    {
      id: CHILD,
      project_id: DEPLOY,
      ref: 'main',
      source: 'parent_pipeline',
      created_at: '2025-04-16T03:21:00.000+00:00',
      upstream: { project_id: DEPLOY, pipeline_id: PUSH },
    },
    {
      id: RUNNING,
      project_id: DEPLOY,
      ref: 'feature/login',
      source: 'push',
      status: 'running',
      created_at: '2025-04-16T03:25:00.000+00:00',
    },
    {
      id: DOWNSTREAM,
      project_id: TOOLS,
      ref: 'main',
      source: 'pipeline',
      created_at: '2025-04-16T03:22:00.000+00:00',
      upstream: { project_id: DEPLOY, pipeline_id: CHILD },
    },
  ],
};

describe('GitLabAdapter provenance lookups', () => {
  let standin: GitLabStandin;
  beforeAll(async () => {
    standin = await startGitLabStandin({ data, token: TOKEN });
  });
  afterAll(() => standin.close());
  beforeEach(() => standin.resetRequests());

  const adapter = () =>
    new GitLabAdapter({
      apiUrl: standin.apiUrl,
      token: TOKEN,
      lookupTimeoutMs: 3000,
      concurrency: 4,
      maxRetries: 1,
    });
  const paths = () => standin.requests.map((r) => decodeURIComponent(r.path));

  it("lists the ref's pipelines in the window, newest first, one page, as PipelineBasic", async () => {
    const result = await adapter().listPipelines(DEPLOY, {
      ref: 'main',
      updatedAfter: '2025-04-16T03:00:00.000Z',
      createdBefore: '2025-04-16T03:30:00.000Z',
      perPage: 11,
    });
    expect(result.status).toBe('found');
    if (result.status !== 'found') return;
    expect(result.value.map((p) => p.id)).toEqual([CHILD, PUSH]);
    expect(result.value[0]).toMatchObject({
      iid: 2,
      source: 'parent_pipeline',
      username: null,
      tag: null,
      startedAt: null,
    });
    expect(paths()[0]).toContain('/projects/4242/pipelines?');
    for (const q of [
      'ref=main',
      'updated_after=2025-04-16T03:00:00.000Z',
      'created_before=2025-04-16T03:30:00.000Z',
      'per_page=11',
      'page=1',
      'order_by=id',
      'sort=desc',
    ])
      expect(paths()[0]).toContain(q);
  });

  it("keeps a closed window's list, but asks again for a window still open (live events can gain pipelines)", async () => {
    const a = adapter();
    const closed = {
      ref: 'main',
      updatedAfter: '2025-04-16T03:00:00.000Z',
      createdBefore: '2025-04-16T03:30:00.000Z',
      perPage: 11,
    };
    const open = { ...closed, createdBefore: new Date(Date.now() + 600_000).toISOString() };
    await a.listPipelines(DEPLOY, closed);
    await a.listPipelines(DEPLOY, closed);
    await a.listPipelines(DEPLOY, open);
    await a.listPipelines(DEPLOY, open);
    expect(paths().filter((p) => p.includes('/pipelines?'))).toHaveLength(3);
  });

  it("lists a pipeline's jobs with their runner, and keeps a finished pipeline's jobs (not a running one's)", async () => {
    const a = adapter();
    const finished = { id: PUSH, status: 'success', updatedAt: '2025-04-16T03:21:35.000Z' };
    const jobs = await a.listPipelineJobs(DEPLOY, finished);
    expect(jobs).toMatchObject({
      status: 'found',
      value: [
        {
          id: 11,
          name: 'deploy',
          startedAt: '2025-04-16T03:20:05.000Z',
          finishedAt: '2025-04-16T03:24:00.000Z',
          tag: false,
          pipelineId: PUSH,
          runner: { id: 51, isShared: false, runnerType: 'project_type' },
        },
      ],
    });
    await a.listPipelineJobs(DEPLOY, finished);
    const running = { id: RUNNING, status: 'running', updatedAt: '2025-04-16T03:25:02.000Z' };
    await a.listPipelineJobs(DEPLOY, running);
    await a.listPipelineJobs(DEPLOY, running);
    expect(paths().filter((p) => p.includes(`/pipelines/${PUSH}/jobs`))).toHaveLength(1);
    expect(paths().filter((p) => p.includes(`/pipelines/${RUNNING}/jobs`))).toHaveLength(2);
    expect(paths()[0]).toContain('include_retried=true');
  });

  it('reads the upstream chain with one GraphQL GET, across projects, and says when the depth cut it', async () => {
    const a = adapter();
    const chain = await a.getPipelineUpstream('acme/tools', 1, 4);
    expect(chain).toEqual({
      status: 'found',
      value: {
        complete: true,
        links: [
          expect.objectContaining({
            id: CHILD,
            projectId: DEPLOY,
            projectPath: 'acme/deploy',
            source: 'parent_pipeline',
            refPath: 'refs/heads/main',
            status: 'success',
          }),
          expect.objectContaining({ id: PUSH, iid: 1, projectId: DEPLOY, ref: 'main', source: 'push' }),
        ],
      },
    });
    expect(paths()).toHaveLength(1);
    expect(paths()[0]).toMatch(/^\/api\/graphql\?query=/);
    expect(await a.getPipelineUpstream('acme/tools', 1, 1)).toMatchObject({
      status: 'found',
      value: { complete: false, links: [{ id: CHILD }] },
    });
    expect(await a.getPipelineUpstream('acme/nowhere', 1, 4)).toMatchObject({ status: 'not_found' });
  });

  it("lists a parent's trigger jobs with the downstream pipeline", async () => {
    const bridges = await adapter().listPipelineBridges(DEPLOY, PUSH);
    expect(bridges).toMatchObject({
      status: 'found',
      value: [
        {
          pipelineId: PUSH,
          downstreamPipeline: { id: CHILD, projectId: DEPLOY, ref: 'main', source: 'parent_pipeline' },
        },
      ],
    });
  });

  it('asks the repository for a branch or a tag by its URL-encoded name, with its protection', async () => {
    const a = adapter();
    expect(await a.getBranch(DEPLOY, 'main')).toEqual({
      status: 'found',
      value: { name: 'main', protected: true },
    });
    expect(await a.getBranch(DEPLOY, 'feature/login')).toEqual({
      status: 'found',
      value: { name: 'feature/login', protected: false },
    });
    expect(await a.getTag(DEPLOY, 'v1.4.0')).toEqual({
      status: 'found',
      value: { name: 'v1.4.0', protected: true },
    });
    expect((await a.getTag(DEPLOY, 'main')).status).toBe('not_found');
    expect(standin.requests.some((r) => r.path.includes('repository/branches/feature%2Flogin'))).toBe(true);
  });

  it('lists deployments with the deploying job, and protected environments; a tier 403 is "could not tell"', async () => {
    const a = adapter();
    expect(
      await a.listDeployments(DEPLOY, {
        updatedAfter: '2025-04-16T03:00:00.000Z',
        environment: 'production',
      }),
    ).toMatchObject({
      status: 'found',
      value: [{ environmentName: 'production', deployableJobId: 11, deployablePipelineId: PUSH }],
    });
    expect(await a.listProtectedEnvironments(DEPLOY)).toEqual({
      status: 'found',
      value: [{ name: 'production', requiredApprovalCount: 0 }],
    });
    const tier = await a.listProtectedEnvironments(TOOLS);
    expect(tier.status).toBe('unavailable');
    expect(tier.status !== 'found' && tier.detail).toContain('403');
  });
});
