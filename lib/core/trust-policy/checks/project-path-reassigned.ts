import { auditFinding, q, where, type AuditCheck } from './check';
import { movedFrom, pinnedProjectIds, subjectsOf } from './helpers';

/** PROJECT_PATH_REASSIGNED: a path the trust policy names now belongs to a project the config does not pin. */
export const check: AuditCheck = {
  id: 'PROJECT_PATH_REASSIGNED',
  title: 'Pinned path now resolves to another project',
  description:
    'The `sub` names a project by path, and GitLab resolves that path (no redirect) to a project id that the ' +
    "production role's `allowedProjectIds` (or the statement's own `project_id` condition) does not pin: the path " +
    'was renamed away and re-used, so another project now mints tokens this trust policy accepts. Only judged for ' +
    'watched roles or statements with a project_id condition (otherwise there is no pinned id to compare).',
  severity: 'critical',
  remediation:
    'Find where the pinned project went (GitLab project page by id), put its current path in `sub`, and pin ' +
    '`gitlab.com:project_id` (gitlab.com) or use `project_id:<id>` in the sub claim (self-managed).',
  reference: 'https://docs.gitlab.com/user/project/working_with_projects/#rename-a-repository',
  evaluate(ctx) {
    return ctx.trust.allows.flatMap((st) => {
      const pins = pinnedProjectIds(st) ?? ctx.watchedBy?.allowedProjectIds ?? null;
      if (pins === null) return [];
      return subjectsOf(st).flatMap((s) => {
        if (s.projectPath.kind !== 'exact' || s.projectId.kind === 'exact') return [];
        const path = s.projectPath.value;
        const fact = ctx.facts.projectsByPath.get(path.toLowerCase());
        if (fact?.status !== 'found' || movedFrom(path, fact) || pins.includes(fact.value.id)) return [];
        return [
          auditFinding(
            check,
            `${where(st.index, st.sid)} names ${q(path)}, which GitLab now resolves to project ${fact.value.id}, not the pinned ${JSON.stringify(pins)}`,
            st.index,
          ),
        ];
      });
    });
  },
};
