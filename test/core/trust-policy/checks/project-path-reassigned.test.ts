import { check } from '../../../../lib/core/trust-policy/checks/project-path-reassigned';
import { findingsOf, OTHER_ROLE_ARN, policy, testConfig, webIdentity } from '../support';

const paymentsConfig = testConfig({
  productionRoles: [
    {
      name: 'prod-payments',
      roleArns: ['arn:aws:iam::*:role/prod-payments-*'],
      allowedProjectIds: [5151],
      allowedRefs: ['main'],
      allowedAudiences: ['https://gitlab.com'],
    },
  ],
});
const ROLE = 'arn:aws:iam::123456789012:role/prod-payments-deployer';
const SUB = {
  StringEquals: { 'gitlab.com:sub': 'project_path:acme/payments/deploy:ref_type:branch:ref:main' },
};

describe('PROJECT_PATH_REASSIGNED', () => {
  it('flags a path that now resolves to another project than the pinned id (recycled path)', async () => {
    const f = await findingsOf(check, policy(webIdentity(SUB)), { config: paymentsConfig, roleArn: ROLE });
    expect(f).toEqual([expect.objectContaining({ code: 'PROJECT_PATH_REASSIGNED', severity: 'critical' })]);
    expect(f[0]?.message).toContain('project 6161');
  });

  it("compares against the statement's own project_id condition when nobody watches the role", async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringEquals: { ...SUB.StringEquals, 'gitlab.com:project_id': '5151' } })),
      { roleArn: OTHER_ROLE_ARN },
    );
    expect(f).toHaveLength(1);
  });

  it('does not flag a path that resolves to the pinned project', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringEquals: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:main' },
        }),
      ),
    );
    expect(f).toEqual([]);
  });

  it('does not judge without a pinned id to compare with', async () => {
    expect(await findingsOf(check, policy(webIdentity(SUB)), { roleArn: OTHER_ROLE_ARN })).toEqual([]);
  });
});
