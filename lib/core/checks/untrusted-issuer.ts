import { finding, q, type Check } from './check';

/** UNTRUSTED_ISSUER: a production role was assumed with a token from an issuer that is not a trusted GitLab. */
export const check: Check = {
  id: 'UNTRUSTED_ISSUER',
  title: 'Production role assumed with a token from an untrusted issuer',
  description:
    'Alert when a production role is assumed (or, for a failed call, attempted) with an OIDC token whose issuer is ' +
    "missing, is not one of `trustedIssuers`, or is trusted but not in the role's own `issuers` list. There is no " +
    'GitLab to ask about such a token, so no GitLab lookup is made for the record. On a failed call CloudTrail may ' +
    'omit the provider; a missing issuer is only reported on successful calls (the failure itself is ' +
    'ASSUME_ROLE_FAILED). An issuer listed in `ignoredIssuers` is no excuse on a production role: the policy names ' +
    'its issuers (`issuers`, default every trusted GitLab issuer), and a non-GitLab issuer the role may use is listed ' +
    "in the role's `allowedForeignIssuers` (then the record is ignored for that role). Role severity.",
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Read the IAM OIDC provider named in the record (userIdentity.identityProvider) and the role trust policy: which providers can assume this role?',
    'If the issuer is a second GitLab instance or another CI system, find who registered that OIDC provider in the account (CloudTrail CreateOpenIDConnectProvider).',
    'Treat the session as compromised until explained: list what it did (CloudTrail events with the assumed-role ARN from responseElements).',
    'Remove the foreign provider from the trust policy, or add the issuer to trustedIssuers/ignoredIssuers if it is legitimate.',
  ],
  reference: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html',
  evaluate(ctx) {
    const issuer = ctx.assumption.issuer;
    if (ctx.issuerAllowed) return [];
    if (issuer === null) {
      if (ctx.failed) return [];
      return [
        finding(
          check,
          ctx,
          `production role ${q(ctx.assumption.roleArn)} (policy ${q(ctx.role.name)}) was assumed with a token whose issuer the record does not name (identityProvider ${q(ctx.assumption.identityProvider)})`,
        ),
      ];
    }
    if (ctx.trustedIssuer === null) {
      return [
        finding(
          check,
          ctx,
          `production role ${q(ctx.assumption.roleArn)} (policy ${q(ctx.role.name)}) was ${ctx.failed ? 'attempted' : 'assumed'} with a token from issuer ${q(issuer)}, which is not a trusted GitLab issuer` +
            (ctx.issuerIgnored
              ? " (it is in ignoredIssuers, which does not cover production roles: list it in the role's allowedForeignIssuers if this role may use it)"
              : ''),
        ),
      ];
    }
    return [
      finding(
        check,
        ctx,
        `issuer ${q(issuer)} is trusted but not allowed for policy ${q(ctx.role.name)} (allowed: ${(ctx.role.issuers ?? []).map((i) => q(i)).join(', ')})`,
      ),
    ];
  },
};
