import { auditFinding, where, type AuditCheck } from './check';
import { pinnedProjectIds, subjectsOf } from './helpers';

/** PROJECT_ID_NOT_PINNED: on gitlab.com, no `project_id` pin although AWS supports the key. */
export const check: AuditCheck = {
  id: 'PROJECT_ID_NOT_PINNED',
  title: 'gitlab.com project_id not pinned',
  description:
    'On the gitlab.com provider AWS evaluates `gitlab.com:project_id`, a number that survives renames and transfers ' +
    'and is never re-used. A statement that relies on the path alone can be taken over when the path is renamed ' +
    'away and claimed. Not raised on self-managed providers (AWS does not evaluate the key there) nor when the ' +
    'sub itself carries `project_id:<n>`.',
  severity: 'medium',
  remediation: 'Add `StringEquals {"gitlab.com:project_id": "<numeric project id>"}` to the statement.',
  reference: 'https://docs.gitlab.com/ci/cloud_services/aws/#configure-a-role-and-trust',
  evaluate(ctx) {
    if (!ctx.trust.provider.gitlabCom) return [];
    return ctx.trust.allows
      .filter((st) => pinnedProjectIds(st) === null)
      .filter((st) => {
        const subjects = subjectsOf(st);
        return subjects.length === 0 || subjects.some((s) => s.projectId.kind !== 'exact');
      })
      .map((st) =>
        auditFinding(check, `${where(st.index, st.sid)} does not pin gitlab.com:project_id`, st.index),
      );
  },
};
