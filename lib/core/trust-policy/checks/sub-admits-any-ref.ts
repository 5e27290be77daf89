import { auditFinding, q, where, type AuditCheck } from './check';
import { refProtectedPinned, subjectsOf } from './helpers';

/** SUB_ADMITS_ANY_REF: a `sub` pattern admits every ref of the project. */
export const check: AuditCheck = {
  id: 'SUB_ADMITS_ANY_REF',
  title: 'sub admits any ref',
  description:
    'A `sub` value leaves the ref open (`project_path:acme/deploy:*`, `...:ref:*`, or no ref component): a pipeline ' +
    'on any branch, including an unprotected feature branch that every Developer can push, gets the role. High; ' +
    'medium when a gitlab.com `ref_protected: "true"` condition keeps unprotected refs out.',
  severity: 'high',
  remediation:
    'List the allowed refs exactly (`...:ref_type:branch:ref:main`); on gitlab.com add ' +
    '`StringEquals {"gitlab.com:ref_protected": "true"}`.',
  reference: 'https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload',
  evaluate(ctx) {
    return ctx.trust.allows.flatMap((st) => {
      const open = subjectsOf(st).filter((s) => s.ref.kind === 'any');
      if (open.length === 0) return [];
      const guarded = refProtectedPinned(st);
      return [
        auditFinding(
          check,
          `${where(st.index, st.sid)} admits any ref: ${open.map((s) => q(s.raw)).join(', ')}` +
            (guarded ? ' (ref_protected "true" still keeps unprotected refs out)' : ''),
          st.index,
          guarded ? 'medium' : 'high',
        ),
      ];
    });
  },
};
