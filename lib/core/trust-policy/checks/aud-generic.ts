import { narrowestTest } from '../admits';
import { providerNameOf } from '../condition-keys';
import { hasWildcard } from '../iam-glob';
import { auditFinding, q, where, type AuditCheck } from './check';

/** Audiences every role of a provider tends to share: the issuer URL (GitLab's docs example) and STS's default. */
export function isGenericAudience(aud: string, issuer: string): boolean {
  const a = aud.trim().replace(/\/+$/, '').toLowerCase();
  return (
    a === issuer.replace(/\/+$/, '').toLowerCase() ||
    a === providerNameOf(issuer) ||
    a === 'sts.amazonaws.com' ||
    a === 'https://sts.amazonaws.com'
  );
}

/** AUD_GENERIC: the audience condition accepts a generic audience. */
export const check: AuditCheck = {
  id: 'AUD_GENERIC',
  title: 'Generic audience',
  description:
    'The `aud` condition accepts a value every role of the provider tends to share: the issuer URL itself ' +
    "(`https://gitlab.com`, as GitLab's example uses), `sts.amazonaws.com`, or a wildcard. A token minted for one " +
    'role then works for all of them; a project-specific audience confines a leaked token to its role.',
  severity: 'medium',
  remediation:
    'Use a project- or role-specific audience (e.g. `https://gitlab.com/acme/deploy` or the role name) in both the ' +
    "trust policy and the job's `id_tokens:`.",
  reference: 'https://docs.gitlab.com/ci/secrets/id_token_authentication/#id-token-authentication',
  evaluate(ctx) {
    return ctx.trust.allows.flatMap((st) => {
      const test = narrowestTest(st, 'aud');
      if (!test) return [];
      const generic = test.values.filter(
        (v) => (test.operator.glob && hasWildcard(v)) || isGenericAudience(v, ctx.trust.provider.issuer),
      );
      if (generic.length === 0) return [];
      return [
        auditFinding(
          check,
          `${where(st.index, st.sid)} accepts the generic audience ${generic.map(q).join(', ')}`,
          st.index,
        ),
      ];
    });
  },
};
