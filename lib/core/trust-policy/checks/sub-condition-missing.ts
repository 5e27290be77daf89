import { liveSubjects } from '../admits';
import { auditFinding, where, type AuditCheck } from './check';
import { pinnedProjectIds } from './helpers';

/** SUB_CONDITION_MISSING: an Allow statement for a GitLab provider has no restricting `sub` condition. */
export const check: AuditCheck = {
  id: 'SUB_CONDITION_MISSING',
  title: 'No sub condition',
  description:
    'An Allow statement for the GitLab provider has no condition on `<provider>:sub` that restricts it (none at all, ' +
    'only `StringLike "*"`, only negated or Null tests). Every project on the issuer can then take the role: on ' +
    'gitlab.com, any user who creates a project. Critical; high when a gitlab.com `project_id` condition still pins ' +
    'the project (then any ref of that project gets the role).',
  severity: 'critical',
  remediation:
    'Add `StringEquals {"<provider>:sub": ["project_path:<group>/<project>:ref_type:branch:ref:main"]}` listing the ' +
    'exact subjects allowed; on gitlab.com also pin `gitlab.com:project_id`.',
  reference: 'https://docs.gitlab.com/ci/cloud_services/aws/#configure-a-role-and-trust',
  evaluate(ctx) {
    const provider = ctx.trust.provider.name;
    return ctx.trust.allows
      .filter((st) => liveSubjects(st) === null)
      .map((st) => {
        const pins = pinnedProjectIds(st);
        return pins === null
          ? auditFinding(
              check,
              `${where(st.index, st.sid)} has no condition on ${provider}:sub: every project on ${ctx.trust.provider.issuer} can assume the role`,
              st.index,
            )
          : auditFinding(
              check,
              `${where(st.index, st.sid)} has no condition on ${provider}:sub; project_id ${JSON.stringify(pins)} still pins the project, but any ref of it can assume the role`,
              st.index,
              'high',
            );
      });
  },
};
