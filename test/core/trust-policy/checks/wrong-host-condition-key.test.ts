import { check } from '../../../../lib/core/trust-policy/checks/wrong-host-condition-key';
import { findingsOf, HARDENED, policy, SELF_MANAGED, webIdentity } from '../support';

describe('WRONG_HOST_CONDITION_KEY', () => {
  it('flags the vendor-rule mistake: gitlab.example.com:sub under a gitlab.com provider with IfExists (high)', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringLikeIfExists: { 'gitlab.example.com:sub': 'project_path:acme/*' } })),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'WRONG_HOST_CONDITION_KEY', severity: 'high' })]);
    expect(f[0]?.message).toContain('restricts nothing');
  });

  it('flags a negated operator on a wrong-host key as restricting nothing', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ ...HARDENED, StringNotLike: { 'gitlab.example.com:sub': '*:ref:feature/*' } })),
    );
    expect(f).toEqual([expect.objectContaining({ severity: 'high' })]);
  });

  it('reports a positive wrong-host condition as a statement that never matches (medium)', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity(
          { StringEquals: { 'gitlab.com:sub': 'project_path:mygroup/myproject:ref_type:branch:ref:main' } },
          SELF_MANAGED,
        ),
      ),
    );
    expect(f).toEqual([expect.objectContaining({ severity: 'medium' })]);
    expect(f[0]?.message).toContain('never match');
  });

  it('does not flag keys of the statement provider, host compared case-insensitively', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
    const f = await findingsOf(
      check,
      policy(
        webIdentity({ StringEquals: { 'GitLab.com:sub': 'project_path:a/b:ref_type:branch:ref:main' } }),
      ),
    );
    expect(f).toEqual([]);
  });

  it('ignores service keys such as aws:SourceIp', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ ...HARDENED, IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } })),
    );
    expect(f).toEqual([]);
  });
});
