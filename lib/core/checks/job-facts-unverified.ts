import type { Requirement } from '../provenance/job-rules';
import { finding, q, type Check } from './check';
import { requirementVerdict } from './job-requirement-rules';

const LABELS: Readonly<Record<Requirement, string>> = {
  environment: 'the environment',
  protectedEnvironment: "the environment's protection",
  runner: 'the runner',
};

/** JOB_FACTS_UNVERIFIED: a job fact the role requires could not be established. */
export const check: Check = {
  id: 'JOB_FACTS_UNVERIFIED',
  title: 'A job fact the role requires could not be established',
  description:
    'Unverified, one finding per jobRequirements entry that could not be settled: the minting job is not ' +
    'identified and the jobs running at the event time disagree (add a (?<job_id>...) group to the session-name ' +
    'pattern, e.g. `$CI_JOB_ID`), GitLab could not list the deployments, or the protected environments endpoint ' +
    'answered 403/404 — on GitLab Free protected environments do not exist, so protection cannot be verified there: ' +
    'the message says so, and it is never reported as an unprotected environment.',
  severity: 'medium',
  usesRoleSeverity: false,
  class: 'unverified',
  runbook: [
    'Read the message: a tier limit (403/404 on protected environments) does not go away by retrying; drop protectedEnvironment or upgrade.',
    'Otherwise open the pipeline around eventTime and check the job by hand; re-evaluate once GitLab answers.',
  ],
  reference: 'https://docs.gitlab.com/api/protected_environments/',
  evaluate(ctx) {
    const all: readonly Requirement[] = ['environment', 'protectedEnvironment', 'runner'];
    return all.flatMap((r) => {
      const v = requirementVerdict(ctx, r);
      return v?.status === 'unknown'
        ? [
            finding(
              check,
              ctx,
              `policy ${q(ctx.role.name)} requires ${LABELS[r]} of the minting job, which could not be established: ${v.reason}`,
            ),
          ]
        : [];
    });
  },
};
