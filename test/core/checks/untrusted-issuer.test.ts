import { check } from '../../../lib/core/checks/untrusted-issuer';
import {
  buildAssumption,
  buildCheckContext,
  buildFailedAssumption,
  buildRole,
} from '../../support/assumptions';

describe('UNTRUSTED_ISSUER', () => {
  it('reports nothing for a trusted issuer the role accepts', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts on an issuer that is not trusted, with the role severity', () => {
    const ctx = buildCheckContext({
      assumption: buildAssumption({ issuer: 'https://gitlab.attacker.example.net' }),
      trustedIssuer: null,
      issuerAllowed: false,
      role: buildRole({ severity: 'high' }),
    });
    const [f, ...rest] = check.evaluate(ctx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: 'UNTRUSTED_ISSUER', class: 'alert', severity: 'high' });
    expect(f?.message).toContain('"https://gitlab.attacker.example.net"');
  });

  it('alerts on a trusted issuer that the role does not accept', () => {
    const ctx = buildCheckContext({
      issuerAllowed: false,
      role: buildRole({ issuers: ['https://gitlab.example.com'] }),
    });
    expect(check.evaluate(ctx)[0]?.message).toMatch(/trusted but not allowed/);
  });

  it('alerts on a successful call whose record names no issuer', () => {
    const ctx = buildCheckContext({
      assumption: buildAssumption({ issuer: null }),
      trustedIssuer: null,
      issuerAllowed: false,
    });
    expect(check.evaluate(ctx)).toHaveLength(1);
  });

  it('does not blame a failed call whose record lacks the provider', () => {
    const ctx = buildCheckContext({
      assumption: buildFailedAssumption({ issuer: null, identityProvider: null }),
      trustedIssuer: null,
      issuerAllowed: false,
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });

  it('still reports an untrusted issuer on a failed call that names it', () => {
    const ctx = buildCheckContext({
      assumption: buildFailedAssumption({ issuer: 'https://gitlab.attacker.example.net' }),
      trustedIssuer: null,
      issuerAllowed: false,
    });
    expect(check.evaluate(ctx)[0]?.message).toContain('attempted');
  });
});
