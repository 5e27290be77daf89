import { check } from '../../../lib/core/checks/subject-unparsed';
import { buildAssumption, buildCheckContext, buildFailedAssumption } from '../../support/assumptions';

describe('SUBJECT_UNPARSED', () => {
  it('reports nothing for a GitLab sub', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts, high, on a sub that is not a GitLab sub, quoting it', () => {
    const [f] = check.evaluate(
      buildCheckContext({ assumption: buildAssumption({ subject: 'repo:octo-org/x:ref:refs/heads/main' }) }),
    );
    expect(f).toMatchObject({ code: 'SUBJECT_UNPARSED', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('"repo:octo-org/x:ref:refs/heads/main"');
  });

  it('alerts on a missing sub', () => {
    expect(
      check.evaluate(buildCheckContext({ assumption: buildAssumption({ subject: null }) }))[0]?.message,
    ).toMatch(/no sub/);
  });

  it('does not apply to failed calls or untrusted issuers', () => {
    expect(
      check.evaluate(buildCheckContext({ assumption: buildFailedAssumption({ subject: 'junk' }) })),
    ).toEqual([]);
    expect(
      check.evaluate(
        buildCheckContext({ assumption: buildAssumption({ subject: 'junk' }), issuerAllowed: false }),
      ),
    ).toEqual([]);
  });
});
