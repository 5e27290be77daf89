/**
 * The GitLab adapter: implements the core's GitLabPort with gitbeaker's resource classes over our own transport
 * (lib/adapters/gitlab/http.ts: one deadline per lookup, retries, Retry-After, bounded concurrency).
 *
 * Outcomes stay distinct: 404 -> not_found; 401/403, timeouts, 5xx, 429 past the deadline, odd bodies -> unavailable
 * ("could not tell"). Per-run memoization shares in-flight promises so each pipeline, project and protection list is
 * fetched once even under concurrent callers; `unavailable` outcomes are not kept, so a later call may try again.
 */
// @gitbeaker/rest's resource classes take a preset config that our own `requesterFn` overrides
// ({...preset, ...ours}), so requests go through our transport, never through its 10-retry, 300 s default handler.
import {
  Branches,
  Deployments,
  Jobs,
  MergeRequests,
  Pipelines,
  Projects,
  ProtectedBranches,
  ProtectedTags,
  Tags,
} from '@gitbeaker/rest';
import type { z } from 'zod';
import { ConfigError, GitLabUnavailableError, OidcWatchError } from '../core/errors';
import type {
  DeploymentListQuery,
  GitLabBridge,
  GitLabDeployment,
  GitLabDirectory,
  GitLabJob,
  GitLabMergeRequest,
  GitLabPipeline,
  GitLabPort,
  GitLabProject,
  GitLabStats,
  Lookup,
  PipelineListQuery,
  ProjectRef,
  ProtectedEnvironment,
  ProtectedRefPattern,
  RepositoryRef,
  UpstreamChain,
} from '../core/gitlab-port';
import type { TrustedIssuer } from '../core/config';
import { silentLogger, type Logger } from '../core/logger';
import {
  GitLabHttpClient,
  GitLabResponseShapeError,
  GitLabStatusError,
  now,
  type RequestContext,
} from './gitlab/http';
import {
  describeIssues,
  MergeRequestJsonSchema,
  PipelineJsonSchema,
  ProjectJsonSchema,
  ProtectedRefListJsonSchema,
  toMergeRequest,
  toPipeline,
  toProject,
  toProtectedRefs,
} from './gitlab/schemas';
import {
  BridgeListJsonSchema,
  DeploymentListJsonSchema,
  GraphqlUpstreamJsonSchema,
  JobListJsonSchema,
  PipelineListJsonSchema,
  ProtectedEnvironmentListJsonSchema,
  RepositoryRefJsonSchema,
  toBridgeList,
  toDeploymentList,
  toJobList,
  toPipelineList,
  toProtectedEnvironments,
  toRepositoryRef,
  toUpstreamChain,
  upstreamQuery,
} from './gitlab/provenance-schemas';

export interface GitLabAdapterOptions {
  /** e.g. https://gitlab.example.com/api/v4 (or the stand-in's). */
  apiUrl: string;
  /** read_api token; never logged, never in error messages. undefined = anonymous (public projects only). */
  token: string | undefined;
  /** Deadline per lookup INCLUDING queueing, retries and Retry-After waits. */
  lookupTimeoutMs: number;
  /** Max requests in flight to this instance. */
  concurrency: number;
  /** Retries for 429 / 5xx / network errors / per-request timeouts. */
  maxRetries: number;
  /** Default true: per-run memoization (in-flight promises shared). false = naive baseline for benchmarks. */
  cache?: boolean;
  /** Default 200. */
  baseBackoffMs?: number;
  /**
   * Timeout of one HTTP attempt (capped by what is left of the lookup deadline). Default: half the lookup deadline
   * when retries are allowed, so one hung connection still leaves time for a retry; the whole deadline otherwise.
   */
  requestTimeoutMs?: number;
  logger?: Logger;
}

/** Page size for protected branch/tag lists (GitLab's maximum); gitbeaker follows the `link: rel="next"` headers. */
const PROTECTED_REFS_PER_PAGE = 100;
/** GitLab's largest page. See: https://docs.gitlab.com/api/rest/#offset-based-pagination */
const MAX_PER_PAGE = 100;
/** Pipeline statuses after which a pipeline's jobs no longer change (a retry changes status and updated_at). */
const FINISHED_PIPELINE_STATUSES: ReadonlySet<string> = new Set(['success', 'failed', 'canceled', 'skipped']);

