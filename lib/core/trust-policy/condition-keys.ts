/**
 * Which condition keys AWS puts in the request context of AssumeRoleWithWebIdentity for a GitLab OIDC provider.
 *
 * Every OIDC provider: `<provider>:sub` and `<provider>:aud` (`<provider>` is the provider URL without `https://`).
 * The gitlab.com provider only: `namespace_id`, `project_id`, `ref_protected`, `pipeline_source`, `runner_environment`,
 * `user_id`, `user_login`, `user_email`, `user_access_level`. GitLab's AWS page: "these additional condition keys are
 * only available for the gitlab.com OIDC identity provider. For GitLab Self-Managed and GitLab Dedicated, only the
 * sub claim is currently supported as an AWS condition key" (aud is the standard key of every OIDC provider).
 * A key that is not in the request context is ABSENT: positive operators fail on it, `...IfExists`, `ForAllValues:`
 * and negated operators pass on it.
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 * See: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html#awssecuritytokenservice-policy-keys
 * See: https://docs.gitlab.com/ci/cloud_services/aws/#configure-a-role-and-trust
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

/** Keys of every OIDC provider. */
export const UNIVERSAL_CLAIM_KEYS: readonly string[] = ['sub', 'aud'];

/** Extra keys AWS supports for the gitlab.com provider only. */
export const GITLAB_COM_EXTRA_CLAIM_KEYS: readonly string[] = [
  'namespace_id',
  'project_id',
  'ref_protected',
  'pipeline_source',
  'runner_environment',
  'user_id',
  'user_login',
  'user_email',
  'user_access_level',
];

export const GITLAB_COM_PROVIDER = 'gitlab.com';
export const GITLAB_COM_ISSUER = 'https://gitlab.com';

/** The IAM provider name of an issuer URL: scheme dropped, host lower-cased, path kept (`gitlab.example.com/gl`). */
export function providerNameOf(issuer: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/]+)(.*)$/.exec(issuer.trim().replace(/\/+$/, ''));
  if (!m) return issuer.trim().toLowerCase();
  return `${(m[1] ?? '').toLowerCase()}${m[2] ?? ''}`;
}

/** The claims AWS can evaluate for this provider (lower-case names). */
export function supportedClaims(providerName: string): ReadonlySet<string> {
  return new Set(
    providerName.toLowerCase() === GITLAB_COM_PROVIDER
      ? [...UNIVERSAL_CLAIM_KEYS, ...GITLAB_COM_EXTRA_CLAIM_KEYS]
      : UNIVERSAL_CLAIM_KEYS,
  );
}

export type ConditionKeyKind =
  /** `<this provider>:<supported claim>`: present in every token of this provider. */
  | { readonly kind: 'claim'; readonly claim: string }
  /** `<this provider>:<claim AWS does not evaluate for this issuer>`: always absent. */
  | { readonly kind: 'unsupported'; readonly claim: string }
  /** `<another host>:<claim>`: never in this provider's request context, so always absent. */
  | { readonly kind: 'wrong-host'; readonly host: string; readonly claim: string }
  /** A global or service key (`aws:SourceIp`, `sts:RoleSessionName`...): not about the token's identity. */
  | { readonly kind: 'service' };

/**
 * Classifies a condition key against the statement's provider. IAM compares key names case-insensitively. A prefix
 * containing `.` or `/` is a provider host; anything else (`aws:`, `sts:`) is a service key.
 */
export function classifyConditionKey(key: string, providerName: string): ConditionKeyKind {
  const colon = key.lastIndexOf(':');
  if (colon <= 0) return { kind: 'service' };
  const prefix = key.slice(0, colon).toLowerCase();
  const claim = key.slice(colon + 1).toLowerCase();
  if (!prefix.includes('.') && !prefix.includes('/')) return { kind: 'service' };
  if (prefix !== providerName.toLowerCase()) return { kind: 'wrong-host', host: prefix, claim };
  return supportedClaims(providerName).has(claim) ? { kind: 'claim', claim } : { kind: 'unsupported', claim };
}
