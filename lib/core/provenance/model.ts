/**
 * What provenance gathered about the pipelines that could have minted the token: GitLab's list of the ref's
 * pipelines in the event's window, each one's jobs and their relation to the event time, the upstream chain of
 * downstream pipelines, and the minting job's deployment facts. The caller-chosen session name only marks which
 * pipeline (and job) it names; every judgement rests on GitLab's record and the signed sub.
 */
import type { Fact } from '../checks/check';
import type {
  GitLabDeployment,
  GitLabJob,
  GitLabPipeline,
  ProtectedEnvironment,
  RepositoryRef,
  UpstreamPipeline,
} from '../gitlab-port';
import type { PipelineRelation } from './time-window';

/** A resolved upstream chain, nearest upstream first; the last link is the root. */
export interface ResolvedChain {
  readonly links: readonly UpstreamPipeline[];
  readonly via: 'graphql' | 'bridges';
  /** Whether each cross-project link's ref is protected in its project (branch/tag API), by link id. */
  readonly linkRefs: ReadonlyMap<number, Fact<RepositoryRef>>;
}

export interface ConsideredPipeline {
  readonly pipeline: GitLabPipeline;
  /** The session name names this pipeline. */
  readonly named: boolean;
  /** Its jobs, with jobs of the other ref type (a tag named like the branch) left out when the type is known. */
  readonly jobs: Fact<readonly GitLabJob[]>;
  /** Null when the jobs are not known. */
  readonly relation: PipelineRelation | null;
  /** For downstream pipelines (parent_pipeline, pipeline) the role allows: the chain; else skipped. */
  readonly chain: Fact<ResolvedChain>;
}

export type ProvenanceStatus =
  /** Not looked up: the GitLab-side checks do not apply, or the token's project or ref is unknown. */
  | 'skipped'
  /** GitLab could not answer the pipelines list. */
  | 'unavailable'
  /** More pipelines on the ref in the window than `provenance.maxCandidatePipelines`. */
  | 'over_budget'
  | 'judged';

export interface JobFacts {
  /** Whether the role's policy requires job facts (jobRequirements). */
  readonly required: boolean;
  readonly deployments: Fact<readonly GitLabDeployment[]>;
  readonly protectedEnvironments: Fact<readonly ProtectedEnvironment[]>;
}

export interface Provenance {
  readonly status: ProvenanceStatus;
  readonly detail: string;
  /** Pipelines listed in the window that could hold the minting job (before their jobs were read). */
  readonly listedCount: number;
  readonly considered: readonly ConsideredPipeline[];
  readonly job: JobFacts;
}

export const NO_JOB_FACTS: JobFacts = {
  required: false,
  deployments: { status: 'skipped', detail: 'not needed' },
  protectedEnvironments: { status: 'skipped', detail: 'not needed' },
};

export function skippedProvenance(detail: string): Provenance {
  return { status: 'skipped', detail, listedCount: 0, considered: [], job: NO_JOB_FACTS };
}

/** Downstream pipeline sources: judged by their upstream chain's root. */
export const DOWNSTREAM_SOURCES: ReadonlySet<string> = new Set(['parent_pipeline', 'pipeline']);
