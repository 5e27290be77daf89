import { auditFinding, q, where, type AuditCheck } from './check';
import { movedFrom, pinnedProjectIds, subjectsOf } from './helpers';

/** PROJECT_PATH_UNCLAIMED: a path the trust policy names does not exist (or only redirects): whoever creates it wins. */
export const check: AuditCheck = {
  id: 'PROJECT_PATH_UNCLAIMED',
  title: 'Named project path is free to claim',
  description:
    'GitLab says the project path in `sub` does not exist, or answers it with a redirect to a renamed/transferred ' +
    'project (a redirect lasts only until someone creates a project at the old path). Whoever creates that path ' +
    '(a new group or project on gitlab.com) mints tokens this trust policy accepts. Critical on gitlab.com, high ' +
    'on self-managed (only its users can create it); medium when a gitlab.com `project_id` condition keeps a ' +
    'squatter out. A 404 can also mean the audit token cannot see a private project: give it read_api on the group.',
  severity: 'critical',
  remediation:
    "Update `sub` to the project's current path (or remove the role if the project is gone), and pin " +
    '`gitlab.com:project_id`; re-create the old path yourself if other systems still name it.',
  reference: 'https://docs.gitlab.com/user/project/working_with_projects/#rename-a-repository',
  evaluate(ctx) {
    return ctx.trust.allows.flatMap((st) => {
      const pinned = pinnedProjectIds(st) !== null;
      const severity = pinned ? 'medium' : ctx.trust.provider.gitlabCom ? 'critical' : 'high';
      return subjectsOf(st).flatMap((s) => {
        if (s.projectPath.kind !== 'exact' || s.projectId.kind === 'exact') return [];
        const path = s.projectPath.value;
        const fact = ctx.facts.projectsByPath.get(path.toLowerCase());
        if (fact?.status === 'not_found')
          return [
            auditFinding(
              check,
              `${where(st.index, st.sid)} names ${q(path)}, which does not exist on ${ctx.trust.provider.issuer}: whoever creates it can assume the role`,
              st.index,
              severity,
            ),
          ];
        if (fact && movedFrom(path, fact) && fact.status === 'found')
          return [
            auditFinding(
              check,
              `${where(st.index, st.sid)} names ${q(path)}, which only redirects to ${q(fact.value.pathWithNamespace)} (project ${fact.value.id}): whoever creates the old path can assume the role`,
              st.index,
              severity,
            ),
          ];
        return [];
      });
    });
  },
};
