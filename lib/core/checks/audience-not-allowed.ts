import { finding, q, type Check } from './check';

/** AUDIENCE_NOT_ALLOWED: the token's aud is not one of the role's pinned audiences. */
export const check: Check = {
  id: 'AUDIENCE_NOT_ALLOWED',
  title: 'Token audience not allowed for the production role',
  description:
    'Alert when a successful assumption of a production role used a token whose `aud` is missing or is not exactly ' +
    "one of the role's `allowedAudiences` (exact string match: a GitLab aud is usually a URL and contains colons). " +
    'A project-specific audience keeps tokens minted for other services from being replayed against AWS. Failed calls ' +
    'carry no audience in CloudTrail and are not judged here. Evaluated for every issuer. Role severity.',
  severity: 'high',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    "Compare the record's responseElements.audience with the aud configured in the project's .gitlab-ci.yml id_tokens.",
    'An unexpected audience means the token was minted for another relying party or the trust policy does not pin aud: check the trust policy condition on <provider>:aud.',
    'Find the job that minted it from the sub (project, ref) and the session name.',
  ],
  reference: 'https://docs.gitlab.com/ci/yaml/#id_tokens',
  evaluate(ctx) {
    if (ctx.failed) return [];
    const aud = ctx.assumption.audience;
    if (aud !== null && ctx.role.allowedAudiences.includes(aud)) return [];
    return [
      finding(
        check,
        ctx,
        aud === null
          ? `the record carries no audience for production role ${q(ctx.assumption.roleArn)} (policy ${q(ctx.role.name)})`
          : `audience ${q(aud)} is not allowed for policy ${q(ctx.role.name)} (allowed: ${ctx.role.allowedAudiences.map((x) => q(x)).join(', ')})`,
      ),
    ];
  },
};
