import { finding, q, type Check } from './check';
import { pathPinned, projectIdAllowed, samePath } from './project-rules';

/** PROJECT_ID_MISMATCH: the project path and the pinned project id no longer agree. */
export const check: Check = {
  id: 'PROJECT_ID_MISMATCH',
  title: 'Project path no longer belongs to the pinned project',
  description:
    "Alert when the path in the token's sub and the pinned numeric id disagree: (1) the sub's project_path is one " +
    'the trust policy names (`allowedProjectPaths`) but it now resolves to a project that is not pinned: the path ' +
    "was renamed, transferred or recycled and someone else's project now mints tokens the trust policy accepts; " +
    '(2) the sub carries both project_id and project_path and GitLab says that id lives at another path (compared ' +
    "case-insensitively); (3) GitLab has no project with the sub's project_id. Paths are resolved now, the token was " +
    'minted at eventTime: a rename in between also lands here. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    "Open both projects in GitLab: the pinned id and the project that now holds the path. Check the project's activity for a rename, transfer or deletion.",
    'If the path was recycled by another owner, the trust policy (which matches the path) accepts their tokens: pin it to the new path of the real project now.',
    'List what the session did (CloudTrail events with the assumed-role ARN) and rotate anything it could reach.',
    'Prefer project_id in the sub (ci_id_token_sub_claim_components) so the trust policy can pin the id.',
  ],
  reference: 'https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload',
  evaluate(ctx) {
    const subject = ctx.subject;
    if (!ctx.correlated || !subject) return [];
    const f = ctx.facts;
    if (f.projectLookupBy === 'id') {
      if (f.project.status === 'not_found') {
        return [
          finding(
            check,
            ctx,
            `GitLab has no project ${String(subject.projectId)} (the sub's project_id, with project_path ${q(subject.projectPath)}): ${f.project.detail}`,
          ),
        ];
      }
      if (
        f.project.status === 'found' &&
        subject.projectPath !== null &&
        !samePath(f.project.value.pathWithNamespace, subject.projectPath)
      ) {
        return [
          finding(
            check,
            ctx,
            `the sub names project_id ${f.project.value.id} with project_path ${q(subject.projectPath)}, but GitLab says project ${f.project.value.id} is at ${q(f.project.value.pathWithNamespace)}`,
          ),
        ];
      }
    }
    if (
      f.projectId !== null &&
      !projectIdAllowed(ctx.role, f.projectId) &&
      pathPinned(ctx.role, subject.projectPath)
    ) {
      return [
        finding(
          check,
          ctx,
          `the path the trust policy names, ${q(subject.projectPath)}, now belongs to project ${f.projectId}, not pinned ${JSON.stringify(ctx.role.allowedProjectIds)}: renamed, transferred or recycled path`,
        ),
      ];
    }
    return [];
  },
};
