/**
 * One assumption's GitLab budget. Each lookup already has its own deadline (the adapter's lookupTimeoutMs, capped by
 * the Lambda's budget); provenance asks in several rounds (project and pipelines, ref type, named pipeline and
 * protection, jobs, chains, job facts), so the rounds together are bounded too: once the budget is spent, no new
 * lookup starts and the remaining facts are `unavailable` (the verdict is unverified, never ok). A lookup already
 * in flight ends by its own deadline, so an evaluation takes at most the budget plus one lookup deadline.
 */
import type { GitLabPort, Lookup } from './gitlab-port';

export function budgetedPort(port: GitLabPort, budgetMs: number, clock: () => number): GitLabPort {
  const deadline = clock() + budgetMs;
  const guard =
    <A extends unknown[], T>(call: (...args: A) => Promise<Lookup<T>>) =>
    (...args: A): Promise<Lookup<T>> =>
      clock() >= deadline
        ? Promise.resolve({
            status: 'unavailable',
            detail: `not asked: this assumption's GitLab lookups used up their ${budgetMs} ms budget`,
          })
        : call(...args);
  return {
    getPipeline: guard((project, id) => port.getPipeline(project, id)),
    getProject: guard((project) => port.getProject(project)),
    listProtectedBranches: guard((id) => port.listProtectedBranches(id)),
    listProtectedTags: guard((id) => port.listProtectedTags(id)),
    getMergeRequest: guard((id, iid) => port.getMergeRequest(id, iid)),
    listPipelines: guard((project, q) => port.listPipelines(project, q)),
    listPipelineJobs: guard((id, p) => port.listPipelineJobs(id, p)),
    getPipelineUpstream: guard((path, iid, depth) => port.getPipelineUpstream(path, iid, depth)),
    listPipelineBridges: guard((id, pipelineId) => port.listPipelineBridges(id, pipelineId)),
    getBranch: guard((id, name) => port.getBranch(id, name)),
    getTag: guard((id, name) => port.getTag(id, name)),
    listDeployments: guard((id, q) => port.listDeployments(id, q)),
    listProtectedEnvironments: guard((id) => port.listProtectedEnvironments(id)),
  };
}
