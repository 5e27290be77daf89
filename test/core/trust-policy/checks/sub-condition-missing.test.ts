import { check } from '../../../../lib/core/trust-policy/checks/sub-condition-missing';
import { findingsOf, HARDENED, OTHER_ROLE_ARN, policy, webIdentity } from '../support';

describe('SUB_CONDITION_MISSING', () => {
  it('flags a statement trusting the gitlab.com provider with an audience condition only (critical)', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' } })),
    );
    expect(f).toEqual([
      expect.objectContaining({ code: 'SUB_CONDITION_MISSING', severity: 'critical', statement: 0 }),
    ]);
    expect(f[0]?.message).toContain('every project on https://gitlab.com');
  });

  it('flags a statement with no Condition at all', async () => {
    expect(await findingsOf(check, policy(webIdentity(undefined)), { roleArn: OTHER_ROLE_ARN })).toHaveLength(
      1,
    );
  });

  it('treats StringLike "*" on sub as no condition', async () => {
    const f = await findingsOf(check, policy(webIdentity({ StringLike: { 'gitlab.com:sub': '*' } })));
    expect(f).toHaveLength(1);
  });

  it('lowers to high when a gitlab.com project_id condition still pins the project', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringEquals: { 'gitlab.com:project_id': '4242' } })),
    );
    expect(f).toEqual([expect.objectContaining({ severity: 'high' })]);
  });

  it('does not flag a statement with an exact sub (GitLab documentation example)', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
  });

  it('does not flag when the sub condition comes from a StringLike pattern', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:*' },
        }),
      ),
    );
    expect(f).toEqual([]);
  });
});
