/**
 * An in-memory GitLab for UNIT tests: implements GitLabPort and GitLabDirectory over plain data, records every call,
 * and can be told to answer `unavailable` (or to throw GitLabUnavailableError) for chosen calls. Integration tests
 * use the HTTP stand-in (tools/gitlab-standin/) instead.
 */
import { GitLabUnavailableError } from '../../lib/core/errors';
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
  Lookup,
  PipelineListQuery,
  ProjectRef,
  ProtectedEnvironment,
  ProtectedRefPattern,
  RepositoryRef,
  UpstreamChain,
  UpstreamPipeline,
} from '../../lib/core/gitlab-port';

export type FakeMethod = keyof GitLabPort;

export interface FakeCall {
  readonly method: FakeMethod;
  readonly args: readonly (number | string | object)[];
}

export interface FakeGitLabData {
  readonly projects?: readonly GitLabProject[];
  /** Old paths that answer 301 to a project id (renamed/transferred projects); the fake follows them like the adapter. */
  readonly redirects?: Readonly<Record<string, number>>;
  readonly pipelines?: readonly GitLabPipeline[];
  /** Protected branch patterns by project id. */
  readonly protectedBranches?: Readonly<Record<number, readonly string[]>>;
  readonly protectedTags?: Readonly<Record<number, readonly string[]>>;
  readonly mergeRequests?: readonly GitLabMergeRequest[];
  // ---- provenance (issue 8) ----
  /** Jobs by pipeline id. */
  readonly jobs?: Readonly<Record<number, readonly GitLabJob[]>>;
  /** Upstream chain (nearest first) by pipeline id, as GraphQL would answer it. */
  readonly upstreams?: Readonly<Record<number, readonly UpstreamPipeline[]>>;
  /** Trigger jobs by (parent) pipeline id. */
  readonly bridges?: Readonly<Record<number, readonly GitLabBridge[]>>;
  /** Repository branches and tags by project id. */
  readonly branches?: Readonly<Record<number, readonly RepositoryRef[]>>;
  readonly tags?: Readonly<Record<number, readonly RepositoryRef[]>>;
  readonly deployments?: Readonly<Record<number, readonly GitLabDeployment[]>>;
  /** Protected environments by project id; 'tier' answers 404 as GitLab Free does. */
  readonly protectedEnvironments?: Readonly<Record<number, readonly ProtectedEnvironment[] | 'tier'>>;
}

/** Decides, per call, whether GitLab "could not answer": `unavailable` returns the outcome, `throw` throws. */
export type FailureRule = (call: FakeCall) => 'unavailable' | 'throw' | null;

/** The provenance lookups of the fake, over FakeGitLabData (mixed into FakeGitLab below). */
abstract class FakeProvenance {
  protected abstract readonly data: FakeGitLabData;
  protected abstract record<T>(
    method: FakeMethod,
    args: readonly (number | string | object)[],
    answer: () => Lookup<T>,
  ): Promise<Lookup<T>>;
  protected abstract projectIdOf(ref: ProjectRef): number | undefined;

  public listPipelines(
    project: ProjectRef,
    q: PipelineListQuery,
  ): Promise<Lookup<readonly GitLabPipeline[]>> {
    return this.record('listPipelines', [project, q], () => {
      const projectId = this.projectIdOf(project);
      if (projectId === undefined) return { status: 'not_found', detail: '404 Project Not Found' };
      const after = q.updatedAfter === null ? Number.NEGATIVE_INFINITY : Date.parse(q.updatedAfter);
      const before = Date.parse(q.createdBefore);
      const value = (this.data.pipelines ?? [])
        .filter((p) => p.projectId === projectId && p.ref === q.ref)
        .filter((p) => q.status === undefined || p.status === q.status)
        .filter((p) => p.updatedAt === null || Date.parse(p.updatedAt) >= after)
        .filter((p) => p.createdAt === null || Date.parse(p.createdAt) <= before)
        .sort((a, b) => b.id - a.id)
        .slice(0, q.perPage)
        // The list entity (PipelineBasic) has no user, tag or start/finish times.
        .map((p) => ({ ...p, username: null, tag: null, startedAt: null, finishedAt: null }));
      return { status: 'found', value };
    });
  }

