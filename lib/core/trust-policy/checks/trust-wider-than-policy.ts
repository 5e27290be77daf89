import type { ProductionRole } from '../../config';
import { refPatternMatches } from '../../glob';
import { normalizeIssuer } from '../../policy';
import { narrowestTest } from '../admits';
import type { StatementTrust } from '../analyze';
import type { AuditFacts } from '../facts';
import { globIncludes, hasWildcard } from '../iam-glob';
import { showComponent, type SubjectPattern } from '../subject-pattern';
import { auditFinding, q, where, type AuditCheck, type AuditCheckContext } from './check';
import { pinnedProjectIds, projectAllowedByPolicy, refProtectedPinned, subjectsOf } from './helpers';
import { judgeSubject } from './ref-not-protected';

function refWithinPolicy(
  role: ProductionRole,
  st: StatementTrust,
  s: SubjectPattern,
  facts: AuditFacts,
): boolean {
  const explicit = role.allowedRefs.filter((e) => e !== 'protected');
  const ref = s.ref;
  if (ref.kind === 'any') {
    return explicit.includes('*') || (role.allowedRefs.includes('protected') && refProtectedPinned(st));
  }
  if (
    explicit.some((e) =>
      ref.kind === 'exact' ? refPatternMatches(e, ref.value) : globIncludes(e, ref.value, true),
    )
  )
    return true;
  if (!role.allowedRefs.includes('protected')) return false;
  if (refProtectedPinned(st)) return true;
  const judgement = judgeSubject(s, facts);
  // Unknown protection is AUDIT_INCOMPLETE's to report; here only what is known to be wider counts.
  return judgement === null || judgement.unprotected.length === 0;
}

function refTypeWithinPolicy(role: ProductionRole, s: SubjectPattern): boolean {
  const refType = s.refType;
  if (refType.kind === 'exact') return role.allowedRefTypes.some((t) => t === refType.value);
  return role.allowedRefTypes.includes('branch') && role.allowedRefTypes.includes('tag');
}

function audienceReasons(role: ProductionRole, st: StatementTrust): string[] {
  const test = narrowestTest(st, 'aud');
  if (!test) return [`any audience (policy: ${JSON.stringify(role.allowedAudiences)})`];
  const extra = test.values.filter(
    (v) => (test.operator.glob && hasWildcard(v)) || !role.allowedAudiences.includes(v),
  );
  return extra.length > 0
    ? [`audience ${extra.map(q).join(', ')} (policy: ${JSON.stringify(role.allowedAudiences)})`]
    : [];
}

function subjectReasons(role: ProductionRole, st: StatementTrust, ctx: AuditCheckContext): string[] {
  const subjects = subjectsOf(st);
  if (st.subjects === null) return ['any project and ref (no sub condition)'];
  const pins = pinnedProjectIds(st);
  return subjects.flatMap((s) => {
    const reasons: string[] = [];
    if (!projectAllowedByPolicy(role, s, ctx.facts, pins))
      reasons.push(
        `project ${q(s.projectId.kind === 'exact' ? `id:${s.projectId.value}` : showComponent(s.projectPath))} (policy: ids ${JSON.stringify(role.allowedProjectIds)})`,
      );
    if (!refWithinPolicy(role, st, s, ctx.facts))
      reasons.push(`ref ${q(showComponent(s.ref))} (policy: ${JSON.stringify(role.allowedRefs)})`);
    if (!refTypeWithinPolicy(role, s))
      reasons.push(
        `ref type ${q(showComponent(s.refType))} (policy: ${JSON.stringify(role.allowedRefTypes)})`,
      );
    return reasons;
  });
}

/** TRUST_WIDER_THAN_POLICY: a watched role's trust policy admits more than the detector's policy for it. */
export const check: AuditCheck = {
  id: 'TRUST_WIDER_THAN_POLICY',
  title: "Trust policy admits more than the role's detector policy",
  description:
    "For a watched production role, every Allow statement is compared with the config's policy for it: issuer " +
    '(`issuers`), projects (`allowedProjectIds`, `allowedProjectPaths`), refs (`allowedRefs`, with `protected` read ' +
    "from GitLab's protected branches/tags), ref types and audiences. What the trust policy admits beyond the policy " +
    'is only detected after the fact, never prevented: IAM should refuse it. Pipeline sources are not compared: IAM ' +
    "cannot see them except on gitlab.com, and enforcing them is the detector's job.",
  severity: 'high',
  remediation:
    'Narrow the trust policy to the policy (the suggested trust policy does exactly that), or widen the policy on ' +
    'purpose if the trust policy is right.',
  reference: 'https://docs.gitlab.com/ci/cloud_services/#configure-a-conditional-role-with-oidc-claims',
  evaluate(ctx) {
    const role = ctx.watchedBy;
    if (!role) return [];
    const issuerOk =
      !role.issuers || role.issuers.map(normalizeIssuer).includes(normalizeIssuer(ctx.trust.provider.issuer));
    return ctx.trust.allows.flatMap((st) => {
      const reasons = [
        ...(issuerOk
          ? []
          : [`issuer ${ctx.trust.provider.issuer} (policy: ${JSON.stringify(role.issuers)})`]),
        ...subjectReasons(role, st, ctx),
        ...audienceReasons(role, st),
      ];
      if (reasons.length === 0) return [];
      return [
        auditFinding(
          check,
          `${where(st.index, st.sid)} admits beyond production role ${q(role.name)}: ${[...new Set(reasons)].join('; ')}`,
          st.index,
        ),
      ];
    });
  },
};
