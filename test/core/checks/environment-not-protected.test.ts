import { check } from '../../../lib/core/checks/environment-not-protected';
import { buildAssumption, requirementContext } from './job-requirements.fixtures';

const REQ = { environments: ['production'], protectedEnvironment: true };

describe('ENVIRONMENT_NOT_PROTECTED', () => {
  it('reports nothing when the environment is a protected environment', () => {
    expect(check.evaluate(requirementContext(REQ))).toEqual([]);
  });

  it('alerts when GitLab lists the environment as not protected', () => {
    const [f] = check.evaluate(
      requirementContext(REQ, { protectedEnvironments: { status: 'found', value: [] } }),
    );
    expect(f).toMatchObject({ code: 'ENVIRONMENT_NOT_PROTECTED', class: 'alert' });
    expect(f?.message).toContain('is not a protected environment');
  });

  it("alerts on the sub's signed environment_protected:false without a lookup", () => {
    const ctx = requirementContext(
      REQ,
      { protectedEnvironments: { status: 'skipped', detail: 'not needed' } },
      undefined,
      {
        assumption: buildAssumption({
          subject: 'project_path:acme/deploy:ref_type:branch:ref:main:environment_protected:false',
        }),
      },
    );
    expect(check.evaluate(ctx)[0]?.message).toContain('environment_protected is false');
  });

  it('never alerts when the tier has no protected environments (403/404): that is unverified', () => {
    const tier = requirementContext(REQ, {
      protectedEnvironments: { status: 'unavailable', detail: 'GitLab answered 403 Forbidden' },
    });
    expect(check.evaluate(tier)).toEqual([]);
  });
});
