import { auditFinding, type AuditCheck } from './check';
import { pinnedProjectIds, refProtectedPinned, subjectPinsProject, subjectsOf } from './helpers';

/** UNWATCHED_EXPOSED_ROLE: GitLab can take the role from an unpinned project or ref, and no policy watches it. */
export const check: AuditCheck = {
  id: 'UNWATCHED_EXPOSED_ROLE',
  title: 'Exposed role nobody watches',
  description:
    'No `productionRoles[].roleArns` pattern matches the role, so the detector never judges its assumptions, and ' +
    'its trust policy admits an unpinned project (no sub, or a project glob without a project_id pin) or any ref ' +
    '(without a ref_protected pin). Whatever it can reach is open to those pipelines, unseen.',
  severity: 'high',
  remediation:
    'Harden the trust policy (see the suggestion), and add the role to `productionRoles` with its pinned project ' +
    'ids, refs and audiences if it reaches anything that matters.',
  reference: 'https://docs.gitlab.com/ci/cloud_services/aws/',
  evaluate(ctx) {
    if (ctx.watchedBy) return [];
    const open = ctx.trust.allows.filter((st) => {
      if (st.subjects === null) return pinnedProjectIds(st) === null || !refProtectedPinned(st);
      return subjectsOf(st).some(
        (s) =>
          (!subjectPinsProject(s) && pinnedProjectIds(st) === null) ||
          (s.ref.kind === 'any' && !refProtectedPinned(st)),
      );
    });
    if (open.length === 0) return [];
    return [
      auditFinding(
        check,
        `no production role pattern watches ${ctx.role.arn}, and statement(s) ${open.map((s) => s.index).join(', ')} admit an unpinned project or any ref from ${ctx.trust.provider.issuer}`,
        open[0]?.index ?? null,
      ),
    ];
  },
};
