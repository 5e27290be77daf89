import { startGitLabStandin, type GitLabStandin } from '../../tools/gitlab-standin';

describe('GitLab stand-in', () => {
  let standin: GitLabStandin;

  beforeAll(async () => {
    standin = await startGitLabStandin({
      data: {
        projects: [
          {
            id: 42,
            path_with_namespace: 'acme/deploy',
            protected_branches: ['main', 'release/*', '*-stable'],
            protected_tags: ['v*'],
          },
        ],
        pipelines: [{ id: 7, project_id: 42, ref: 'main', source: 'push' }],
        mergeRequests: [{ project_id: 42, iid: 3, source_branch: 'feature/a', target_branch: 'main' }],
        movedPaths: { 'acme/old': 42 },
      },
    });
  });

  afterAll(async () => {
    await standin.close();
  });

  beforeEach(() => {
    standin.clearFaults();
    standin.resetRequests();
  });

  const get = (
    path: string,
    headers: Record<string, string> = { 'private-token': standin.token },
  ): Promise<Response> => fetch(`${standin.apiUrl}${path}`, { headers, redirect: 'manual' });

  it('serves a pipeline in GitLab documented shape', async () => {
    const response = await get('/projects/42/pipelines/7');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 7,
      iid: 1,
      project_id: 42,
      ref: 'main',
      source: 'push',
      status: 'success',
      tag: false,
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      created_at: expect.stringMatching(/\+00:00$/),
      updated_at: expect.any(String),
      web_url: `${standin.url}/acme/deploy/-/pipelines/7`,
      user: {
        id: expect.any(Number),
        username: 'jdoe',
        name: 'Jdoe',
        state: 'active',
        avatar_url: expect.any(String),
        web_url: `${standin.url}/jdoe`,
      },
      queued_duration: expect.any(Number),
      coverage: null,
    });
  });

  it('serves a project by URL-encoded path, case-insensitively', async () => {
    const body: unknown = await (await get('/projects/ACME%2Fdeploy')).json();
    expect(body).toMatchObject({
      id: 42,
      name: 'deploy',
      path: 'deploy',
      path_with_namespace: 'acme/deploy',
      default_branch: 'main',
      web_url: `${standin.url}/acme/deploy`,
    });
  });

  it('paginates protected branches with GitLab headers and null access levels', async () => {
    const response = await get('/projects/42/protected_branches?per_page=2');
    const body: unknown = await response.json();
    expect(body).toEqual([
      expect.objectContaining({
        name: 'main',
        allow_force_push: false,
        code_owner_approval_required: false,
        merge_access_levels: expect.arrayContaining([]),
      }),
      expect.objectContaining({
        name: 'release/*',
        push_access_levels: expect.arrayContaining([
          expect.objectContaining({ access_level: null, group_id: 9 }),
        ]),
      }),
    ]);
    expect(
      Object.fromEntries(
        ['x-page', 'x-per-page', 'x-next-page', 'x-total', 'x-total-pages'].map((h) => [
          h,
          response.headers.get(h),
        ]),
      ),
    ).toEqual({
      'x-page': '1',
      'x-per-page': '2',
      'x-next-page': '2',
      'x-total': '3',
      'x-total-pages': '2',
    });
    expect(response.headers.get('link')).toContain(
      `<${standin.apiUrl}/projects/42/protected_branches?page=2&per_page=2>; rel="next"`,
    );
    const last = await get('/projects/42/protected_branches?per_page=2&page=2');
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('link')).not.toContain('rel="next"');
    expect(await last.json()).toEqual([expect.objectContaining({ name: '*-stable' })]);
  });

  it('serves protected tags and merge requests', async () => {
    expect(await (await get('/projects/42/protected_tags')).json()).toEqual([
      { name: 'v*', create_access_levels: expect.arrayContaining([]) },
    ]);
    expect(await (await get('/projects/42/merge_requests/3')).json()).toMatchObject({
      iid: 3,
      project_id: 42,
      source_project_id: 42,
      target_project_id: 42,
      source_branch: 'feature/a',
      target_branch: 'main',
    });
  });

  it('answers GET /version and GET /personal_access_tokens/self as GitLab does for a read_api token', async () => {
    const version = await get('/version');
    expect([version.status, await version.json()]).toEqual([
      200,
      { version: expect.any(String), revision: expect.any(String) },
    ]);
    const self = await get('/personal_access_tokens/self');
    expect(await self.json()).toEqual(
      expect.objectContaining({
        scopes: ['read_api'],
        active: true,
        revoked: false,
        expires_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      }),
    );
    expect((await get('/version', {})).status).toBe(401);
  });

  it("answers outside /api/v4 with the web application's HTML 404, token or not", async () => {
    const page = await fetch(`${standin.url}/projects/42`, { headers: { 'private-token': standin.token } });
    expect([page.status, page.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8']);
  });

  it('answers GitLab 404 bodies for unknown projects and resources', async () => {
    const project = await get('/projects/99');
    expect([project.status, await project.json()]).toEqual([404, { message: '404 Project Not Found' }]);
    const pipeline = await get('/projects/42/pipelines/8');
    expect([pipeline.status, await pipeline.json()]).toEqual([404, { message: '404 Not found' }]);
  });

  it('answers 301 to the project id for a moved path, keeping the sub-path and query', async () => {
    const response = await get('/projects/acme%2Fold/protected_branches?per_page=5');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(
      `${standin.apiUrl}/projects/42/protected_branches?per_page=5`,
    );
  });

  it('requires the token as PRIVATE-TOKEN or Bearer', async () => {
    const anonymous = await get('/projects/42', {});
    expect([anonymous.status, await anonymous.json()]).toEqual([401, { message: '401 Unauthorized' }]);
    expect((await get('/projects/42', { authorization: `Bearer ${standin.token}` })).status).toBe(200);
    expect((await get('/projects/42', { 'private-token': 'glpat-not-it' })).status).toBe(401);
  });

  it('applies faults the given number of times and records each request', async () => {
    standin.addFault({ match: /pipelines\/7$/, kind: 429, times: 1, retryAfterSeconds: 3 });
    const limited = await get('/projects/42/pipelines/7');
    expect([limited.status, limited.headers.get('retry-after'), await limited.text()]).toEqual([
      429,
      '3',
      'Retry later\n',
    ]);
    expect((await get('/projects/42/pipelines/7')).status).toBe(200);
    expect(standin.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/api/v4/projects/42/pipelines/7', 429],
      ['GET', '/api/v4/projects/42/pipelines/7', 200],
    ]);
  });

  it('closes cleanly while a request hangs', async () => {
    const hanging = await startGitLabStandin({ data: { projects: [], pipelines: [] }, latencyMs: 10 });
    hanging.addFault({ match: '/projects', kind: 'hang' });
    const pending = fetch(`${hanging.apiUrl}/projects/1`).then(
      () => 'answered',
      () => 'connection closed',
    );
    while (hanging.requestCount() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hanging.maxInFlight()).toBe(1);
    await hanging.close();
    await expect(pending).resolves.toBe('connection closed');
  });
});
