import { finding, q, type Check } from './check';
import { requirementVerdict } from './job-requirement-rules';

/** RUNNER_NOT_ALLOWED: the minting job ran on a runner the role does not allow. */
export const check: Check = {
  id: 'RUNNER_NOT_ALLOWED',
  title: 'The minting job ran on a runner the role does not allow',
  description:
    'Alert when the role restricts runners (jobRequirements.runnerIds, runnerTypes, sharedRunners: false) and the ' +
    "job that minted the token ran elsewhere, per the job's `runner` in GitLab's jobs API (id, runner_type, " +
    "is_shared). GitLab's hardening guidance: production deploys on dedicated runners, so a compromised shared " +
    'runner cannot reach production credentials. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Open the runner named in the message (Admin/Group/Project > CI/CD > Runners): who registered it, where does it run?',
    "Check the deploy job's `tags:` and the dedicated runner's `run untagged jobs` and protected-branch settings.",
    'List what the session did (CloudTrail events with the assumed-role ARN).',
  ],
  reference:
    'https://docs.gitlab.com/ci/runners/configure_runners/#prevent-runners-from-revealing-sensitive-information',
  evaluate(ctx) {
    const v = requirementVerdict(ctx, 'runner');
    if (v?.status !== 'fail') return [];
    return [finding(check, ctx, `policy ${q(ctx.role.name)} restricts runners: ${v.reasons.join('; ')}`)];
  },
};
