import { check } from '../../../../lib/core/trust-policy/checks/sub-admits-any-ref-type';
import { findingsOf, HARDENED, policy, webIdentity } from '../support';

describe('SUB_ADMITS_ANY_REF_TYPE', () => {
  it('flags ref_type:* with a named ref: a tag called main gets the role', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:*:ref:main' },
        }),
      ),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'SUB_ADMITS_ANY_REF_TYPE', severity: 'medium' })]);
  });

  it('flags a sub without ref_type component', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({ StringEquals: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref:main' } }),
      ),
    );
    expect(f).toHaveLength(1);
  });

  it('does not flag a pinned ref type, nor an open ref (SUB_ADMITS_ANY_REF reports that)', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:*' } })),
    );
    expect(f).toEqual([]);
  });
});
