import { finding, q, type Check } from './check';

/** SUBJECT_UNPARSED: a successful production assumption whose sub is not a GitLab sub. */
export const check: Check = {
  id: 'SUBJECT_UNPARSED',
  title: 'Token sub is missing or is not a GitLab sub',
  description:
    'Alert when a successful assumption of a production role with a token from a trusted GitLab issuer has no `sub`, ' +
    'or a sub that is not a GitLab component list with a project (project_path or project_id) and a ref. Without ' +
    'it nothing can be checked against GitLab: the token cannot be tied to a project, ref or pipeline. A project ' +
    'whose ci_id_token_sub_claim_components leaves out `ref` lands here too: pin the ref in the sub.',
  severity: 'high',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Read the sub from userIdentity.userName / responseElements.subjectFromWebIdentityToken.',
    "If it is a GitLab sub with unusual components, check the project's ci_id_token_sub_claim_components (Projects API) and include project_path or project_id, ref_type and ref.",
    'If it is not a GitLab sub at all, the token came from something else that the trusted issuer signs for: treat as UNTRUSTED_ISSUER.',
  ],
  reference: 'https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload',
  evaluate(ctx) {
    if (!ctx.correlated || ctx.subject !== null) return [];
    const raw = ctx.assumption.subject;
    return [
      finding(
        check,
        ctx,
        raw === null
          ? `the record carries no sub for production role ${q(ctx.assumption.roleArn)} (policy ${q(ctx.role.name)})`
          : `sub ${q(raw)} is not a GitLab sub with a project and a ref`,
      ),
    ];
  },
};