  public listPipelineJobs(
    projectId: number,
    pipeline: Pick<GitLabPipeline, 'id' | 'status' | 'updatedAt'>,
  ): Promise<Lookup<readonly GitLabJob[]>> {
    return this.record('listPipelineJobs', [projectId, pipeline.id], () => ({
      status: 'found',
      value: this.data.jobs?.[pipeline.id] ?? [],
    }));
  }

  public getPipelineUpstream(
    projectPath: string,
    pipelineIid: number,
    depth: number,
  ): Promise<Lookup<UpstreamChain>> {
    return this.record('getPipelineUpstream', [projectPath, pipelineIid, depth], () => {
      const projectId = this.projectIdOf(projectPath);
      const pipeline = (this.data.pipelines ?? []).find(
        (p) => p.projectId === projectId && p.iid === pipelineIid,
      );
      if (!pipeline) return { status: 'not_found', detail: 'GraphQL found no such project or pipeline' };
      const links = this.data.upstreams?.[pipeline.id] ?? [];
      return { status: 'found', value: { links: links.slice(0, depth), complete: links.length <= depth } };
    });
  }

  public listPipelineBridges(
    projectId: number,
    pipelineId: number,
  ): Promise<Lookup<readonly GitLabBridge[]>> {
    return this.record('listPipelineBridges', [projectId, pipelineId], () => ({
      status: 'found',
      value: this.data.bridges?.[pipelineId] ?? [],
    }));
  }

  private repositoryRef(
    method: 'getBranch' | 'getTag',
    projectId: number,
    name: string,
    source: Readonly<Record<number, readonly RepositoryRef[]>> | undefined,
  ): Promise<Lookup<RepositoryRef>> {
    return this.record(method, [projectId, name], () => {
      const found = source?.[projectId]?.find((r) => r.name === name);
      return found ? { status: 'found', value: found } : { status: 'not_found', detail: '404 Not found' };
    });
  }

  public getBranch(projectId: number, name: string): Promise<Lookup<RepositoryRef>> {
    return this.repositoryRef('getBranch', projectId, name, this.data.branches);
  }

  public getTag(projectId: number, name: string): Promise<Lookup<RepositoryRef>> {
    return this.repositoryRef('getTag', projectId, name, this.data.tags);
  }

  public listDeployments(
    projectId: number,
    q: DeploymentListQuery,
  ): Promise<Lookup<readonly GitLabDeployment[]>> {
    return this.record('listDeployments', [projectId, q], () => ({
      status: 'found',
      value: (this.data.deployments?.[projectId] ?? []).filter(
        (d) => q.environment === null || d.environmentName === q.environment,
      ),
    }));
  }

  public listProtectedEnvironments(projectId: number): Promise<Lookup<readonly ProtectedEnvironment[]>> {
    return this.record('listProtectedEnvironments', [projectId], () => {
      const value = this.data.protectedEnvironments?.[projectId] ?? [];
      return value === 'tier'
        ? { status: 'not_found', detail: 'GitLab has no protected environments of project (404 Not found)' }
        : { status: 'found', value };
    });
  }
}

export class FakeGitLab extends FakeProvenance implements GitLabPort {
  public readonly calls: FakeCall[] = [];
  private failure: FailureRule = () => null;

  public constructor(protected readonly data: FakeGitLabData = {}) {
    super();
  }

  protected projectIdOf(ref: ProjectRef): number | undefined {
    return this.projectId(ref);
  }

  /** Makes the matching calls fail from now on. */
  public failWhen(rule: FailureRule): this {
    this.failure = rule;
    return this;
  }

  /** Makes every call to the given methods answer `unavailable`. */
  public unavailable(...methods: FakeMethod[]): this {
    return this.failWhen((c) => (methods.length === 0 || methods.includes(c.method) ? 'unavailable' : null));
  }

