import { check } from '../../../lib/core/checks/project-id-mismatch';
import { buildAssumption, buildCheckContext, buildProject, buildRole } from '../../support/assumptions';

const withIdAndPath = buildAssumption({
  subject: 'project_id:4242:project_path:acme/deploy:ref_type:branch:ref:main',
});

describe('PROJECT_ID_MISMATCH', () => {
  it('reports nothing when the pinned project still holds the path', () => {
    expect(
      check.evaluate(buildCheckContext({ role: buildRole({ allowedProjectPaths: ['acme/deploy'] }) })),
    ).toEqual([]);
  });

  it('alerts when a path the trust policy names now resolves to another project (recycled path)', () => {
    const ctx = buildCheckContext({
      role: buildRole({ allowedProjectPaths: ['Acme/Deploy'] }),
      facts: { projectId: 9001, project: { status: 'found', value: buildProject({ id: 9001 }) } },
    });
    const [f] = check.evaluate(ctx);
    expect(f).toMatchObject({ code: 'PROJECT_ID_MISMATCH', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain(
      'now belongs to project 9001, not pinned [4242]: renamed, transferred or recycled path',
    );
  });

  it('alerts when the sub project_id lives at another path than the sub says', () => {
    const ctx = buildCheckContext({
      assumption: withIdAndPath,
      facts: {
        projectLookupBy: 'id',
        project: { status: 'found', value: buildProject({ pathWithNamespace: 'someone/else' }) },
      },
    });
    expect(check.evaluate(ctx)[0]?.message).toContain('"someone/else"');
  });

  it('compares the paths case-insensitively', () => {
    const ctx = buildCheckContext({
      assumption: withIdAndPath,
      facts: {
        projectLookupBy: 'id',
        project: { status: 'found', value: buildProject({ pathWithNamespace: 'ACME/deploy' }) },
      },
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });

  it('alerts when GitLab has no project with the sub project_id', () => {
    const ctx = buildCheckContext({
      assumption: withIdAndPath,
      facts: { projectLookupBy: 'id', project: { status: 'not_found', detail: '404' } },
    });
    expect(check.evaluate(ctx)[0]?.message).toMatch(/GitLab has no project 4242/);
  });
});
