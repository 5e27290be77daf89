import { auditFinding, q, type AuditCheck } from './check';

/** CONDITION_KEY_UNSUPPORTED: a claim AWS does not evaluate for this provider. */
export const check: AuditCheck = {
  id: 'CONDITION_KEY_UNSUPPORTED',
  title: 'Condition key AWS does not evaluate for this issuer',
  description:
    'AWS evaluates `sub` and `aud` for every OIDC provider and, for the gitlab.com provider only, `namespace_id`, ' +
    '`project_id`, `ref_protected`, `pipeline_source`, `runner_environment` and `user_*`. Any other claim ' +
    '(`gitlab.example.com:project_id` on self-managed, `gitlab.com:ref`) is absent from the request context: a ' +
    'positive condition on it makes the statement never match (medium), an absent-passing one restricts nothing (high).',
  severity: 'high',
  remediation:
    'Express the restriction in `sub` (self-managed: `project_id:<id>:ref_type:branch:ref:main` after adding ' +
    "project_id to the project's sub claim components), or use a key AWS supports.",
  reference: 'https://docs.gitlab.com/ci/cloud_services/aws/#configure-a-role-and-trust',
  evaluate(ctx) {
    return ctx.trust.issues
      .filter((i) => i.kind === 'unsupported')
      .map((i) =>
        i.passesWhenAbsent
          ? auditFinding(
              check,
              `statement ${i.statement}: ${q(i.key)} is not evaluated for ${ctx.trust.provider.name}; ${i.operator} always passes: it restricts nothing`,
              i.statement,
            )
          : auditFinding(
              check,
              `statement ${i.statement}: ${q(i.key)} is not evaluated for ${ctx.trust.provider.name}; ${i.operator} never holds: the statement can never match`,
              i.statement,
              'medium',
            ),
      );
  },
};
