import { check } from '../../../../lib/core/trust-policy/checks/project-id-not-pinned';
import { findingsOf, HARDENED, policy, SELF_MANAGED, webIdentity } from '../support';

describe('PROJECT_ID_NOT_PINNED', () => {
  it('flags a gitlab.com statement that names the project by path only', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringEquals: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:main' },
        }),
      ),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'PROJECT_ID_NOT_PINNED', severity: 'medium' })]);
  });

  it('does not flag a project_id condition, a project_id sub, or a self-managed provider', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
    expect(
      await findingsOf(
        check,
        policy(
          webIdentity({ StringEquals: { 'gitlab.com:sub': 'project_id:4242:ref_type:branch:ref:main' } }),
        ),
      ),
    ).toEqual([]);
    expect(
      await findingsOf(
        check,
        policy(
          webIdentity(
            { StringEquals: { 'gitlab.example.com:sub': 'project_path:a/b:ref_type:branch:ref:main' } },
            SELF_MANAGED,
          ),
        ),
      ),
    ).toEqual([]);
  });
});