type ResourceRequester = ReturnType<GitLabHttpClient['requesterFn']>;

function positiveInteger(value: number, key: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`${key} must be a positive integer, got ${value}`, key);
  return value;
}

/** Cache key for a project reference: numeric ids (also as digit strings) share one key; paths are compared as given. */
function projectKey(project: ProjectRef): string {
  if (typeof project === 'number') return `id:${project}`;
  return /^[0-9]+$/.test(project) ? `id:${Number(project)}` : `path:${project}`;
}

function isValidId(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

export class GitLabAdapter implements GitLabPort {
  private readonly http: GitLabHttpClient;
  private readonly logger: Logger;
  private readonly cacheEnabled: boolean;
  private readonly lookupTimeoutMs: number;
  private readonly token: string | undefined;
  private readonly origin: string;
  private readonly pipelines = new Map<string, Promise<Lookup<GitLabPipeline>>>();
  private readonly projects = new Map<string, Promise<Lookup<GitLabProject>>>();
  private readonly protectedBranches = new Map<string, Promise<Lookup<readonly ProtectedRefPattern[]>>>();
  private readonly protectedTags = new Map<string, Promise<Lookup<readonly ProtectedRefPattern[]>>>();
  private readonly mergeRequests = new Map<string, Promise<Lookup<GitLabMergeRequest>>>();
  // ---- provenance (issue 8) ----
  private readonly pipelineLists = new Map<string, Promise<Lookup<readonly GitLabPipeline[]>>>();
  /** Jobs of FINISHED pipelines only, keyed by pipeline and its updated_at: they do not change. */
  private readonly finishedJobs = new Map<string, Promise<Lookup<readonly GitLabJob[]>>>();
  private readonly upstreams = new Map<string, Promise<Lookup<UpstreamChain>>>();
  private readonly bridges = new Map<string, Promise<Lookup<readonly GitLabBridge[]>>>();
  private readonly repositoryRefs = new Map<string, Promise<Lookup<RepositoryRef>>>();
  private readonly deployments = new Map<string, Promise<Lookup<readonly GitLabDeployment[]>>>();
  private readonly protectedEnvironments = new Map<
    string,
    Promise<Lookup<readonly ProtectedEnvironment[]>>
  >();
  private cacheHits = 0;
  private failures = 0;
  private authFailures = 0;

  public constructor(o: GitLabAdapterOptions) {
    let api: URL;
    try {
      api = new URL(o.apiUrl);
    } catch (error) {
      if (error instanceof TypeError)
        throw new ConfigError(`apiUrl is not a valid URL: ${o.apiUrl}`, 'apiUrl', { cause: error });
      throw error;
    }
    this.origin = api.origin;
    this.lookupTimeoutMs = positiveInteger(o.lookupTimeoutMs, 'lookupTimeoutMs');
    const maxRetries = o.maxRetries;
    if (!Number.isInteger(maxRetries) || maxRetries < 0)
      throw new ConfigError(`maxRetries must be an integer >= 0, got ${maxRetries}`, 'maxRetries');
    this.token = o.token === '' ? undefined : o.token;
    this.cacheEnabled = o.cache ?? true;
    this.logger = o.logger ?? silentLogger;
    this.http = new GitLabHttpClient({
      apiUrl: o.apiUrl,
      token: this.token,
      lookupTimeoutMs: this.lookupTimeoutMs,
      requestTimeoutMs: positiveInteger(
        o.requestTimeoutMs ?? (maxRetries > 0 ? Math.ceil(this.lookupTimeoutMs / 2) : this.lookupTimeoutMs),
        'requestTimeoutMs',
      ),
      concurrency: positiveInteger(o.concurrency, 'concurrency'),
      maxRetries,
      baseBackoffMs: o.baseBackoffMs ?? 200,
      logger: this.logger,
    });
  }

  public stats(): GitLabStats {
    return {
      requests: this.http.requests,
      cacheHits: this.cacheHits,
      retries: this.http.retries,
      failures: this.failures,
      authFailures: this.authFailures,
    };
  }

  public getPipeline(project: ProjectRef, pipelineId: number): Promise<Lookup<GitLabPipeline>> {
    if (!isValidId(pipelineId))
      return Promise.resolve({
        status: 'not_found',
        detail: `pipeline id ${String(pipelineId)} is not a valid GitLab id`,
      });
    return this.memo(this.pipelines, `${projectKey(project)}#${pipelineId}`, () =>
      this.lookup(
        `pipeline ${pipelineId} of project ${String(project)}`,
        (requesterFn) => new Pipelines(this.resourceOptions(requesterFn)).show(project, pipelineId),
        PipelineJsonSchema,
        toPipeline,
      ),
    );
  }

  public getProject(project: ProjectRef): Promise<Lookup<GitLabProject>> {
    const key = projectKey(project);
    return this.memo(this.projects, key, async () => {
      const result = await this.lookup(
        `project ${String(project)}`,
        // By path, a moved project answers 301 to /api/v4/projects/<id>: the transport follows it.
        (requesterFn) => new Projects(this.resourceOptions(requesterFn)).show(project),
        ProjectJsonSchema,
        toProject,
      );
      // A lookup by path also answers the lookup by id (and never the other way: paths can be recycled).
      if (this.cacheEnabled && result.status === 'found' && key.startsWith('path:')) {
        const idKey = projectKey(result.value.id);
        if (!this.projects.has(idKey)) this.projects.set(idKey, Promise.resolve(result));
      }
      return result;
    });
  }

  public listProtectedBranches(projectId: number): Promise<Lookup<readonly ProtectedRefPattern[]>> {
    if (!isValidId(projectId))
      return Promise.resolve({
        status: 'not_found',
        detail: `project id ${String(projectId)} is not a valid GitLab id`,
      });
    return this.memo(this.protectedBranches, String(projectId), () =>
      this.lookup(
        `protected branches of project ${projectId}`,
        (requesterFn) =>
          new ProtectedBranches(this.resourceOptions(requesterFn)).all(projectId, {
            perPage: PROTECTED_REFS_PER_PAGE,
          }),
        ProtectedRefListJsonSchema,
        toProtectedRefs,
      ),
    );
  }

  public listProtectedTags(projectId: number): Promise<Lookup<readonly ProtectedRefPattern[]>> {
    if (!isValidId(projectId))
      return Promise.resolve({
        status: 'not_found',
        detail: `project id ${String(projectId)} is not a valid GitLab id`,
      });
    return this.memo(this.protectedTags, String(projectId), () =>
      this.lookup(
        `protected tags of project ${projectId}`,
        (requesterFn) =>
          new ProtectedTags(this.resourceOptions(requesterFn)).all(projectId, {
            perPage: PROTECTED_REFS_PER_PAGE,
          }),
        ProtectedRefListJsonSchema,
        toProtectedRefs,
      ),
    );
  }

  public getMergeRequest(projectId: number, iid: number): Promise<Lookup<GitLabMergeRequest>> {
    if (!isValidId(projectId) || !isValidId(iid)) {
      return Promise.resolve({
        status: 'not_found',
        detail: `merge request !${String(iid)} of project ${String(projectId)} is not a valid reference`,
      });
    }
    return this.memo(this.mergeRequests, `${projectId}!${iid}`, () =>
      this.lookup(
        `merge request !${iid} of project ${projectId}`,
        (requesterFn) => new MergeRequests(this.resourceOptions(requesterFn)).show(projectId, iid),
        MergeRequestJsonSchema,
        toMergeRequest,
      ),
    );
  }

  // ---- provenance (issue 8) ----

  public listPipelines(
    project: ProjectRef,
    q: PipelineListQuery,
  ): Promise<Lookup<readonly GitLabPipeline[]>> {
    const key = `${projectKey(project)}|${q.ref}|${q.updatedAfter}|${q.createdBefore}|${q.perPage}`;
    // A window that is still open (live events) can gain pipelines: shared by concurrent callers, never kept.
    const closed = Date.parse(q.createdBefore) < Date.now();
    const memo = closed
      ? <T>(m: Map<string, Promise<Lookup<T>>>, k: string, run: () => Promise<Lookup<T>>) =>
          this.memo(m, k, run)
      : <T>(m: Map<string, Promise<Lookup<T>>>, k: string, run: () => Promise<Lookup<T>>) =>
          this.inFlight(m, k, run);
    return memo(this.pipelineLists, key, () =>
      this.lookup(
        `pipelines of ref ${JSON.stringify(q.ref)} in project ${String(project)}`,
        // One page, newest first (GitLab's default order: id desc). See: https://docs.gitlab.com/api/pipelines/#list-project-pipelines
        (requesterFn) => {
          // `created_before` is a documented filter gitbeaker's option type does not list yet; passed through as is.
          const options = {
            ref: q.ref,
            updatedAfter: q.updatedAfter,
            createdBefore: q.createdBefore,
            orderBy: 'id' as const,
            sort: 'desc' as const,
            perPage: Math.min(q.perPage, MAX_PER_PAGE),
            page: 1,
          };
          return new Pipelines(this.resourceOptions(requesterFn)).all(project, options);
        },
        PipelineListJsonSchema,
        toPipelineList,
      ),
    );
  }

  public listPipelineJobs(
    projectId: number,
    pipeline: Pick<GitLabPipeline, 'id' | 'status' | 'updatedAt'>,
  ): Promise<Lookup<readonly GitLabJob[]>> {
    const run = () =>
      this.lookup(
        `jobs of pipeline ${pipeline.id}`,
        (requesterFn) =>
          new Jobs(this.resourceOptions(requesterFn)).all(projectId, {
            pipelineId: pipeline.id,
            includeRetried: true,
            perPage: MAX_PER_PAGE,
          }),
        JobListJsonSchema,
        toJobList,
      );
    // A running pipeline's jobs change (they start and finish): never kept. A finished one's are kept per updated_at.
    if (!FINISHED_PIPELINE_STATUSES.has(pipeline.status ?? '') || pipeline.updatedAt === null) return run();
    return this.memo(this.finishedJobs, `${projectId}#${pipeline.id}@${pipeline.updatedAt}`, run);
  }

  public getPipelineUpstream(
    projectPath: string,
    pipelineIid: number,
    depth: number,
  ): Promise<Lookup<UpstreamChain>> {
    return this.memo(this.upstreams, `${projectPath.toLowerCase()}#${pipelineIid}/${depth}`, () =>
      this.lookup(
        `the upstream chain of pipeline #${pipelineIid} of ${projectPath} (GraphQL)`,
        // GitLab's GraphQL endpoint sits beside /api/v4; GET carries queries (never mutations).
        (requesterFn) =>
          new Pipelines(this.resourceOptions(requesterFn)).requester
            .get('../graphql', {
              searchParams: {
                query: upstreamQuery(depth),
                variables: JSON.stringify({ fullPath: projectPath, iid: String(pipelineIid) }),
              },
            })
            .then((response) => response.body),
        GraphqlUpstreamJsonSchema,
        (json) => toUpstreamChain(json, depth),
      ).then((result): Lookup<UpstreamChain> => {
        if (result.status !== 'found') return result;
        const chain = result.value;
        if (chain.kind === 'chain') return { status: 'found', value: chain.chain };
        if (chain.kind === 'missing') return { status: 'not_found', detail: chain.detail };
        return this.unavailable(`the upstream chain of pipeline #${pipelineIid}`, chain.detail);
      }),
    );
  }

  public listPipelineBridges(
    projectId: number,
    pipelineId: number,
  ): Promise<Lookup<readonly GitLabBridge[]>> {
    return this.memo(this.bridges, `${projectId}#${pipelineId}`, () =>
      this.lookup(
        `trigger jobs of pipeline ${pipelineId}`,
        (requesterFn) =>
          new Jobs(this.resourceOptions(requesterFn)).allPipelineBridges(projectId, pipelineId),
        BridgeListJsonSchema,
        toBridgeList,
      ),
    );
  }

  public getBranch(projectId: number, name: string): Promise<Lookup<RepositoryRef>> {
    return this.memo(this.repositoryRefs, `${projectId}|branch|${name}`, () =>
      this.lookup(
        `branch ${JSON.stringify(name)} of project ${projectId}`,
        (requesterFn) => new Branches(this.resourceOptions(requesterFn)).show(projectId, name),
        RepositoryRefJsonSchema,
        toRepositoryRef,
      ),
    );
  }

  public getTag(projectId: number, name: string): Promise<Lookup<RepositoryRef>> {
    return this.memo(this.repositoryRefs, `${projectId}|tag|${name}`, () =>
      this.lookup(
        `tag ${JSON.stringify(name)} of project ${projectId}`,
        (requesterFn) => new Tags(this.resourceOptions(requesterFn)).show(projectId, name),
        RepositoryRefJsonSchema,
        toRepositoryRef,
      ),
    );
  }

  public listDeployments(
    projectId: number,
    q: DeploymentListQuery,
  ): Promise<Lookup<readonly GitLabDeployment[]>> {
    return this.memo(this.deployments, `${projectId}|${q.updatedAfter}|${q.environment ?? ''}`, () =>
      this.lookup(
        `deployments of project ${projectId}`,
        (requesterFn) =>
          new Deployments(this.resourceOptions(requesterFn)).all(projectId, {
            updatedAfter: q.updatedAfter,
            orderBy: 'updated_at',
            sort: 'desc',
            perPage: MAX_PER_PAGE,
            page: 1,
            ...(q.environment !== null ? { environment: q.environment } : {}),
          }),
        DeploymentListJsonSchema,
        toDeploymentList,
      ),
    );
  }

  public listProtectedEnvironments(projectId: number): Promise<Lookup<readonly ProtectedEnvironment[]>> {
    return this.memo(this.protectedEnvironments, String(projectId), () =>
      this.lookup(
        `protected environments of project ${projectId}`,
        // gitbeaker's ProjectProtectedEnvironments passes its `projects` prefix separately (prefixUrl), which our
        // transport does not read: the path is spelled out. One page of 100 holds any real project's list.
        (requesterFn) =>
          new Projects(this.resourceOptions(requesterFn)).requester
            .get(`projects/${projectId}/protected_environments`, { searchParams: { perPage: MAX_PER_PAGE } })
            .then((response) => response.body),
        ProtectedEnvironmentListJsonSchema,
        toProtectedEnvironments,
      ),
    );
  }

  /**
   * gitbeaker resource options: our requester, no gitbeaker query timeout (the lookup deadline rules), no gitbeaker
   * rate limiter (our semaphore bounds concurrency; GitLab's 429 + Retry-After paces us). gitbeaker sends the token
   * as the PRIVATE-TOKEN header. The URL comes from our transport (`apiUrl`), so `host` is only informative.
   */
  private resourceOptions(requesterFn: ResourceRequester) {
    const common = { requesterFn, host: this.origin, queryTimeout: null, rateLimits: {} };
    return this.token === undefined ? common : { ...common, token: this.token };
  }

  /** Shares one request between concurrent callers, and forgets the answer once it settled. */
  private inFlight<T>(
    map: Map<string, Promise<Lookup<T>>>,
    key: string,
    run: () => Promise<Lookup<T>>,
  ): Promise<Lookup<T>> {
    if (!this.cacheEnabled) return run();
    const existing = map.get(key);
    if (existing) {
      this.cacheHits += 1;
      return existing;
    }
    const promise = run();
    const forget = (): void => {
      if (map.get(key) === promise) map.delete(key);
    };
    promise.then(forget, forget);
    map.set(key, promise);
    return promise;
  }

  /** Memoizes the promise (so concurrent callers share one request); forgets it if the outcome is `unavailable`. */
  private memo<T>(
    map: Map<string, Promise<Lookup<T>>>,
    key: string,
    run: () => Promise<Lookup<T>>,
  ): Promise<Lookup<T>> {
    if (!this.cacheEnabled) return run();
    const existing = map.get(key);
    if (existing) {
      this.cacheHits += 1;
      return existing;
    }
    const promise = run();
    const forget = (): void => {
      if (map.get(key) === promise) map.delete(key);
    };
    // Side chain only: callers still receive `promise` itself, including its rejection (a programming error).
    promise.then((result) => result.status === 'unavailable' && forget(), forget);
    map.set(key, promise);
    return promise;
  }

  /** Runs one lookup under its own deadline and maps every outcome to found / not_found / unavailable. */
  private async lookup<S extends z.ZodType, T>(
    what: string,
    call: (requesterFn: ResourceRequester) => Promise<unknown>,
    schema: S,
    map: (json: z.output<S>) => T,
  ): Promise<Lookup<T>> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new Error(`lookup deadline of ${this.lookupTimeoutMs} ms`)),
      this.lookupTimeoutMs,
    );
    const ctx: RequestContext = { deadlineAt: now() + this.lookupTimeoutMs, signal: deadline.signal };
    try {
      const body = await call(this.http.requesterFn(ctx));
      const parsed = schema.safeParse(body);
      if (!parsed.success)
        return this.unavailable(
          what,
          `GitLab's answer did not have the expected shape (${describeIssues(parsed.error)})`,
        );
      return { status: 'found', value: map(parsed.data) };
    } catch (error) {
      if (error instanceof GitLabStatusError) return this.fromStatus(what, error);
      if (error instanceof GitLabUnavailableError) return this.unavailable(what, error.message);
      if (error instanceof GitLabResponseShapeError) return this.unavailable(what, error.message);
      // Anything else is a bug in this adapter: surface it, do not disguise it as "GitLab could not answer".
      throw new OidcWatchError(this.http.scrub(`unexpected error during GitLab lookup of ${what}`), {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private fromStatus<T>(what: string, error: GitLabStatusError): Lookup<T> {
    switch (error.status) {
      case 404:
        // GitLab also answers 404 for a private project the token cannot see; the detail says so.
        // See: https://docs.gitlab.com/api/rest/troubleshooting/#status-codes
        return {
          status: 'not_found',
          detail: this.http.scrub(
            `GitLab has no ${what} (404 ${error.gitlabMessage.replace(/^404\s*/, '')}; or the token cannot see it)`,
          ),
        };
      case 401:
        this.authFailures += 1;
        return this.unavailable(
          what,
          `GitLab refused the token (401 ${error.gitlabMessage.replace(/^401\s*/, '')}): it is missing, expired, revoked or wrong for this instance; could not tell`,
        );
      case 403:
        this.authFailures += 1;
        return this.unavailable(
          what,
          `GitLab answered 403 Forbidden: the token lacks the read_api scope or access to this project; could not tell`,
        );
      default:
        return this.unavailable(what, error.message);
    }
  }

  private unavailable<T>(what: string, reason: string): Lookup<T> {
    this.failures += 1;
    const detail = this.http.scrub(`GitLab could not answer for ${what}: ${reason}`);
    this.logger.warn(
      { gitlab: this.origin, lookup: this.http.scrub(what), detail },
      'GitLab lookup unavailable',
    );
    return { status: 'unavailable', detail };
  }
}

/** Issuer URLs are compared without trailing slashes (the config schema strips them too). */
export function normalizeIssuer(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}

/**
 * One adapter per trusted issuer. `tokens` maps issuer URL -> resolved token (see gitlab-token.ts); an issuer that
 * configures a token source but has no entry in `tokens` is a wiring error, not an anonymous issuer.
 */
export function createGitLabDirectory(
  issuers: readonly TrustedIssuer[],
  tokens: ReadonlyMap<string, string | undefined>,
  options: { logger?: Logger; cache?: boolean } = {},
): GitLabDirectory & { stats(): GitLabStats } {
  const normalizedTokens = new Map<string, string | undefined>();
  for (const [issuer, token] of tokens) normalizedTokens.set(normalizeIssuer(issuer), token);
  const adapters = new Map<string, GitLabAdapter>();
  issuers.forEach((issuer, index) => {
    const key = normalizeIssuer(issuer.issuer);
    if (issuer.token !== undefined && !normalizedTokens.has(key)) {
      throw new ConfigError(
        `no token was resolved for GitLab issuer ${key}`,
        `trustedIssuers[${index}].token`,
      );
    }
    adapters.set(
      key,
      new GitLabAdapter({
        apiUrl: issuer.apiUrl,
        token: normalizedTokens.get(key),
        lookupTimeoutMs: issuer.lookupTimeoutMs,
        concurrency: issuer.concurrency,
        maxRetries: issuer.maxRetries,
        cache: options.cache,
        logger: options.logger,
      }),
    );
  });
  return {
    forIssuer: (issuer) => adapters.get(normalizeIssuer(issuer)),
    stats: () => {
      const total = { requests: 0, cacheHits: 0, retries: 0, failures: 0, authFailures: 0 };
      for (const adapter of adapters.values()) {
        const s = adapter.stats();
        total.requests += s.requests;
        total.cacheHits += s.cacheHits;
        total.retries += s.retries;
        total.failures += s.failures;
        total.authFailures += s.authFailures;
      }
      return total;
    },
  };
}
