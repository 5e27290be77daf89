import { check } from '../../../../lib/core/trust-policy/checks/condition-key-unsupported';
import { findingsOf, HARDENED, policy, SELF_MANAGED, webIdentity } from '../support';

describe('CONDITION_KEY_UNSUPPORTED', () => {
  it('flags project_id on a self-managed provider: AWS evaluates only sub and aud there', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity(
          {
            StringEquals: {
              'gitlab.example.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
              'gitlab.example.com:project_id': '4242',
            },
          },
          SELF_MANAGED,
        ),
      ),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'CONDITION_KEY_UNSUPPORTED', severity: 'medium' })]);
  });

  it('flags an IfExists condition on an unsupported claim as restricting nothing (high)', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ ...HARDENED, StringEqualsIfExists: { 'gitlab.com:ref': 'main' } })),
    );
    expect(f).toEqual([expect.objectContaining({ severity: 'high' })]);
  });

  it('does not flag the keys AWS documents for gitlab.com (GitLab documentation example with namespace_id)', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringEquals: {
            'gitlab.com:sub': 'project_path:mygroup/myproject:ref_type:branch:ref:main',
            'gitlab.com:namespace_id': '12345',
            'gitlab.com:project_id': '67890',
            'gitlab.com:pipeline_source': 'push',
            'gitlab.com:runner_environment': 'gitlab-hosted',
            'gitlab.com:user_access_level': 'maintainer',
          },
        }),
      ),
    );
    expect(f).toEqual([]);
  });
});
