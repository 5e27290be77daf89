import { narrowestTest } from '../admits';
import { auditFinding, where, type AuditCheck } from './check';

/** AUD_CONDITION_MISSING: no condition on `<provider>:aud`. */
export const check: AuditCheck = {
  id: 'AUD_CONDITION_MISSING',
  title: 'No audience condition',
  description:
    "An Allow statement has no restricting condition on `<provider>:aud`. STS still requires the token's aud to be " +
    "one of the provider's client IDs, but those are shared by every role trusting the provider, so a token minted " +
    'for any of them (any `id_tokens:` audience a job can request) is accepted here too.',
  severity: 'medium',
  remediation:
    'Add `StringEquals {"<provider>:aud": "<project-specific audience>"}` and request exactly that `aud` in the ' +
    "job's `id_tokens:` (add it to the provider's client ID list).",
  reference: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html',
  evaluate(ctx) {
    return ctx.trust.allows
      .filter((st) => narrowestTest(st, 'aud') === null)
      .map((st) =>
        auditFinding(
          check,
          `${where(st.index, st.sid)} has no condition on ${ctx.trust.provider.name}:aud`,
          st.index,
        ),
      );
  },
};
