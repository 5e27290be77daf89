import { check } from '../../../lib/core/checks/gitlab-unavailable';
import { buildCheckContext } from '../../support/assumptions';

describe('GITLAB_UNAVAILABLE', () => {
  it('reports nothing when every lookup was answered', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('is unverified, medium, once per lookup GitLab could not answer', () => {
    const findings = check.evaluate(
      buildCheckContext({
        facts: {
          pipeline: { status: 'unavailable', detail: 'deadline of 8000 ms exceeded' },
          protectedBranches: { status: 'unavailable', detail: '503 Service Unavailable' },
        },
      }),
    );
    expect(findings).toHaveLength(2);
    expect(
      findings.every(
        (f) => f.code === 'GITLAB_UNAVAILABLE' && f.class === 'unverified' && f.severity === 'critical',
      ),
    ).toBe(true);
    expect(findings[0]?.message).toContain('pipeline 1234567 in project 4242: deadline of 8000 ms exceeded');
    expect(findings[1]?.message).toContain('protected branches of project 4242');
  });

  it('does not count a 404 as unavailable', () => {
    expect(
      check.evaluate(buildCheckContext({ facts: { pipeline: { status: 'not_found', detail: '404' } } })),
    ).toEqual([]);
  });
});
