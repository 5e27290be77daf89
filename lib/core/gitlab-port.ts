/**
 * The GitLab port: what the core needs to know from GitLab, in the core's own types.
 * Implemented by lib/adapters/gitlab (gitbeaker). Field names follow GitLab's API where they map 1:1.
 * See: https://docs.gitlab.com/api/pipelines/#get-a-single-pipeline
 */

export interface GitLabPipeline {
  readonly id: number;
  readonly iid: number | null;
  readonly projectId: number;
  readonly sha: string | null;
  /** For merge-request pipelines: `refs/merge-requests/<iid>/head` (or /merge, /train). */
  readonly ref: string;
  readonly status: string | null;
  /** push, web, trigger, schedule, api, merge_request_event, ... Unknown values are kept as-is. */
  readonly source: string | null;
  readonly tag: boolean | null;
  readonly createdAt: string | null;
  /** Last activity (status change). The pipelines list filters on it; with the status it keys the job cache. */
  readonly updatedAt: string | null;
  /** Single-pipeline endpoint only (the list entity, PipelineBasic, has neither): null from the list. */
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly username: string | null;
  readonly webUrl: string | null;
}

export interface GitLabProject {
  readonly id: number;
  readonly pathWithNamespace: string;
  readonly webUrl: string | null;
}

/** A protected branch or tag entry. `name` is a PATTERN (`release/*`, `*-stable`), not a branch name. */
export interface ProtectedRefPattern {
  readonly name: string;
}

export interface GitLabMergeRequest {
  readonly iid: number;
  readonly projectId: number;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  /** For MRs from forks this differs from projectId. */
  readonly sourceProjectId: number | null;
  readonly webUrl: string | null;
}

/**
 * Every lookup ends in one of three outcomes, and they must stay distinct:
 * GitLab said it exists, GitLab said it does not exist, or GitLab could not answer.
 */
export type Lookup<T> =
  | { readonly status: 'found'; readonly value: T }
  | { readonly status: 'not_found'; readonly detail: string }
  | { readonly status: 'unavailable'; readonly detail: string };

/** Project reference: numeric id (preferred, pinned) or `group/project` path. */
export type ProjectRef = number | string;

export interface GitLabPort extends ProvenancePort {
  getPipeline(project: ProjectRef, pipelineId: number): Promise<Lookup<GitLabPipeline>>;
  /** By path, GitLab may answer 301 for a moved project: the adapter follows it and returns the current project. */
  getProject(project: ProjectRef): Promise<Lookup<GitLabProject>>;
  listProtectedBranches(projectId: number): Promise<Lookup<readonly ProtectedRefPattern[]>>;
  listProtectedTags(projectId: number): Promise<Lookup<readonly ProtectedRefPattern[]>>;
  getMergeRequest(projectId: number, iid: number): Promise<Lookup<GitLabMergeRequest>>;
}

// ---- Provenance (issue 8): which pipeline and job minted the token, their chain, environment and runner ----

/**
 * A job's runner as the jobs API reports it (`Entities::Ci::Runner`): `is_shared` is true for instance runners.
 * See: https://docs.gitlab.com/api/jobs/#list-pipeline-jobs
 */
export interface GitLabRunner {
  readonly id: number;
  readonly description: string | null;
  readonly name: string | null;
  readonly isShared: boolean | null;
  /** instance_type | group_type | project_type (kept as-is: GitLab may add types). */
  readonly runnerType: string | null;
}

/**
 * A CI job (`Entities::Ci::Job`). ID tokens are minted for a job when it starts and expire at its timeout, so
 * `startedAt`/`finishedAt` bound when its token could be used from inside the job.
 * See: https://docs.gitlab.com/ci/secrets/id_token_authentication/
 */
export interface GitLabJob {
  readonly id: number;
  readonly name: string;
  readonly stage: string | null;
  readonly status: string | null;
  readonly ref: string | null;
  /** True for tag pipelines: GitLab's record of the ref type, per job. */
  readonly tag: boolean | null;
  readonly createdAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly pipelineId: number | null;
  readonly username: string | null;
  readonly runner: GitLabRunner | null;
  readonly webUrl: string | null;
}

/** Query for GET /projects/:id/pipelines: the ref, and the activity window that can hold the minting pipeline. */
export interface PipelineListQuery {
  readonly ref: string;
  /** ISO 8601; `updated_after`. Null with `status: 'running'`: pipelines still running, however long ago updated. */
  readonly updatedAfter: string | null;
  /** `status` filter: 'running' finds a long-running pipeline whose updated_at is older than the window. */
  readonly status?: 'running';
  /** ISO 8601; `created_before` (ignored by GitLab versions without it: the core filters again) */
  readonly createdBefore: string;
  /** One page of at most this many, newest first: more means "over budget". */
  readonly perPage: number;
}

