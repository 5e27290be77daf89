import { finding, q, type Check } from './check';
import { requirementVerdict } from './job-requirement-rules';

/** ENVIRONMENT_NOT_PROTECTED: the minting job's environment is not a protected environment. */
export const check: Check = {
  id: 'ENVIRONMENT_NOT_PROTECTED',
  title: "The minting job's environment is not protected",
  description:
    'Alert when the role sets jobRequirements.protectedEnvironment and the environment the minting job deployed to ' +
    "is not a protected environment: the sub's signed `environment_protected:false`, or GitLab's protected " +
    'environments list (Premium and above) does not hold it. On tiers without protected environments GitLab answers ' +
    '403/404: that is JOB_FACTS_UNVERIFIED, never this alert. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Settings > CI/CD > Protected environments: was the environment unprotected, renamed, or never protected?',
    'Who could run the job? Without protection any developer who can push to the ref can deploy.',
    'List what the session did (CloudTrail events with the assumed-role ARN).',
  ],
  reference: 'https://docs.gitlab.com/ci/environments/protected_environments/',
  evaluate(ctx) {
    const v = requirementVerdict(ctx, 'protectedEnvironment');
    if (v?.status !== 'fail') return [];
    return [
      finding(
        check,
        ctx,
        `policy ${q(ctx.role.name)} requires a protected environment: ${v.reasons.join('; ')}`,
      ),
    ];
  },
};
