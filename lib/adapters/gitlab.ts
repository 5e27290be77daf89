/**
 * The GitLab adapter: implements the core's GitLabPort with gitbeaker's resource classes over our own transport
 * (lib/adapters/gitlab/http.ts: one deadline per lookup, retries, Retry-After, bounded concurrency).
 *
 * Outcomes stay distinct: 404 -> not_found; 401/403, timeouts, 5xx, 429 past the deadline, odd bodies -> unavailable
 * ("could not tell"). Every lookup goes through a GitLabLookupCache (lib/adapters/gitlab/lookup-cache.ts): concurrent
 * callers share one request, mutable facts are served for at most the TTL, finished pipelines until evicted, and
 * `unavailable` outcomes are never kept. The cache may outlive the adapter (one per Lambda container, see
 * GitLabCaches), so a burst of jobs in one container asks GitLab once per fact.
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
import { GitLabHttpClient, GitLabResponseShapeError, GitLabStatusError, now } from './gitlab/http';
import {
  GitLabBudgetExhaustedError,
  processBudgets,
  type GitLabBudgets,
  type GitLabRequestBudget,
} from './gitlab/budget';
import { LookupDeadline } from './gitlab/deadline';
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
import {
  DEFAULT_CACHE_MAX_ENTRIES,
  DEFAULT_CACHE_TTL_MS,
  GitLabLookupCache,
  lookupKind,
  type LookupKind,
} from './gitlab/lookup-cache';
import type { GitLabCaches } from './gitlab/per-token';

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
  /**
   * A shared cache (one per container or run, for this instance and token: see GitLabCaches); true (default) = a
   * cache of this adapter's own with the default TTL; false = no cache at all (the benchmarks' naive baseline).
   */
  cache?: boolean | GitLabLookupCache;
  /** The process's request budget for this instance and token (see gitlab/budget.ts); none = unthrottled. */
  budget?: GitLabRequestBudget;
  /** Longest wait for the budget per request; default Infinity (the CLI). The Lambda passes its GitLab budget. */
  budgetMaxWaitMs?: number;
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

/**
 * A pipeline in one of these states no longer changes what we read from it (project, ref, source, sha, user, time),
 * so it is cached until evicted. A running one may still change status: it is mutable.
 * See: https://docs.gitlab.com/api/pipelines/#list-project-pipelines (status values)
 */
const FINISHED_PIPELINE_STATUSES = new Set(['success', 'failed', 'canceled', 'skipped']);

const PIPELINE = lookupKind<GitLabPipeline>('pipeline', (p) =>
  p.status !== null && FINISHED_PIPELINE_STATUSES.has(p.status) ? 'immutable' : 'mutable',
);
/** Projects can be renamed, transferred, deleted: path -> id and id -> path are mutable. */
const PROJECT = lookupKind<GitLabProject>('project', 'mutable');
const PROTECTED_BRANCHES = lookupKind<readonly ProtectedRefPattern[]>('protected-branches', 'mutable');
const PROTECTED_TAGS = lookupKind<readonly ProtectedRefPattern[]>('protected-tags', 'mutable');
/** A merge request's target branch can be edited while it is open. */
const MERGE_REQUEST = lookupKind<GitLabMergeRequest>('merge-request', 'mutable');

// ---- provenance (issue 8) ----
/** GitLab's largest page. See: https://docs.gitlab.com/api/rest/#offset-based-pagination */
const MAX_PER_PAGE = 100;
/** A ref's pipelines in a CLOSED window (open windows are never cached): a retry can still bring one in. */
const PIPELINE_LIST = lookupKind<readonly GitLabPipeline[]>('pipeline-list', 'mutable');
/** Jobs of a FINISHED pipeline, keyed by its updated_at: a retry changes status and updated_at, hence the key. */
const FINISHED_JOBS = lookupKind<readonly GitLabJob[]>('finished-pipeline-jobs', 'immutable');
/** Which pipeline triggered which never changes. */
const UPSTREAM = lookupKind<UpstreamChain>('pipeline-upstream', 'immutable');
/** A running parent can still start children. */
const BRIDGES = lookupKind<readonly GitLabBridge[]>('pipeline-bridges', 'mutable');
/** Branches and tags are created, deleted and (un)protected. */
const REPOSITORY_REF = lookupKind<RepositoryRef>('repository-ref', 'mutable');
const DEPLOYMENTS = lookupKind<readonly GitLabDeployment[]>('deployments', 'mutable');
const PROTECTED_ENVIRONMENTS = lookupKind<readonly ProtectedEnvironment[]>(
  'protected-environments',
  'mutable',
);

