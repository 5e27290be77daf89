import type { Fact } from '../../checks/check';
import type { ProtectedRefPattern } from '../../gitlab-port';
import { refPatternMatches } from '../../glob';
import { globIncludes } from '../iam-glob';
import type { ComponentPattern, SubjectPattern } from '../subject-pattern';
import type { AuditFacts } from '../facts';
import { auditFinding, q, where, type AuditCheck } from './check';
import { movedFrom, refProtectedPinned, resolvedProject, subjectsOf } from './helpers';

/**
 * True when every ref the pattern admits is protected by one of GitLab's patterns: an exact ref matched with
 * GitLab's wildcard rules; an IAM glob only when a single GitLab pattern includes it (`release/*` covers `release/*`).
 */
export function refCovered(ref: ComponentPattern, patterns: readonly ProtectedRefPattern[]): boolean {
  if (ref.kind === 'any') return patterns.some((p) => p.name === '*');
  if (ref.kind === 'exact') return patterns.some((p) => refPatternMatches(p.name, ref.value));
  return patterns.some((p) => globIncludes(p.name, ref.value, true));
}

type Judgement = { readonly unprotected: string[] } | null;

function lists(s: SubjectPattern): Array<'branch' | 'tag'> {
  if (s.refType.kind === 'exact')
    return s.refType.value === 'tag' ? ['tag'] : s.refType.value === 'branch' ? ['branch'] : [];
  return ['branch', 'tag'];
}

/** Which ref types leave this subject's refs unprotected; null when GitLab's lists are not known. */
export function judgeSubject(s: SubjectPattern, facts: AuditFacts): Judgement {
  const project = resolvedProject(s, facts);
  if (project?.status !== 'found') return null;
  if (
    s.projectPath.kind === 'exact' &&
    s.projectId.kind !== 'exact' &&
    movedFrom(s.projectPath.value, project)
  )
    return null;
  const unprotected: string[] = [];
  for (const type of lists(s)) {
    const fact: Fact<readonly ProtectedRefPattern[]> | undefined = (
      type === 'branch' ? facts.protectedBranches : facts.protectedTags
    ).get(project.value.id);
    if (fact?.status !== 'found') return null;
    if (!refCovered(s.ref, fact.value)) unprotected.push(type);
  }
  return { unprotected };
}

/** REF_NOT_PROTECTED: the refs a `sub` admits are not all protected in GitLab. */
export const check: AuditCheck = {
  id: 'REF_NOT_PROTECTED',
  title: 'Admitted refs are not protected in GitLab',
  description:
    "The refs a `sub` admits are matched against the project's protected branches (ref_type branch) and protected " +
    "tags (ref_type tag) as GitLab reports them now, with GitLab's wildcard rules. A ref that is not protected can " +
    "be pushed by every Developer, so its pipelines are anyone's. With the ref type open both lists must cover it. " +
    'Not raised when a gitlab.com `ref_protected: "true"` condition makes IAM refuse unprotected refs, or when the ' +
    'ref is open (SUB_ADMITS_ANY_REF).',
  severity: 'high',
  remediation:
    'Protect the branch or tag in GitLab (Settings > Repository > Protected branches/tags), or narrow the `sub` to ' +
    'protected refs; on gitlab.com add `StringEquals {"gitlab.com:ref_protected": "true"}`.',
  reference: 'https://docs.gitlab.com/user/project/repository/branches/protected/',
  evaluate(ctx) {
    return ctx.trust.allows.flatMap((st) => {
      if (refProtectedPinned(st)) return [];
      return subjectsOf(st).flatMap((s) => {
        if (s.ref.kind === 'any') return [];
        const judgement = judgeSubject(s, ctx.facts);
        if (judgement === null || judgement.unprotected.length === 0) return [];
        return [
          auditFinding(
            check,
            `${where(st.index, st.sid)} admits ${q(s.raw)}, but GitLab does not protect that ref as ${judgement.unprotected.join(' or ')}`,
            st.index,
          ),
        ];
      });
    });
  },
};
