/**
 * When could a job have minted the token an assumption used? GitLab mints a job's ID tokens when the job starts and
 * sets their expiry at the job's timeout (5 minutes when none is set), so a token is used from inside its job while
 * the job runs, and only a token taken out of its job is used after the job finished (still before expiry).
 * Every bound allows the configured clock skew between GitLab and AWS.
 * See: https://docs.gitlab.com/ci/secrets/id_token_authentication/ (lib/gitlab/ci/jwt.rb: expiry = job timeout)
 */
import type { ProvenanceSettings } from '../config';
import type { GitLabJob, GitLabPipeline } from '../gitlab-port';

export interface Timing {
  readonly clockSkewMs: number;
  readonly maxTokenLifetimeMs: number;
}

export function timingOf(settings: ProvenanceSettings): Timing {
  return {
    clockSkewMs: settings.clockSkewSeconds * 1000,
    maxTokenLifetimeMs: settings.maxTokenLifetimeSeconds * 1000,
  };
}

/**
 * - `running`: the job was running at the event time (± skew): its token can have been used from inside it.
 * - `token_alive`: the job had finished, but a token it minted had not yet expired: used outside its job.
 * - `before` / `after`: the job ran entirely after / before the event (no token of it can have been used).
 * - `not_started`: the job never started (manual, skipped, created): it minted nothing.
 */
export type JobRelation = 'running' | 'token_alive' | 'before' | 'after' | 'not_started';

function time(value: string | null): number | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** How a job's lifetime relates to the event time (epoch ms). */
export function jobRelation(
  job: Pick<GitLabJob, 'startedAt' | 'finishedAt'>,
  eventMs: number,
  timing: Timing,
): JobRelation {
  const started = time(job.startedAt);
  if (started === null) return 'not_started';
  if (eventMs < started - timing.clockSkewMs) return 'before';
  const finished = time(job.finishedAt);
  if (finished === null || eventMs <= finished + timing.clockSkewMs) return 'running';
  if (eventMs <= started + timing.maxTokenLifetimeMs + timing.clockSkewMs) return 'token_alive';
  return 'after';
}

export type PipelineRelation =
  /** At least one job was running at the event time: these jobs could have minted the token. */
  | { readonly kind: 'running'; readonly jobs: readonly GitLabJob[] }
  /** No job was running, but tokens of these finished jobs were still valid: taken out of their job. */
  | { readonly kind: 'token_alive'; readonly jobs: readonly GitLabJob[] }
  /** No job of the pipeline can have minted a token used at the event time. */
  | { readonly kind: 'outside'; readonly reason: string };

/** How a pipeline's jobs relate to the event time. `jobsTag` filters out jobs of the other ref type when known. */
export function pipelineRelation(
  pipelineId: number,
  jobs: readonly GitLabJob[],
  eventMs: number,
  timing: Timing,
): PipelineRelation {
  const running: GitLabJob[] = [];
  const alive: GitLabJob[] = [];
  let before = 0;
  let after = 0;
  for (const job of jobs) {
    const relation = jobRelation(job, eventMs, timing);
    if (relation === 'running') running.push(job);
    else if (relation === 'token_alive') alive.push(job);
    else if (relation === 'before') before += 1;
    else if (relation === 'after') after += 1;
  }
  if (running.length > 0) return { kind: 'running', jobs: running };
  if (alive.length > 0) return { kind: 'token_alive', jobs: alive };
  const reason =
    before + after === 0
      ? `no job of pipeline ${pipelineId} had started`
      : before > 0 && after === 0
        ? `every job of pipeline ${pipelineId} started after the event`
        : after > 0 && before === 0
          ? `every job of pipeline ${pipelineId} ended (and its tokens expired) before the event`
          : `no job of pipeline ${pipelineId} was running at the event time`;
  return { kind: 'outside', reason };
}

/**
 * The pipelines-list window that can hold the minting pipeline: created before the event (+ skew), and active
 * (`updated_at`) no earlier than the oldest job whose token could still be valid. Bounds are widened to whole
 * five minutes so the assumptions of one burst (and of one pipeline, in a hunt) share one list request; the core
 * re-applies the exact bounds to what GitLab lists (mayHoldMintingJob).
 */
export function listWindow(
  eventMs: number,
  timing: Timing,
): { readonly updatedAfter: string; readonly createdBefore: string } {
  const step = 300_000;
  const from = Math.floor((eventMs - timing.maxTokenLifetimeMs - timing.clockSkewMs) / step) * step;
  const to = Math.ceil((eventMs + timing.clockSkewMs) / step) * step;
  return { updatedAfter: new Date(from).toISOString(), createdBefore: new Date(to).toISOString() };
}

/**
 * A listed pipeline can hold the minting job only if it existed at the event and was active since the window start;
 * one still running may not have been updated since it started (its updated_at moves with its status only).
 */
export function mayHoldMintingJob(
  pipeline: Pick<GitLabPipeline, 'createdAt' | 'updatedAt'> & { readonly status?: string | null },
  eventMs: number,
  timing: Timing,
): boolean {
  const created = time(pipeline.createdAt);
  if (created !== null && created > eventMs + timing.clockSkewMs) return false;
  if (pipeline.status === 'running') return true;
  const updated = time(pipeline.updatedAt);
  return updated === null || updated >= eventMs - timing.maxTokenLifetimeMs - timing.clockSkewMs;
}
