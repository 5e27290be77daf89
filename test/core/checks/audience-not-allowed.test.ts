import { check } from '../../../lib/core/checks/audience-not-allowed';
import {
  buildAssumption,
  buildCheckContext,
  buildFailedAssumption,
  buildRole,
} from '../../support/assumptions';

describe('AUDIENCE_NOT_ALLOWED', () => {
  it('reports nothing for a pinned audience (exact match, colons included)', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts on an audience that is not pinned, with the role severity', () => {
    const [f] = check.evaluate(
      buildCheckContext({
        assumption: buildAssumption({ audience: 'https://gitlab.example.com' }),
        role: buildRole({ severity: 'medium' }),
      }),
    );
    expect(f).toMatchObject({ code: 'AUDIENCE_NOT_ALLOWED', class: 'alert', severity: 'medium' });
    expect(f?.message).toContain('"https://gitlab.example.com"');
  });

  it('does not accept a prefix or a case variant of a pinned audience', () => {
    expect(
      check.evaluate(
        buildCheckContext({
          assumption: buildAssumption({ audience: 'https://gitlab.example.com/acme/deploy/x' }),
        }),
      ),
    ).toHaveLength(1);
    expect(
      check.evaluate(
        buildCheckContext({
          assumption: buildAssumption({ audience: 'https://gitlab.example.com/ACME/deploy' }),
        }),
      ),
    ).toHaveLength(1);
  });

  it('alerts when a successful record carries no audience', () => {
    expect(
      check.evaluate(buildCheckContext({ assumption: buildAssumption({ audience: null }) }))[0]?.message,
    ).toMatch(/no audience/);
  });

  it('ignores failed calls, which carry no audience in CloudTrail', () => {
    expect(check.evaluate(buildCheckContext({ assumption: buildFailedAssumption() }))).toEqual([]);
  });

  it('is evaluated for untrusted issuers too', () => {
    const ctx = buildCheckContext({
      assumption: buildAssumption({ audience: 'sts.amazonaws.com' }),
      issuerAllowed: false,
      trustedIssuer: null,
    });
    expect(check.evaluate(ctx)).toHaveLength(1);
  });
});
