/**
 * Facts about the minting JOB a production role can require (jobRequirements): it deployed to one of the role's
 * environments, that environment is protected in GitLab, and it ran on an allowed runner. The sub's signed
 * `environment` / `environment_protected` components (GitLab 18.7+ sub layouts) win over lookups.
 * When several jobs can have minted the token, every one is judged: an alert needs all of them to fail a
 * requirement; a mix cannot tell which job it was and is unverified.
 * See: https://docs.gitlab.com/ci/environments/protected_environments/ and https://docs.gitlab.com/api/deployments/
 */
import type { JobRequirements } from '../config';
import type { GitLabJob } from '../gitlab-port';
import { refPatternMatches } from '../glob';
import type { SubjectClaim } from '../subject';
import type { JobFacts } from './model';

export type Requirement = 'environment' | 'protectedEnvironment' | 'runner';

export type Outcome =
  | { readonly result: 'pass' }
  | { readonly result: 'fail'; readonly why: string }
  | { readonly result: 'unknown'; readonly why: string };

const PASS: Outcome = { result: 'pass' };

/** The environment the job deployed to: the signed sub's, else the deployment whose deployable is the job. */
export function environmentOf(
  job: GitLabJob,
  subject: SubjectClaim,
  facts: JobFacts,
): { readonly name: string | null; readonly unknown: string | null } {
  if (subject.environment !== null) return { name: subject.environment, unknown: null };
  const d = facts.deployments;
  if (d.status !== 'found')
    return { name: null, unknown: d.status === 'skipped' ? 'deployments were not looked up' : d.detail };
  const deployment = d.value.find((x) => x.deployableJobId === job.id);
  return { name: deployment?.environmentName ?? null, unknown: null };
}

function environmentOutcome(env: ReturnType<typeof environmentOf>, allowed: readonly string[]): Outcome {
  if (env.unknown !== null)
    return { result: 'unknown', why: `its deployments could not be read: ${env.unknown}` };
  if (env.name === null) return { result: 'fail', why: 'it deployed to no environment' };
  if (allowed.some((p) => refPatternMatches(p, env.name ?? ''))) return PASS;
  return { result: 'fail', why: `it deployed to environment ${JSON.stringify(env.name)}` };
}

const TIER_HINT =
  'protected environments need GitLab Premium or Ultimate; on other tiers GitLab answers 403/404, so protection cannot be verified';

function protectedOutcome(
  env: ReturnType<typeof environmentOf>,
  subject: SubjectClaim,
  facts: JobFacts,
): Outcome {
  if (subject.environmentProtected === true) return PASS;
  if (subject.environmentProtected === false)
    return { result: 'fail', why: "the sub's signed environment_protected is false" };
  if (env.name === null) return { result: 'unknown', why: env.unknown ?? 'no environment' };
  const list = facts.protectedEnvironments;
  if (list.status === 'found')
    return list.value.some((p) => p.name === env.name)
      ? PASS
      : { result: 'fail', why: `environment ${JSON.stringify(env.name)} is not a protected environment` };
  if (list.status === 'skipped')
    return { result: 'unknown', why: 'protected environments were not looked up' };
  return { result: 'unknown', why: `${list.detail} (${TIER_HINT})` };
}

function runnerOutcome(job: GitLabJob, req: JobRequirements): Outcome {
  const r = job.runner;
  if (r === null) return { result: 'unknown', why: 'GitLab reports no runner for it' };
  if (req.runnerIds !== undefined && !req.runnerIds.includes(r.id))
    return { result: 'fail', why: `it ran on runner ${r.id}, not one of ${JSON.stringify(req.runnerIds)}` };
  if (
    req.runnerTypes !== undefined &&
    (r.runnerType === null || !(req.runnerTypes as readonly string[]).includes(r.runnerType))
  )
    return { result: 'fail', why: `it ran on runner ${r.id} of type ${JSON.stringify(r.runnerType)}` };
  if (!req.sharedRunners && r.isShared !== false)
    return {
      result: 'fail',
      why: `it ran on ${r.isShared === true ? 'shared' : 'possibly shared'} runner ${r.id}`,
    };
  return PASS;
}

/** Which requirements the role sets. */
export function requirementsOf(req: JobRequirements | undefined): readonly Requirement[] {
  if (req === undefined) return [];
  const out: Requirement[] = [];
  if (req.environments !== undefined) out.push('environment');
  if (req.protectedEnvironment) out.push('protectedEnvironment');
  if (req.runnerIds !== undefined || req.runnerTypes !== undefined || !req.sharedRunners) out.push('runner');
  return out;
}

/** One requirement judged on one job. */
export function judgeJob(
  requirement: Requirement,
  job: GitLabJob,
  req: JobRequirements,
  subject: SubjectClaim,
  facts: JobFacts,
): Outcome {
  if (requirement === 'runner') return runnerOutcome(job, req);
  const env = environmentOf(job, subject, facts);
  if (requirement === 'environment') return environmentOutcome(env, req.environments ?? []);
  return protectedOutcome(env, subject, facts);
}

export type RequirementVerdict =
  | { readonly status: 'pass' }
  /** Every job that can have minted the token fails it. */
  | { readonly status: 'fail'; readonly reasons: readonly string[] }
  | { readonly status: 'unknown'; readonly reason: string };

/** A requirement over every job that can have minted the token. */
export function judgeRequirement(
  requirement: Requirement,
  jobs: readonly GitLabJob[],
  req: JobRequirements,
  subject: SubjectClaim,
  facts: JobFacts,
): RequirementVerdict {
  if (jobs.length === 0) return { status: 'unknown', reason: 'the minting job could not be identified' };
  const outcomes = jobs.map((job) => ({ job, o: judgeJob(requirement, job, req, subject, facts) }));
  const unknown = outcomes.find((x) => x.o.result === 'unknown');
  if (unknown && unknown.o.result === 'unknown')
    return {
      status: 'unknown',
      reason: `job ${unknown.job.id} (${JSON.stringify(unknown.job.name)}): ${unknown.o.why}`,
    };
  const failed = outcomes.filter((x) => x.o.result === 'fail');
  if (failed.length === 0) return { status: 'pass' };
  if (failed.length < outcomes.length)
    return {
      status: 'unknown',
      reason: `${failed.length} of the ${outcomes.length} jobs running at the event time fail it and the minting job is not identified (add a (?<job_id>...) group to the session-name pattern)`,
    };
  return {
    status: 'fail',
    reasons: failed.map(
      (x) => `job ${x.job.id} (${JSON.stringify(x.job.name)}): ${x.o.result === 'fail' ? x.o.why : ''}`,
    ),
  };
}