export class GitLabAdapter implements GitLabPort {
  private readonly http: GitLabHttpClient;
  private readonly logger: Logger;
  /** undefined: no cache (every call asks GitLab). */
  private readonly cache: GitLabLookupCache | undefined;
  private readonly lookupTimeoutMs: number;
  private readonly token: string | undefined;
  private readonly origin: string;
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
    this.cache =
      o.cache === false
        ? undefined
        : o.cache === true || o.cache === undefined
          ? new GitLabLookupCache({ ttlMs: DEFAULT_CACHE_TTL_MS, maxEntries: DEFAULT_CACHE_MAX_ENTRIES })
          : o.cache;
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
      ...(o.budget ? { budget: o.budget, budgetMaxWaitMs: o.budgetMaxWaitMs ?? Infinity } : {}),
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
    return this.memo(PIPELINE, `${projectKey(project)}#${pipelineId}`, () =>
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
    return this.memo(PROJECT, key, async () => {
      const sentAt = this.cache?.clock() ?? 0;
      const result = await this.lookup(
        `project ${String(project)}`,
        // By path, a moved project answers 301 to /api/v4/projects/<id>: the transport follows it.
        (requesterFn) => new Projects(this.resourceOptions(requesterFn)).show(project),
        ProjectJsonSchema,
        toProject,
      );
      // A lookup by path also answers the lookup by id (and never the other way: paths can be recycled).
      if (result.status === 'found' && key.startsWith('path:'))
        this.cache?.remember(PROJECT, projectKey(result.value.id), result, sentAt);
      return result;
    });
  }

