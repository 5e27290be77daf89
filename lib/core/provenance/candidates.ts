/**
 * Which pipeline minted the token, from GitLab's record: the candidates are the pipelines of the sub's project and
 * ref with a job running (or a still-valid token) at the event time. The session name only selects among them; when
 * it names none, or does not parse, the candidates decide. Pure: reads the gathered Provenance.
 */
import type { GitLabJob } from '../gitlab-port';
import type { ParsedSessionName } from '../session-name';
import type { ConsideredPipeline, Provenance } from './model';

/**
 * The pipelines that can have minted the token: those with a job running at the event time; only when there is
 * none, those with a finished job whose token was still valid (then the token was used outside its job). A pipeline
 * that merely finished within the token lifetime does not stand beside one that was running.
 */
export function candidatesOf(p: Provenance): readonly ConsideredPipeline[] {
  const running = p.considered.filter((c) => c.relation?.kind === 'running');
  if (running.length > 0) return running;
  // A pipeline whose jobs GitLab could not list may have been the one running: a pipeline whose token was merely
  // still valid cannot stand in for it (that would turn "could not tell" into TOKEN_USED_AFTER_JOB).
  if (p.considered.some((c) => c.jobs.status !== 'found')) return [];
  return p.considered.filter((c) => c.relation?.kind === 'token_alive');
}

/** Considered pipelines whose jobs GitLab could not list: one of them may be the minting pipeline. */
export function unreadPipelines(p: Provenance): readonly ConsideredPipeline[] {
  return p.considered.filter((c) => c.jobs.status !== 'found');
}

export type Selection =
  /** Provenance was not judged (skipped, unavailable, over budget). */
  | { readonly kind: 'unknown'; readonly reason: string }
  /** GitLab shows no pipeline that can have minted the token (and every pipeline's jobs were read). */
  | { readonly kind: 'none' }
  /** The minting pipeline is established: the named candidate, or the only candidate. */
  | {
      readonly kind: 'established';
      readonly by: 'session name' | 'only candidate';
      readonly pipeline: ConsideredPipeline;
    }
  /** Several candidates and the session name names none of them: each must pass every check. */
  | { readonly kind: 'several'; readonly pipelines: readonly ConsideredPipeline[] };

export function selectMintingPipeline(p: Provenance): Selection {
  if (p.status !== 'judged') return { kind: 'unknown', reason: p.detail };
  const candidates = candidatesOf(p);
  const named = candidates.find((c) => c.named);
  if (named) return { kind: 'established', by: 'session name', pipeline: named };
  const unread = unreadPipelines(p);
  if (candidates.length === 0) {
    const first = unread[0];
    if (first !== undefined && first.jobs.status !== 'found')
      return {
        kind: 'unknown',
        reason: `the jobs of pipeline ${first.pipeline.id} could not be read (${first.jobs.detail})`,
      };
    return { kind: 'none' };
  }
  const only = candidates[0];
  if (candidates.length === 1 && only !== undefined && unread.length === 0)
    return { kind: 'established', by: 'only candidate', pipeline: only };
  return { kind: 'several', pipelines: candidates };
}

/** The pipelines every check must accept: the established one, or all candidates. */
export function pipelinesToJudge(p: Provenance): readonly ConsideredPipeline[] {
  const s = selectMintingPipeline(p);
  if (s.kind === 'established') return [s.pipeline];
  if (s.kind === 'several') return s.pipelines;
  return [];
}

export interface MintingJobs {
  /** The jobs that can have minted the token (one: identified). */
  readonly jobs: readonly GitLabJob[];
  readonly basis: string;
}

function jobsOf(c: ConsideredPipeline): readonly GitLabJob[] {
  return c.relation === null || c.relation.kind === 'outside' ? [] : c.relation.jobs;
}

/**
 * The job(s) that can have minted the token: those of the judged pipelines running at the event (or, for a token
 * used after its job, those whose token was alive). A session-name `job_id` narrows them when it names one of them.
 */
export function mintingJobs(p: Provenance, session: ParsedSessionName | null): MintingJobs {
  const pipelines = pipelinesToJudge(p);
  const jobs = pipelines.flatMap(jobsOf);
  if (session?.jobId !== null && session?.jobId !== undefined) {
    const named = jobs.find((j) => j.id === session.jobId);
    if (named) return { jobs: [named], basis: `job ${named.id} named by the session name` };
  }
  if (jobs.length === 1 && jobs[0] !== undefined)
    return { jobs, basis: `job ${jobs[0].id}, the only job running at the event time` };
  return { jobs, basis: `${jobs.length} jobs running at the event time` };
}

/** The session name's job id, when it names no job that can have minted the token (checked by SESSION_NAME_MISMATCH). */
export function namedJobMismatch(p: Provenance, session: ParsedSessionName | null): string | null {
  if (session?.jobId === null || session?.jobId === undefined) return null;
  const named = p.considered.find((c) => c.named);
  if (!named || named.jobs.status !== 'found') return null;
  const job = named.jobs.value.find((j) => j.id === session.jobId);
  if (!job)
    return `the session name names job ${session.jobId}, which is not a job of pipeline ${named.pipeline.id}`;
  if (!jobsOf(named).some((j) => j.id === job.id))
    return `job ${job.id} (${JSON.stringify(job.name)}) was not running at the event time`;
  return null;
}
