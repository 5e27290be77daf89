import { check } from '../../../lib/core/checks/project-not-allowed';
import { buildCheckContext, buildProject, buildRole } from '../../support/assumptions';

describe('PROJECT_NOT_ALLOWED', () => {
  it('reports nothing for a pinned project', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts when the token comes from a project that is not pinned', () => {
    const [f] = check.evaluate(
      buildCheckContext({
        facts: {
          projectId: 9001,
          project: { status: 'found', value: buildProject({ id: 9001, pathWithNamespace: 'acme/deploy' }) },
        },
      }),
    );
    expect(f).toMatchObject({ code: 'PROJECT_NOT_ALLOWED', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('project 9001');
  });

  it('alerts when GitLab has no project at the sub path', () => {
    const [f] = check.evaluate(
      buildCheckContext({
        facts: { projectId: null, project: { status: 'not_found', detail: '404 Project Not Found' } },
      }),
    );
    expect(f?.message).toMatch(/GitLab has no project at the sub's project_path "acme\/deploy"/);
  });

  it('leaves a pinned path that moved to another project to PROJECT_ID_MISMATCH', () => {
    const ctx = buildCheckContext({
      role: buildRole({ allowedProjectPaths: ['acme/deploy'] }),
      facts: { projectId: 9001 },
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });

  it('says nothing when the project could not be resolved (GITLAB_UNAVAILABLE covers it)', () => {
    expect(
      check.evaluate(
        buildCheckContext({
          facts: { projectId: null, project: { status: 'unavailable', detail: 'timeout' } },
        }),
      ),
    ).toEqual([]);
  });
});
