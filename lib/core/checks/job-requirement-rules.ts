/**
 * The role's jobRequirements judged on the job(s) that can have minted the token. Shared by ENVIRONMENT_NOT_ALLOWED,
 * ENVIRONMENT_NOT_PROTECTED, RUNNER_NOT_ALLOWED and JOB_FACTS_UNVERIFIED.
 */
import { mintingJobs, selectMintingPipeline } from '../provenance/candidates';
import {
  judgeRequirement,
  requirementsOf,
  type Requirement,
  type RequirementVerdict,
} from '../provenance/job-rules';
import type { CheckContext } from './check';

export function requirementVerdict(ctx: CheckContext, requirement: Requirement): RequirementVerdict | null {
  const req = ctx.role.jobRequirements;
  const subject = ctx.subject;
  if (!ctx.correlated || !subject || req === undefined || !requirementsOf(req).includes(requirement))
    return null;
  const p = ctx.facts.provenance;
  const selection = selectMintingPipeline(p);
  if (selection.kind === 'unknown')
    return { status: 'unknown', reason: `the minting pipeline is unknown: ${selection.reason}` };
  // No candidate at all is NO_MINTING_PIPELINE's to report.
  if (selection.kind === 'none') return null;
  const { jobs } = mintingJobs(p, ctx.session);
  return judgeRequirement(requirement, jobs, req, subject, p.job);
}
