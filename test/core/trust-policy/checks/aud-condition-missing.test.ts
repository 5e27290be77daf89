import { check } from '../../../../lib/core/trust-policy/checks/aud-condition-missing';
import { findingsOf, HARDENED, policy, webIdentity } from '../support';

describe('AUD_CONDITION_MISSING', () => {
  it('flags the GitLab documentation example, which pins sub only', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringEquals: { 'gitlab.com:sub': 'project_path:mygroup/myproject:ref_type:branch:ref:main' },
        }),
      ),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'AUD_CONDITION_MISSING', severity: 'medium' })]);
  });

  it('flags an aud condition that only excludes values (StringNotEquals does not pin)', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          ...HARDENED,
          StringNotEquals: { 'gitlab.com:aud': 'x' },
          StringEquals: { 'gitlab.com:sub': 'project_path:a/b:ref_type:branch:ref:main' },
        }),
      ),
    );
    expect(f).toHaveLength(1);
  });

  it('does not flag a statement with an aud condition', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
  });
});
