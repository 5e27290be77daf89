import type { Fact } from '../../checks/check';
import { auditFinding, q, type AuditCheck } from './check';

function unknown<T>(label: string, fact: Fact<T>): string[] {
  return fact.status === 'unavailable' || fact.status === 'skipped' ? [`${label}: ${fact.detail}`] : [];
}

/** AUDIT_INCOMPLETE: something the audit needed could not be known; never read as "nothing found". */
export const check: AuditCheck = {
  id: 'AUDIT_INCOMPLETE',
  title: 'Audit incomplete',
  description:
    'The audit could not finish a judgement: GitLab did not answer (or no API is configured for the issuer) a lookup ' +
    'of a named project or its protected branches/tags; a condition operator this audit does not model ' +
    '(Numeric*, Date*, IpAddress... on the statement: read as passing); a Deny statement it could not combine (read ' +
    'as not narrowing). The role is then at least `review`: "could not tell" is never "hardened".',
  severity: 'medium',
  remediation:
    'Add the issuer to `trustedIssuers` with a read_api token that can see the projects, re-run; simplify the ' +
    'trust policy to string operators on sub/aud if the note names an operator.',
  reference: 'https://docs.gitlab.com/api/projects/#get-a-single-project',
  evaluate(ctx) {
    const f = ctx.facts;
    const reasons = [
      ...[...f.projectsByPath].flatMap(([path, fact]) => unknown(`project ${q(path)}`, fact)),
      ...[...f.projectsById].flatMap(([id, fact]) => unknown(`project ${id}`, fact)),
      ...[...f.protectedBranches].flatMap(([id, fact]) =>
        unknown(`protected branches of project ${id}`, fact),
      ),
      ...[...f.protectedTags].flatMap(([id, fact]) => unknown(`protected tags of project ${id}`, fact)),
      ...ctx.trust.issues
        .filter((i) => i.kind === 'unmodelled-operator')
        .map(
          (i) =>
            `statement ${i.statement}: operator ${i.operator} on ${q(i.key)} is not modelled (read as passing)`,
        ),
      ...ctx.trust.notes,
    ];
    if (reasons.length === 0) return [];
    return [auditFinding(check, `could not tell: ${reasons.join('; ')}`, null)];
  },
};
