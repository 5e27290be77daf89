import { finding, q, type Check } from './check';
import { refDecision } from './ref-rules';
import type { CheckContext } from './check';

function repositoryAnswer(ctx: CheckContext): string {
  const b = ctx.facts.repositoryBranch;
  const t = ctx.facts.repositoryTag;
  if (b.status === 'found' && t.status === 'found')
    return `it exists as a branch${b.value.protected ? ' (protected)' : ' (not protected)'} and as a tag${t.value.protected ? ' (protected)' : ' (not protected)'}`;
  if (b.status === 'not_found' && t.status === 'not_found')
    return 'neither a branch nor a tag of that name exists now';
  for (const f of [b, t]) if (f.status === 'unavailable' || f.status === 'skipped') return f.detail;
  return 'not looked up';
}

/** REF_TYPE_UNKNOWN: the policy depends on the ref type and nothing could tell it. */
export const check: Check = {
  id: 'REF_TYPE_UNKNOWN',
  title: 'Ref type could not be determined',
  description:
    "Unverified when the sub carries no ref_type (the project's ci_id_token_sub_claim_components leaves it out), " +
    "GitLab's repository does not settle it (the ref exists as both a branch and a tag, as neither any more, or " +
    'GitLab did not answer), and the policy depends on it: `allowedRefTypes` does not allow both types, or the ' +
    'protection depends on the type (a ref that is both a branch and a tag passes only when both are protected). ' +
    'The type is never read off a pipeline the caller named: an unprotected branch named like a protected tag ' +
    'would otherwise pass as the tag.',
  severity: 'medium',
  usesRoleSeverity: true,
  class: 'unverified',
  runbook: [
    'Find the pipeline that minted the token (session name, CI job logs around eventTime) and check whether it ran for a branch or a tag.',
    'If the ref exists as both a branch and a tag, delete the one that should not exist and find who created it.',
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
        `the sub ${q(ctx.subject.raw)} has no ref_type and GitLab's repository did not tell whether ref ${q(ctx.subject.ref)} is a branch or a tag (${repositoryAnswer(ctx)})`,
      ),
    ];
  },
};
