import { check } from '../../../lib/core/checks/ref-not-allowed';
import { buildAssumption, buildCheckContext, buildRole } from '../../support/assumptions';

describe('REF_NOT_ALLOWED', () => {
  const role = buildRole({ allowedRefs: ['main', 'release/*'] });

  it('reports nothing for a ref an explicit entry allows (GitLab wildcard semantics)', () => {
    expect(check.evaluate(buildCheckContext({ role }))).toEqual([]);
    const nested = buildAssumption({ subject: 'project_path:acme/deploy:ref_type:branch:ref:release/a/b' });
    expect(check.evaluate(buildCheckContext({ role, assumption: nested }))).toEqual([]);
  });

  it('alerts on a ref no explicit entry allows, with the role severity', () => {
    const dev = buildAssumption({ subject: 'project_path:acme/deploy:ref_type:branch:ref:develop' });
    const [f] = check.evaluate(buildCheckContext({ role, assumption: dev }));
    expect(f).toMatchObject({ code: 'REF_NOT_ALLOWED', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('"develop"');
  });

  it('leaves policies with a protected entry to UNPROTECTED_REF', () => {
    const dev = buildAssumption({ subject: 'project_path:acme/deploy:ref_type:branch:ref:develop' });
    expect(check.evaluate(buildCheckContext({ assumption: dev }))).toEqual([]);
  });
});
