import { check } from '../../../lib/core/checks/job-facts-unverified';
import { buildCheckContext } from '../../support/assumptions';
import { buildJob, requirementContext } from './job-requirements.fixtures';

describe('JOB_FACTS_UNVERIFIED', () => {
  it('reports nothing when no job requirement is set, or all are settled', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
    expect(
      check.evaluate(requirementContext({ environments: ['production'], protectedEnvironment: true })),
    ).toEqual([]);
  });

  it('is unverified, saying it is a tier limit, when protected environments answer 403/404', () => {
    const ctx = requirementContext(
      { environments: ['production'], protectedEnvironment: true },
      {
        protectedEnvironments: {
          status: 'not_found',
          detail: 'GitLab has no protected environments of project 4242 (404)',
        },
      },
    );
    const [f] = check.evaluate(ctx);
    expect(f).toMatchObject({ code: 'JOB_FACTS_UNVERIFIED', class: 'unverified', severity: 'medium' });
    expect(f?.message).toContain('need GitLab Premium or Ultimate');
  });

  it('is unverified when two jobs ran at the event and only one meets the requirement', () => {
    const other = buildJob({
      id: 9_001,
      runner: { id: 9, description: null, name: null, isShared: true, runnerType: 'instance_type' },
    });
    const [f] = check.evaluate(requirementContext({ sharedRunners: false }, {}, [buildJob(), other]));
    expect(f?.message).toContain('(?<job_id>...)');
  });

  it('is unverified when the deployments could not be read', () => {
    const ctx = requirementContext(
      { environments: ['production'] },
      { deployments: { status: 'unavailable', detail: 'timeout' } },
    );
    expect(check.evaluate(ctx)[0]?.message).toContain('could not be read: timeout');
  });
});
