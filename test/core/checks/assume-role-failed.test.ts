import { check } from '../../../lib/core/checks/assume-role-failed';
import { buildCheckContext, buildFailedAssumption } from '../../support/assumptions';

describe('ASSUME_ROLE_FAILED', () => {
  it('reports nothing for a successful call', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts on a failed call with the role severity, naming the error, session name and the sub it parsed', () => {
    const [f] = check.evaluate(
      buildCheckContext({
        assumption: buildFailedAssumption({
          subject: 'project_path:acme/sandbox:ref_type:branch:ref:probe',
          roleSessionName: 'probe',
        }),
      }),
    );
    expect(f).toMatchObject({ code: 'ASSUME_ROLE_FAILED', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('"AccessDenied"');
    expect(f?.message).toContain('"probe"');
    expect(f?.message).toContain('"acme/sandbox"');
  });

  it('quotes a sub it cannot parse as is', () => {
    const [f] = check.evaluate(
      buildCheckContext({ assumption: buildFailedAssumption({ subject: 'repo:octo/x:ref:main' }) }),
    );
    expect(f?.message).toContain('"repo:octo/x:ref:main"');
  });
});
