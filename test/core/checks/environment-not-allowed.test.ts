import { check } from '../../../lib/core/checks/environment-not-allowed';
import { buildAssumption, DEPLOY_JOB, jobFacts, requirementContext } from './job-requirements.fixtures';

describe('ENVIRONMENT_NOT_ALLOWED', () => {
  it('reports nothing when the minting job deployed to an allowed environment (glob)', () => {
    expect(check.evaluate(requirementContext({ environments: ['prod*'] }))).toEqual([]);
  });

  it('alerts when the minting job deployed to another environment', () => {
    const [f] = check.evaluate(requirementContext({ environments: ['staging'] }));
    expect(f).toMatchObject({ code: 'ENVIRONMENT_NOT_ALLOWED', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('deployed to environment "production"');
  });

  it('alerts when the minting job deployed to no environment at all', () => {
    const none = requirementContext(
      { environments: ['production'] },
      { deployments: { status: 'found', value: [] } },
    );
    expect(check.evaluate(none)[0]?.message).toContain('deployed to no environment');
  });

  it("takes the sub's signed environment over the deployments", () => {
    const signed = requirementContext(
      { environments: ['production'] },
      jobFacts({ deployments: { status: 'skipped', detail: 'not needed' } }),
      undefined,
      {
        assumption: buildAssumption({
          subject: 'project_path:acme/deploy:ref_type:branch:ref:main:environment:production',
        }),
      },
    );
    expect(check.evaluate(signed)).toEqual([]);
    expect(DEPLOY_JOB.id).toBeGreaterThan(0);
  });
});
