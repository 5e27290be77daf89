/** Which trust-policy statements concern web-identity assumption by a given OIDC provider. */
import { globIncludes } from './iam-glob';
import type { PolicyPrincipal, PolicyStatement } from './document';

export const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';

/**
 * `arn:aws:iam::123456789012:oidc-provider/gitlab.com` -> `gitlab.com` (host lower-cased, path kept); null for
 * anything that is not an IAM OIDC provider ARN (SAML providers, `cognito-identity.amazonaws.com`...).
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 */
export function oidcProviderName(federated: string): string | null {
  const m = /^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider\/(.+)$/.exec(federated.trim());
  if (!m?.[1]) return null;
  const slash = m[1].indexOf('/');
  return slash < 0 ? m[1].toLowerCase() : `${m[1].slice(0, slash).toLowerCase()}${m[1].slice(slash)}`;
}

/** IAM action names are case-insensitive and may use `*` and `?` (`sts:*`, `sts:AssumeRole*`, `*`). */
export function actionCovers(pattern: string, action: string): boolean {
  return globIncludes(pattern.toLowerCase(), action.toLowerCase());
}

/** Does the statement cover AssumeRoleWithWebIdentity (Action, or a NotAction that leaves it in)? */
export function coversWebIdentity(s: PolicyStatement): boolean {
  if (s.actions) return s.actions.some((a) => actionCovers(a, WEB_IDENTITY_ACTION));
  if (s.notActions) return !s.notActions.some((a) => actionCovers(a, WEB_IDENTITY_ACTION));
  return false;
}

export function federatedProviders(p: PolicyPrincipal | null): string[] {
  return (p?.federated ?? []).map(oidcProviderName).filter((n): n is string => n !== null);
}

/**
 * An Allow applies when its Federated principal names the provider; a Deny also when its principal is `*` (or
 * omitted), since it then covers every caller.
 */
export function appliesToProviderForEvaluation(s: PolicyStatement, provider: string): boolean {
  if (!coversWebIdentity(s)) return false;
  if (s.effect === 'Deny' && (s.principal === null || s.principal.wildcard)) return true;
  return federatedProviders(s.principal).includes(provider);
}
