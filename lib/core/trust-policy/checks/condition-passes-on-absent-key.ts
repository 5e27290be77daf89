import { auditFinding, q, type AuditCheck } from './check';

/** CONDITION_PASSES_ON_ABSENT_KEY: `...IfExists` or `ForAllValues:` on a GitLab claim. */
export const check: AuditCheck = {
  id: 'CONDITION_PASSES_ON_ABSENT_KEY',
  title: 'Condition passes when its key is absent',
  description:
    '`StringLikeIfExists`, `StringEqualsIfExists` and `ForAllValues:` conditions hold when the key is missing from ' +
    'the request context. On a claim the provider always sends they work today, but the restriction silently ' +
    'disappears the moment the key is misspelt, re-hosted or not sent; AWS recommends against ForAllValues with ' +
    'Allow. Conditions whose key is ALWAYS absent are WRONG_HOST_CONDITION_KEY or CONDITION_KEY_UNSUPPORTED.',
  severity: 'medium',
  remediation: 'Use the plain operator (`StringEquals`, `StringLike`) without `IfExists` or a set qualifier.',
  reference:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
  evaluate(ctx) {
    return ctx.trust.issues
      .filter((i) => i.kind === 'absent-pass')
      .map((i) =>
        auditFinding(
          check,
          `statement ${i.statement}: ${i.operator} on ${q(i.key)} passes when the key is absent`,
          i.statement,
        ),
      );
  },
};
