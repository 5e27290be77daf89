import { check } from '../../../../lib/core/trust-policy/checks/sub-admits-any-ref';
import { findingsOf, HARDENED, policy, webIdentity } from '../support';

describe('SUB_ADMITS_ANY_REF', () => {
  it('flags project_path:<group>/<project>:* (every branch and tag)', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:*' } })),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'SUB_ADMITS_ANY_REF', severity: 'high' })]);
  });

  it('flags ref:* with the ref type pinned', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:*' },
        }),
      ),
    );
    expect(f).toHaveLength(1);
  });

  it('lowers to medium when gitlab.com:ref_protected "true" is pinned', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringEquals: { 'gitlab.com:ref_protected': 'true' },
          StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:*' },
        }),
      ),
    );
    expect(f).toEqual([expect.objectContaining({ severity: 'medium' })]);
  });

  it('does not flag an exact ref or a partial ref glob', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:release/*' },
        }),
      ),
    );
    expect(f).toEqual([]);
  });
});