  public listProtectedBranches(projectId: number): Promise<Lookup<readonly ProtectedRefPattern[]>> {
    if (!isValidId(projectId))
      return Promise.resolve({
        status: 'not_found',
        detail: `project id ${String(projectId)} is not a valid GitLab id`,
      });
    return this.memo(PROTECTED_BRANCHES, String(projectId), () =>
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
    return this.memo(PROTECTED_TAGS, String(projectId), () =>
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
    return this.memo(MERGE_REQUEST, `${projectId}!${iid}`, () =>
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
    const key = `${projectKey(project)}|${q.ref}|${q.updatedAfter ?? ''}|${q.createdBefore}|${q.perPage}|${q.status ?? ''}`;
    // A window that is still open (live events) can gain pipelines at any moment: never served from the cache.
    const closed = Date.parse(q.createdBefore) < Date.now();
    const run = () =>
      this.lookup(
        `pipelines of ref ${JSON.stringify(q.ref)} in project ${String(project)}`,
        // One page, newest first (GitLab's default order: id desc). See: https://docs.gitlab.com/api/pipelines/#list-project-pipelines
        (requesterFn) => {
          // `created_before` is a documented filter gitbeaker's option type does not list yet; passed through as is.
          const options = {
            ref: q.ref,
            ...(q.updatedAfter !== null ? { updatedAfter: q.updatedAfter } : {}),
            ...(q.status !== undefined ? { status: q.status } : {}),
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
      );
    return closed ? this.memo(PIPELINE_LIST, key, run) : run();
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
    return this.memo(FINISHED_JOBS, `${projectId}#${pipeline.id}@${pipeline.updatedAt}`, run);
  }

  public getPipelineUpstream(
    projectPath: string,
    pipelineIid: number,
    depth: number,
  ): Promise<Lookup<UpstreamChain>> {
    return this.memo(UPSTREAM, `${projectPath.toLowerCase()}#${pipelineIid}/${depth}`, () =>
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
    return this.memo(BRIDGES, `${projectId}#${pipelineId}`, () =>
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
    return this.memo(REPOSITORY_REF, `${projectId}|branch|${name}`, () =>
      this.lookup(
        `branch ${JSON.stringify(name)} of project ${projectId}`,
        (requesterFn) => new Branches(this.resourceOptions(requesterFn)).show(projectId, name),
        RepositoryRefJsonSchema,
        toRepositoryRef,
      ),
    );
  }

  public getTag(projectId: number, name: string): Promise<Lookup<RepositoryRef>> {
    return this.memo(REPOSITORY_REF, `${projectId}|tag|${name}`, () =>
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
    return this.memo(DEPLOYMENTS, `${projectId}|${q.updatedAfter}|${q.environment ?? ''}`, () =>
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
    return this.memo(PROTECTED_ENVIRONMENTS, String(projectId), () =>
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

  /** Through the cache when there is one; counts this adapter's hits (per event or per run). */
  private memo<T>(kind: LookupKind<T>, key: string, run: () => Promise<Lookup<T>>): Promise<Lookup<T>> {
    if (!this.cache) return run();
    const { promise, hit } = this.cache.lookup(kind, key, run);
    if (hit) this.cacheHits += 1;
    return promise;
  }

  /** Runs one lookup under its own deadline and maps every outcome to found / not_found / unavailable. */
  private async lookup<S extends z.ZodType, T>(
    what: string,
    call: (requesterFn: ResourceRequester) => Promise<unknown>,
    schema: S,
    map: (json: z.output<S>) => T,
  ): Promise<Lookup<T>> {
    const ctx = new LookupDeadline(this.lookupTimeoutMs, now);
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
      // Our own budget could not serve it in time: not GitLab's answer, so no verdict (the event is retried).
      if (error instanceof GitLabBudgetExhaustedError) throw error;
      // Anything else is a bug in this adapter: surface it, do not disguise it as "GitLab could not answer".
      throw new OidcWatchError(this.http.scrub(`unexpected error during GitLab lookup of ${what}`), {
        cause: error,
      });
    } finally {
      ctx.dispose();
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

function cacheFor(
  issuer: TrustedIssuer,
  token: string | undefined,
  options: { cache?: boolean; caches?: GitLabCaches },
): GitLabLookupCache | false {
  if (options.cache === false) return false;
  const settings = { ttlMs: issuer.cacheTtlSeconds * 1000, maxEntries: issuer.cacheMaxEntries };
  return options.caches
    ? options.caches.forToken(issuer.apiUrl, token, settings)
    : new GitLabLookupCache(settings);
}

function budgetFor(
  issuer: TrustedIssuer,
  token: string | undefined,
  options: { budgets?: GitLabBudgets | false; budgetMaxWaitMs?: number },
): { budget?: GitLabRequestBudget; budgetMaxWaitMs?: number } {
  if (options.budgets === false) return {};
  const budgets = options.budgets ?? processBudgets;
  return {
    budget: budgets.forToken(issuer.apiUrl, token, issuer.requestsPerMinute),
    budgetMaxWaitMs: options.budgetMaxWaitMs ?? Infinity,
  };
}

/**
 * One adapter per trusted issuer. `tokens` maps issuer URL -> resolved token (see gitlab-token.ts); an issuer that
 * configures a token source but has no entry in `tokens` is a wiring error, not an anonymous issuer.
 */
export function createGitLabDirectory(
  issuers: readonly TrustedIssuer[],
  tokens: ReadonlyMap<string, string | undefined>,
  options: {
    logger?: Logger;
    /** false: no cache (benchmark baseline). Default: a cache for this directory alone (one run). */
    cache?: boolean;
    /** Caches that outlive this directory (one per container or run): wins over `cache: true`. */
    caches?: GitLabCaches;
    /** Request budgets per token; default the process's own (shared by every directory); false = unthrottled. */
    budgets?: GitLabBudgets | false;
    /** Longest wait for the budget per request; default Infinity. */
    budgetMaxWaitMs?: number;
  } = {},
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
        cache: cacheFor(issuer, normalizedTokens.get(key), options),
        logger: options.logger,
        ...budgetFor(issuer, normalizedTokens.get(key), options),
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
