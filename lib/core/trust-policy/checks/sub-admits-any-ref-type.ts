import { auditFinding, q, where, type AuditCheck } from './check';
import { subjectsOf } from './helpers';

/** SUB_ADMITS_ANY_REF_TYPE: the ref is named but its type is open, so a tag can pose as the branch. */
export const check: AuditCheck = {
  id: 'SUB_ADMITS_ANY_REF_TYPE',
  title: 'sub admits any ref type',
  description:
    'A `sub` value names the ref but not its type (`...:ref_type:*:ref:main`, or no ref_type component): a TAG named ' +
    '`main` gets the role meant for the branch, and tags are often not protected. Not raised when the ref itself is ' +
    'open (SUB_ADMITS_ANY_REF covers it).',
  severity: 'medium',
  remediation: 'Pin the ref type: `...:ref_type:branch:ref:main` (and protect tags with `*` if tags deploy).',
  reference: 'https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload',
  evaluate(ctx) {
    return ctx.trust.allows.flatMap((st) => {
      const open = subjectsOf(st).filter((s) => s.refType.kind !== 'exact' && s.ref.kind !== 'any');
      if (open.length === 0) return [];
      return [
        auditFinding(
          check,
          `${where(st.index, st.sid)} admits any ref type for ${open.map((s) => q(s.raw)).join(', ')}: a tag named like the branch gets the role`,
          st.index,
        ),
      ];
    });
  },
};
