import { finding, type Check, type Fact } from './check';

/** GITLAB_UNAVAILABLE: a lookup the policy needed could not be answered. */
export const check: Check = {
  id: 'GITLAB_UNAVAILABLE',
  title: 'GitLab could not answer a lookup the policy needs',
  description:
    'Unverified, one finding per lookup GitLab could not answer (timeout, 5xx, 429 past the deadline, network, no ' +
    'client configured for the issuer). Lookups are lazy, so every lookup made was needed: a protection list is not ' +
    'fetched when an explicit allowedRefs entry already allows the ref. "Could not tell" never becomes ok.',
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
    ];
    return entries.flatMap(([what, fact]) =>
      fact.status === 'unavailable' ? [finding(check, ctx, unavailableMessage(what, fact.detail))] : [],
    );
  },
};

/** The adapter's detail may already be a whole sentence ("GitLab could not answer for ...: ..."): never say it twice. */
function unavailableMessage(what: string, detail: string): string {
  return detail.startsWith('GitLab could not answer')
    ? detail
    : `GitLab could not answer for ${what}: ${detail}`;
}
