import { check } from '../../../../lib/core/trust-policy/checks/trust-wider-than-policy';
import {
  findingsOf,
  HARDENED,
  OTHER_ROLE_ARN,
  policy,
  SELF_MANAGED,
  testConfig,
  webIdentity,
} from '../support';

const withSub = (sub: string, aud = 'https://gitlab.com/acme/platform/deploy') =>
  webIdentity({ StringEquals: { 'gitlab.com:aud': aud }, StringLike: { 'gitlab.com:sub': sub } });

describe('TRUST_WIDER_THAN_POLICY', () => {
  it('flags a watched role whose trust admits every ref while the policy allows protected refs only', async () => {
    const f = await findingsOf(
      check,
      policy(withSub('project_path:acme/platform/deploy:ref_type:branch:ref:*')),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'TRUST_WIDER_THAN_POLICY', severity: 'high' })]);
    expect(f[0]?.message).toContain('ref "*"');
  });

  it('names each dimension: other project, unprotected ref, ref type, audience', async () => {
    const f = await findingsOf(
      check,
      policy(withSub('project_path:acme/payments/deploy:ref_type:*:ref:develop', 'https://gitlab.com')),
    );
    const m = f[0]?.message ?? '';
    expect(m).toContain('project "acme/payments/deploy"');
    expect(m).toContain('ref "develop"');
    expect(m).toContain('ref type "*"');
    expect(m).toContain('audience "https://gitlab.com"');
  });

  it('flags an issuer the production role does not accept', async () => {
    const config = testConfig({
      productionRoles: [
        {
          name: 'prod-deploy',
          roleArns: ['arn:aws:iam::*:role/prod-deploy'],
          issuers: ['https://gitlab.com'],
          allowedProjectIds: [4242],
          allowedAudiences: ['https://gitlab.example.com/acme'],
        },
      ],
    });
    const f = await findingsOf(
      check,
      policy(
        webIdentity(
          {
            StringEquals: {
              'gitlab.example.com:aud': 'https://gitlab.example.com/acme',
              'gitlab.example.com:sub': 'project_id:4242:ref_type:branch:ref:main',
            },
          },
          SELF_MANAGED,
        ),
      ),
      { config },
    );
    expect(f[0]?.message).toContain('issuer https://gitlab.example.com');
  });

  it('does not flag a trust policy inside the policy (protected refs read from GitLab)', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
    expect(
      await findingsOf(
        check,
        policy(withSub('project_path:acme/platform/deploy:ref_type:branch:ref:release/*')),
      ),
    ).toEqual([]);
  });

  it('does not judge unwatched roles', async () => {
    const f = await findingsOf(check, policy(withSub('project_path:acme/*')), { roleArn: OTHER_ROLE_ARN });
    expect(f).toEqual([]);
  });
});
