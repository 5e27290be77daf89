import { check } from '../../../../lib/core/trust-policy/checks/unwatched-exposed-role';
import { findingsOf, HARDENED, OTHER_ROLE_ARN, policy, webIdentity } from '../support';

describe('UNWATCHED_EXPOSED_ROLE', () => {
  it('flags an unwatched role open to every project of a group', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'project_path:acme/*' } })),
      {
        roleArn: OTHER_ROLE_ARN,
      },
    );
    expect(f).toEqual([expect.objectContaining({ code: 'UNWATCHED_EXPOSED_ROLE', severity: 'high' })]);
  });

  it('flags an unwatched role open to any ref of one project', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:*' },
        }),
      ),
      { roleArn: OTHER_ROLE_ARN },
    );
    expect(f).toHaveLength(1);
  });

  it('does not flag a watched role, nor an unwatched one pinned to project and ref', async () => {
    expect(
      await findingsOf(
        check,
        policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'project_path:acme/*' } })),
      ),
    ).toEqual([]);
    expect(await findingsOf(check, policy(webIdentity(HARDENED)), { roleArn: OTHER_ROLE_ARN })).toEqual([]);
  });
});
