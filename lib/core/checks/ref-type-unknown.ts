import { finding, q, type Check } from './check';
import { refDecision } from './ref-rules';

/** REF_TYPE_UNKNOWN: the policy depends on the ref type and nothing could tell it. */
export const check: Check = {
  id: 'REF_TYPE_UNKNOWN',
  title: 'Ref type could not be determined',
  description:
    "Unverified when the sub carries no ref_type (the project's ci_id_token_sub_claim_components leaves it out), " +
    "GitLab's record of the token's pipeline could not supply it, and the policy depends on it: `allowedRefTypes` " +
    'does not allow both types, or the ref matches a protected pattern of one kind and only the type says which ' +
    'list applies. A tag named like a protected branch would otherwise pass as protected.',
  severity: 'medium',
  usesRoleSeverity: true,
  class: 'unverified',
  runbook: [
    'Find the pipeline that minted the token (session name, CI job logs around eventTime) and check whether it ran for a branch or a tag.',
    "Add ref_type to the project's sub (Projects API: ci_id_token_sub_claim_components) so the type is signed in every token.",
  ],
  reference: 'https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload',
  evaluate(ctx) {
    if (!ctx.correlated || !ctx.subject || ctx.facts.refType !== null) return [];
    const typeMatters = !(
      ctx.role.allowedRefTypes.includes('branch') && ctx.role.allowedRefTypes.includes('tag')
    );
    const decision = refDecision(ctx);
    const protectionNeedsType =
      decision.status === 'unknown' && decision.reason === 'the sub has no ref_type';
    if (!typeMatters && !protectionNeedsType) return [];
    return [
      finding(
        check,
        ctx,
        `the sub ${q(ctx.subject.raw)} has no ref_type and GitLab's pipeline record did not tell whether ref ${q(ctx.subject.ref)} is a branch or a tag`,
      ),
    ];
  },
};
