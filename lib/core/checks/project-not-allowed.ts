import { finding, q, type Check } from './check';
import { pathPinned, projectIdAllowed } from './project-rules';

/** PROJECT_NOT_ALLOWED: the token's project is not one of the pinned project ids. */
export const check: Check = {
  id: 'PROJECT_NOT_ALLOWED',
  title: 'Production role assumed from a project that is not pinned',
  description:
    "Alert when the token's project X is not in the role's `allowedProjectIds`. X is the sub's project_id when " +
    "present (signed by GitLab), else the id GitLab reports for the sub's project_path (a moved project is followed " +
    "through its redirect). Also alerts when GitLab has no project at the sub's path at all. When the path is one " +
    'the trust policy names (`allowedProjectPaths`) the finding is PROJECT_ID_MISMATCH instead. For merge requests ' +
    'from forks the sub describes the fork, so fork pipelines land here. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Open the project named in the message in GitLab: who owns it, and why can its pipelines assume this role?',
    "Read the role's trust policy: a condition on the issuer or on a project_path wildcard alone lets any project in that scope in.",
    'List what the session did (CloudTrail events with the assumed-role ARN) and rotate anything it could reach.',
    'Pin the trust policy to project_path of the pinned project and add its numeric id to allowedProjectIds.',
  ],
  reference: 'https://docs.gitlab.com/ci/cloud_services/aws/',
  evaluate(ctx) {
    const subject = ctx.subject;
    if (!ctx.correlated || !subject) return [];
    const f = ctx.facts;
    if (f.projectLookupBy === 'path' && f.project.status === 'not_found') {
      return [
        finding(
          check,
          ctx,
          `GitLab has no project at the sub's project_path ${q(subject.projectPath)} (${f.project.detail}); pinned projects: ${JSON.stringify(ctx.role.allowedProjectIds)}`,
        ),
      ];
    }
    if (
      f.projectId === null ||
      projectIdAllowed(ctx.role, f.projectId) ||
      pathPinned(ctx.role, subject.projectPath)
    ) {
      return [];
    }
    const path =
      f.project.status === 'found'
        ? ` (${q(f.project.value.pathWithNamespace)})`
        : subject.projectPath !== null
          ? ` (${q(subject.projectPath)})`
          : '';
    return [
      finding(
        check,
        ctx,
        `the token comes from project ${f.projectId}${path}, which is not pinned for policy ${q(ctx.role.name)} (allowedProjectIds ${JSON.stringify(ctx.role.allowedProjectIds)})`,
      ),
    ];
  },
};
