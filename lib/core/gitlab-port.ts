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

export interface GitLabPort {
  getPipeline(project: ProjectRef, pipelineId: number): Promise<Lookup<GitLabPipeline>>;
  /** By path, GitLab may answer 301 for a moved project: the adapter follows it and returns the current project. */
  getProject(project: ProjectRef): Promise<Lookup<GitLabProject>>;
  listProtectedBranches(projectId: number): Promise<Lookup<readonly ProtectedRefPattern[]>>;
  listProtectedTags(projectId: number): Promise<Lookup<readonly ProtectedRefPattern[]>>;
  getMergeRequest(projectId: number, iid: number): Promise<Lookup<GitLabMergeRequest>>;
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
  };
}
