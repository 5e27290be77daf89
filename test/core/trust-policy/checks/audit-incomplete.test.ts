import { check } from '../../../../lib/core/trust-policy/checks/audit-incomplete';
import { findingsOf, HARDENED, policy, testConfig, webIdentity } from '../support';

describe('AUDIT_INCOMPLETE', () => {
  it('reports GitLab lookups that could not be answered (never read as "nothing found")', async () => {
    const f = await findingsOf(check, policy(webIdentity(HARDENED)), { unavailable: ['https://gitlab.com'] });
    expect(f).toEqual([expect.objectContaining({ code: 'AUDIT_INCOMPLETE', severity: 'medium' })]);
    expect(f[0]?.message).toContain('project "acme/platform/deploy"');
  });

  it('reports an issuer without GitLab API in the config (gitlab.com audited anyway)', async () => {
    const config = testConfig({
      trustedIssuers: [{ issuer: 'https://gitlab.example.com', apiUrl: 'https://gitlab.example.com/api/v4' }],
      productionRoles: [
        {
          name: 'other',
          roleArns: ['arn:aws:iam::*:role/other'],
          allowedProjectIds: [1],
          allowedAudiences: ['x'],
        },
      ],
    });
    const f = await findingsOf(check, policy(webIdentity(HARDENED)), { config });
    expect(f[0]?.message).toContain('no GitLab API for this issuer');
  });

  it('reports operators it does not model and Deny statements it cannot combine', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ ...HARDENED, NumericLessThan: { 'gitlab.com:user_id': '100' } }), {
        Effect: 'Deny',
        Principal: '*',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'gitlab.com:sub': '*:ref:feature/*', 'gitlab.com:aud': 'x' } },
      }),
    );
    expect(f[0]?.message).toContain('NumericLessThan');
    expect(f[0]?.message).toContain('Deny statement 1');
  });

  it('reports nothing when every fact is known', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
  });
});