/** One upstream pipeline (GraphQL `Pipeline.upstream`), nearest first in a chain. */
export interface UpstreamPipeline {
  readonly id: number;
  readonly iid: number | null;
  readonly projectId: number;
  readonly projectPath: string | null;
  readonly ref: string | null;
  /** `refs/heads/main`, `refs/tags/v1`: tells a branch from a tag. */
  readonly refPath: string | null;
  readonly source: string | null;
  readonly status: string | null;
  readonly createdAt: string | null;
}

/** A pipeline's upstream chain as far as it was read: `complete` false when the depth limit cut it. */
export interface UpstreamChain {
  readonly links: readonly UpstreamPipeline[];
  readonly complete: boolean;
}

/** A trigger job (`Entities::Ci::Bridge`) and the pipeline it started. */
export interface GitLabBridge {
  readonly id: number;
  readonly name: string;
  readonly pipelineId: number | null;
  readonly downstreamPipeline: {
    readonly id: number;
    readonly projectId: number | null;
    readonly ref: string | null;
    readonly source: string | null;
  } | null;
}

/** A repository branch or tag (`Entities::Branch`/`Entities::Tag`); `protected` per the current rules. */
export interface RepositoryRef {
  readonly name: string;
  readonly protected: boolean | null;
}

/** A deployment (`Entities::Deployment`): the environment, and the job (`deployable`) that deployed. */
export interface GitLabDeployment {
  readonly id: number;
  readonly status: string | null;
  readonly environmentName: string;
  readonly deployableJobId: number | null;
  readonly deployablePipelineId: number | null;
}

export interface DeploymentListQuery {
  readonly updatedAfter: string;
  /** Exact environment name filter, when the policy names exactly one. */
  readonly environment: string | null;
}

/** A protected environment (Premium/Ultimate): `name` is an environment name. */
export interface ProtectedEnvironment {
  readonly name: string;
  readonly requiredApprovalCount: number | null;
}

/** The provenance lookups; part of GitLabPort. */
export interface ProvenancePort {
  /** Pipelines of the project on the ref, active in the window, newest first, one page. */
  listPipelines(project: ProjectRef, query: PipelineListQuery): Promise<Lookup<readonly GitLabPipeline[]>>;
  /**
   * The pipeline's jobs, retried ones included. `pipeline.status`/`updatedAt` let the adapter keep the answer of a
   * finished pipeline (jobs of a finished, unchanged pipeline do not change).
   */
  listPipelineJobs(
    projectId: number,
    pipeline: Pick<GitLabPipeline, 'id' | 'status' | 'updatedAt'>,
  ): Promise<Lookup<readonly GitLabJob[]>>;
  /** GraphQL `project(fullPath).pipeline(iid).upstream...`, up to `depth` levels. Immutable: cached. */
  getPipelineUpstream(
    projectPath: string,
    pipelineIid: number,
    depth: number,
  ): Promise<Lookup<UpstreamChain>>;
  /** REST fallback for child pipelines: the trigger jobs of a (candidate parent) pipeline. */
  listPipelineBridges(projectId: number, pipelineId: number): Promise<Lookup<readonly GitLabBridge[]>>;
  getBranch(projectId: number, name: string): Promise<Lookup<RepositoryRef>>;
  getTag(projectId: number, name: string): Promise<Lookup<RepositoryRef>>;
  listDeployments(
    projectId: number,
    query: DeploymentListQuery,
  ): Promise<Lookup<readonly GitLabDeployment[]>>;
  /** 403/404 here usually means the GitLab tier has no protected environments (Premium and above). */
  listProtectedEnvironments(projectId: number): Promise<Lookup<readonly ProtectedEnvironment[]>>;
}

/** Picks the GitLab instance for an issuer URL (each trusted issuer has its own API base URL and token). */
export interface GitLabDirectory {
  forIssuer(issuer: string): GitLabPort | undefined;
}

/** Counters an adapter exposes for summaries and benchmarks. */
export interface GitLabStats {
  readonly requests: number;
  readonly cacheHits: number;
  readonly retries: number;
  readonly failures: number;
  /**
   * Of the failures, those GitLab refused as unauthenticated or forbidden (401/403): the token is missing, revoked,
   * expired or lacks read_api. Not an outage: surfaced separately so that it can alarm on its own.
   */
  readonly authFailures: number;
}

/** A GitLab port whose every lookup is `unavailable` with `detail` (no client, or a client that cannot be used). */
export function unavailableGitLabPort(detail: string): GitLabPort {
  const answer = <T>(): Promise<Lookup<T>> => Promise.resolve({ status: 'unavailable', detail });
  return {
    getPipeline: answer,
    getProject: answer,
    listProtectedBranches: answer,
    listProtectedTags: answer,
    getMergeRequest: answer,
    listPipelines: answer,
    listPipelineJobs: answer,
    getPipelineUpstream: answer,
    listPipelineBridges: answer,
    getBranch: answer,
    getTag: answer,
    listDeployments: answer,
    listProtectedEnvironments: answer,
  };
}
