import { finding, type Check, type Fact } from './check';

/** GITLAB_UNAVAILABLE: a lookup the policy needed could not be answered. */
export const check: Check = {
  id: 'GITLAB_UNAVAILABLE',
  title: 'GitLab could not answer a lookup the policy needs',
  description:
    'Unverified, one finding per lookup GitLab could not answer (timeout, 5xx, 429 past the deadline, network, no ' +
    'client configured for the issuer): the project, the named pipeline, the protection lists, the repository ' +
    "branch/tag (sub without ref_type), the ref's pipelines list and each candidate's jobs. Lookups are lazy, so " +
    'every lookup made was needed: a protection list is not fetched when an explicit allowedRefs entry already ' +
    'allows the ref. Chains and job facts report their own unverified codes. "Could not tell" never becomes ok.',
  severity: 'medium',
  usesRoleSeverity: true,
  class: 'unverified',
  runbook: [
    'Check GitLab status and the read_api token (expired, revoked, rate limited).',
    'Re-evaluate the record once GitLab answers (oidc-watch evaluate, or the reconciliation run): the verdict will be alert or ok.',
  ],
  reference: 'https://docs.gitlab.com/security/rate_limits/',
  evaluate(ctx) {
    if (!ctx.correlated) return [];
    const f = ctx.facts;
    const entries: ReadonlyArray<readonly [string, Fact<unknown>]> = [
      [
        `project ${f.projectLookupBy === 'id' ? String(ctx.subject?.projectId) : JSON.stringify(ctx.subject?.projectPath)}`,
        f.project,
      ],
      [`pipeline ${String(ctx.session?.pipelineId)} in project ${String(f.pipelineProjectId)}`, f.pipeline],
      [`the merge request behind the pipeline's ref`, f.mergeRequest],
      [`protected branches of project ${String(f.projectId)}`, f.protectedBranches],
      [`protected tags of project ${String(f.projectId)}`, f.protectedTags],
      [`branch ${JSON.stringify(ctx.subject?.ref)} of project ${String(f.projectId)}`, f.repositoryBranch],
      [`tag ${JSON.stringify(ctx.subject?.ref)} of project ${String(f.projectId)}`, f.repositoryTag],
      ...f.provenance.considered.map((c) => [`the jobs of pipeline ${c.pipeline.id}`, c.jobs] as const),
    ];
    const provenance: readonly string[] = f.provenance.status === 'unavailable' ? [f.provenance.detail] : [];
    return [
      ...provenance.map((message) => finding(check, ctx, message)),
      ...entries.flatMap(([what, fact]) =>
        fact.status === 'unavailable' ? [finding(check, ctx, unavailableMessage(what, fact.detail))] : [],
      ),
    ];
  },
};

/** The adapter's detail may already be a whole sentence ("GitLab could not answer for ...: ..."): never say it twice. */
function unavailableMessage(what: string, detail: string): string {
  return detail.startsWith('GitLab could not answer')
    ? detail
    : `GitLab could not answer for ${what}: ${detail}`;
}
