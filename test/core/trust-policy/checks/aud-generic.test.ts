import { check, isGenericAudience } from '../../../../lib/core/trust-policy/checks/aud-generic';
import { findingsOf, HARDENED, policy, SELF_MANAGED, webIdentity } from '../support';

describe('AUD_GENERIC', () => {
  it('flags the issuer URL as audience (GitLab documentation default)', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringEquals: {
            'gitlab.com:aud': 'https://gitlab.com',
            'gitlab.com:sub': 'project_path:a/b:ref_type:branch:ref:main',
          },
        }),
      ),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'AUD_GENERIC', severity: 'medium' })]);
  });

  it('flags sts.amazonaws.com and a wildcard audience', async () => {
    expect(isGenericAudience('sts.amazonaws.com', 'https://gitlab.com')).toBe(true);
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringLike: { 'gitlab.com:aud': 'https://gitlab.com/acme/*' } })),
    );
    expect(f).toHaveLength(1);
  });

  it('flags a self-managed issuer URL with a trailing slash', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity(
          { StringEquals: { 'gitlab.example.com:aud': 'https://gitlab.example.com/' } },
          SELF_MANAGED,
        ),
      ),
    );
    expect(f).toHaveLength(1);
  });

  it('does not flag a project-specific audience', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
  });
});