  public callsTo(method: FakeMethod): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  protected record<T>(
    method: FakeMethod,
    args: readonly (number | string | object)[],
    answer: () => Lookup<T>,
  ): Promise<Lookup<T>> {
    const call = { method, args };
    this.calls.push(call);
    const failure = this.failure(call);
    if (failure === 'throw') return Promise.reject(new GitLabUnavailableError(`fake: ${method} timed out`));
    if (failure === 'unavailable')
      return Promise.resolve({ status: 'unavailable', detail: `fake: ${method} answered 503` });
    return Promise.resolve(answer());
  }

  private findProject(ref: ProjectRef): GitLabProject | undefined {
    const projects = this.data.projects ?? [];
    if (typeof ref === 'number') return projects.find((p) => p.id === ref);
    // GitLab resolves paths case-insensitively; an old path of a moved project answers 301 to the project id.
    const byPath = projects.find((p) => p.pathWithNamespace.toLowerCase() === ref.toLowerCase());
    if (byPath) return byPath;
    const redirect = Object.entries(this.data.redirects ?? {}).find(
      ([path]) => path.toLowerCase() === ref.toLowerCase(),
    );
    return redirect ? projects.find((p) => p.id === redirect[1]) : undefined;
  }

  private projectId(ref: ProjectRef): number | undefined {
    return this.findProject(ref)?.id ?? (typeof ref === 'number' ? ref : undefined);
  }

  public getPipeline(project: ProjectRef, pipelineId: number): Promise<Lookup<GitLabPipeline>> {
    return this.record('getPipeline', [project, pipelineId], () => {
      const projectId = this.projectId(project);
      const p = (this.data.pipelines ?? []).find((x) => x.id === pipelineId && x.projectId === projectId);
      return p ? { status: 'found', value: p } : { status: 'not_found', detail: '404 Not found' };
    });
  }

  public getProject(project: ProjectRef): Promise<Lookup<GitLabProject>> {
    return this.record('getProject', [project], () => {
      const p = this.findProject(project);
      return p ? { status: 'found', value: p } : { status: 'not_found', detail: '404 Project Not Found' };
    });
  }

  private protectedList(
    method: 'listProtectedBranches' | 'listProtectedTags',
    projectId: number,
    source: Readonly<Record<number, readonly string[]>> | undefined,
  ): Promise<Lookup<readonly ProtectedRefPattern[]>> {
    return this.record(method, [projectId], () => {
      if (!this.findProject(projectId)) return { status: 'not_found', detail: '404 Project Not Found' };
      return { status: 'found', value: (source?.[projectId] ?? []).map((name) => ({ name })) };
    });
  }

  public listProtectedBranches(projectId: number): Promise<Lookup<readonly ProtectedRefPattern[]>> {
    return this.protectedList('listProtectedBranches', projectId, this.data.protectedBranches);
  }

  public listProtectedTags(projectId: number): Promise<Lookup<readonly ProtectedRefPattern[]>> {
    return this.protectedList('listProtectedTags', projectId, this.data.protectedTags);
  }

  public getMergeRequest(projectId: number, iid: number): Promise<Lookup<GitLabMergeRequest>> {
    return this.record('getMergeRequest', [projectId, iid], () => {
      const mr = (this.data.mergeRequests ?? []).find((m) => m.projectId === projectId && m.iid === iid);
      return mr ? { status: 'found', value: mr } : { status: 'not_found', detail: '404 Not found' };
    });
  }
}

/** A directory over fake instances keyed by issuer URL (as configured in trustedIssuers). */
export class FakeGitLabDirectory implements GitLabDirectory {
  public readonly requested: string[] = [];

  public constructor(private readonly instances: Readonly<Record<string, GitLabPort>>) {}

  public forIssuer(issuer: string): GitLabPort | undefined {
    this.requested.push(issuer);
    return this.instances[issuer];
  }
}
