/**
 * An in-memory GitLab for UNIT tests: implements GitLabPort and GitLabDirectory over plain data, records every call,
 * and can be told to answer `unavailable` (or to throw GitLabUnavailableError) for chosen calls. Integration tests
 * use the HTTP stand-in (tools/gitlab-standin/) instead.
 */
import { GitLabUnavailableError } from '../../lib/core/errors';
import type {
  GitLabDirectory,
  GitLabMergeRequest,
  GitLabPipeline,
  GitLabPort,
  GitLabProject,
  Lookup,
  ProjectRef,
  ProtectedRefPattern,
} from '../../lib/core/gitlab-port';

export type FakeMethod = keyof GitLabPort;

export interface FakeCall {
  readonly method: FakeMethod;
  readonly args: readonly (number | string)[];
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
}

/** Decides, per call, whether GitLab "could not answer": `unavailable` returns the outcome, `throw` throws. */
export type FailureRule = (call: FakeCall) => 'unavailable' | 'throw' | null;

export class FakeGitLab implements GitLabPort {
  public readonly calls: FakeCall[] = [];
  private failure: FailureRule = () => null;

  public constructor(private readonly data: FakeGitLabData = {}) {}

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

  private record<T>(
    method: FakeMethod,
    args: readonly (number | string)[],
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
