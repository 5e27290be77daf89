import { auditFinding, q, type AuditCheck } from './check';

/** WRONG_HOST_CONDITION_KEY: a condition key prefixed with another host than the statement's provider. */
export const check: AuditCheck = {
  id: 'WRONG_HOST_CONDITION_KEY',
  title: 'Condition key names another host',
  description:
    'Condition keys are `<provider>:<claim>`. A key with another host (`gitlab.example.com:sub` in a statement for ' +
    'the gitlab.com provider) is never in the request context. Under a positive operator the statement then never ' +
    'matches (the role silently does not work: medium); under `...IfExists`, `ForAllValues:` or a negated operator ' +
    'the condition always passes, so the restriction it seems to add does nothing (high). Published vendor rules ' +
    'have shipped exactly this mistake.',
  severity: 'high',
  remediation: "Prefix the key with the provider's own name as in the Federated ARN (`gitlab.com:sub`).",
  reference:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif',
  evaluate(ctx) {
    return ctx.trust.issues
      .filter((i) => i.kind === 'wrong-host')
      .map((i) =>
        i.passesWhenAbsent
          ? auditFinding(
              check,
              `statement ${i.statement}: ${i.operator} on ${q(i.key)} never sees a ${ctx.trust.provider.name} token and always passes: it restricts nothing`,
              i.statement,
            )
          : auditFinding(
              check,
              `statement ${i.statement}: ${i.operator} on ${q(i.key)} never sees a ${ctx.trust.provider.name} token: the statement can never match`,
              i.statement,
              'medium',
            ),
      );
  },
};
