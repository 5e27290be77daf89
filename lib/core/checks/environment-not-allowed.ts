import { finding, q, type Check } from './check';
import { requirementVerdict } from './job-requirement-rules';

/** ENVIRONMENT_NOT_ALLOWED: the minting job did not deploy to one of the role's environments. */
export const check: Check = {
  id: 'ENVIRONMENT_NOT_ALLOWED',
  title: "The minting job did not deploy to one of the role's environments",
  description:
    'Alert when the role sets jobRequirements.environments and the job that minted the token (the only job running ' +
    'at the event time, or the one a session-name job_id group names; when several can have, all of them) deployed ' +
    "to none of them. The environment is the sub's signed `environment` component when the project's sub carries " +
    "it, else the deployment whose `deployable` is the job (deployments API). GitLab's hardening guidance: " +
    'production deploys go through an environment. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Open the job named in the message: what did it run, and why does it hold production credentials without deploying to production?',
    "Add `environment: production` to the deploy job, or restrict the role's trust policy to the environment claim.",
    'List what the session did (CloudTrail events with the assumed-role ARN).',
  ],
  reference: 'https://docs.gitlab.com/ci/environments/',
  evaluate(ctx) {
    const v = requirementVerdict(ctx, 'environment');
    if (v?.status !== 'fail') return [];
    return [
      finding(
        check,
        ctx,
        `policy ${q(ctx.role.name)} requires a deployment to ${JSON.stringify(ctx.role.jobRequirements?.environments ?? [])}: ${v.reasons.join('; ')}`,
      ),
    ];
  },
};
