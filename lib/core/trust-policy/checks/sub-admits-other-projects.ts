import { showComponent } from '../subject-pattern';
import { auditFinding, q, where, type AuditCheck } from './check';
import { pinnedProjectIds, subjectPinsProject, subjectsOf } from './helpers';

/** SUB_ADMITS_OTHER_PROJECTS: a `sub` pattern admits projects beyond the named ones. */
export const check: AuditCheck = {
  id: 'SUB_ADMITS_OTHER_PROJECTS',
  title: 'sub admits other projects',
  description:
    'A `sub` value leaves the project open: `project_path:acme/*` (every project under acme at any depth, and with ' +
    'the trailing `*` any ref too), `project_path:*`, `*:ref_type:branch:ref:main`. Anyone who can create a project ' +
    'matching the glob can take the role. Not raised when a gitlab.com `project_id` condition pins the project ' +
    'exactly (the glob then only loosens the path).',
  severity: 'critical',
  remediation:
    'Name the project exactly in `sub` (`project_path:acme/deploy:...`), one value per project; on gitlab.com pin ' +
    '`gitlab.com:project_id` as well.',
  reference: 'https://docs.gitlab.com/ci/cloud_services/#configure-a-conditional-role-with-oidc-claims',
  evaluate(ctx) {
    return ctx.trust.allows.flatMap((st) => {
      if (pinnedProjectIds(st) !== null) return [];
      const open = subjectsOf(st).filter((s) => !subjectPinsProject(s));
      if (open.length === 0) return [];
      const shown = open.map((s) => `${q(s.raw)} (project ${showComponent(s.projectPath)})`).join(', ');
      return [auditFinding(check, `${where(st.index, st.sid)} admits other projects: ${shown}`, st.index)];
    });
  },
};
