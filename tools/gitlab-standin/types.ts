/**
 * The data a GitLab stand-in serves and its control surface. Field names follow GitLab's API (snake_case) where they
 * mirror a GitLab attribute; an API area (api/*.ts) turns them into GitLab's documented response shapes.
 */
export interface StandinProject {
  id: number;
  path_with_namespace: string;
  protected_branches?: string[];
  protected_tags?: string[];
  // ---- provenance (issue 8) ----
  /** Repository branches and tags (GET repository/branches/:name, tags/:name); `protected` follows the patterns above. */
  branches?: string[];
  tags?: string[];
  /** Protected environment names; 'tier' answers 403 as GitLab Free does (Premium feature). */
  protected_environments?: string[] | 'tier';
}

/** A job's runner, as `Entities::Ci::Runner` exposes it. */
export interface StandinRunner {
  id: number;
  description?: string;
  runner_type?: 'instance_type' | 'group_type' | 'project_type';
}

/** A CI job (`Entities::Ci::Job`); `environment` makes a deployment whose `deployable` is this job. */
export interface StandinJob {
  id: number;
  name: string;
  stage?: string;
  status?: string;
  started_at?: string | null;
  finished_at?: string | null;
  runner?: StandinRunner | null;
  environment?: string;
}
export interface StandinPipeline {
  id: number;
  project_id: number;
  ref: string;
  source: string;
  sha?: string;
  status?: string;
  tag?: boolean;
  username?: string;
  created_at?: string;
  // ---- provenance (issue 8) ----
  /** Default: created_at + 95 s (and finished then, unless running or pending). */
  updated_at?: string;
  finished_at?: string | null;
  /** Default: one `deploy` job running from created_at + 2 s until the pipeline finishes. */
  jobs?: StandinJob[];
  /** The pipeline that triggered this one (child or multi-project): its bridge names this one downstream. */
  upstream?: { project_id: number; pipeline_id: number };
}
export interface StandinMergeRequest {
  project_id: number;
  iid: number;
  source_branch: string;
  target_branch: string;
  source_project_id?: number;
}
export interface StandinData {
  projects: StandinProject[];
  pipelines: StandinPipeline[];
  mergeRequests?: StandinMergeRequest[];
  /** old `group/project` path -> current project id: GET on the old path answers 301 to /api/v4/projects/<id>. */
  movedPaths?: Record<string, number>;
  /** Scopes GET /personal_access_tokens/self reports for the stand-in's token; default ['read_api']. */
  tokenScopes?: string[];
}
export type StandinFault = {
  /** Substring of, or pattern tested against, the request path including its query string. */
  match: string | RegExp;
  kind: 429 | 500 | 502 | 503 | 'hang' | 404;
  /** How many matching requests get the fault; omitted = all of them. */
  times?: number;
  /** For 429: the Retry-After header, in seconds. */
  retryAfterSeconds?: number;
};
export interface StandinRequest {
  readonly method: string;
  /** Path and query string as received, e.g. /api/v4/projects/42/protected_branches?per_page=100 */
  readonly path: string;
  /** 0 while unanswered (and for hung requests). */
  readonly status: number;
  /** performance.now() when the request arrived (monotonic milliseconds, same clock as the test process). */
  readonly receivedAt: number;
}
export interface GitLabStandin {
  /** Instance URL, e.g. http://127.0.0.1:43121 (web_url values start with it). */
  url: string;
  /** API base: `${url}/api/v4`. */
  apiUrl: string;
  token: string;
  requests: readonly StandinRequest[];
  requestCount(): number;
  /** Highest number of requests in flight at once since start or the last resetRequests(). */
  maxInFlight(): number;
  resetRequests(): void;
  addFault(f: StandinFault): void;
  clearFaults(): void;
  setLatencyMs(ms: number): void;
  /** Enforce (or, with null, stop enforcing) a per-user limit of this many requests in any 60 s; resets the window. */
  setRateLimit(requestsPerMinute: number | null): void;
  /** Requests answered 429 by the rate limit since it was set. */
  rateLimited(): number;
  close(): Promise<void>;
}
