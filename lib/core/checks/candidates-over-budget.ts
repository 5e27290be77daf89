import { finding, q, type Check } from './check';

/** CANDIDATES_OVER_BUDGET: too many pipelines ran on the ref around the event to tell which one minted the token. */
export const check: Check = {
  id: 'CANDIDATES_OVER_BUDGET',
  title: 'Too many candidate pipelines to judge',
  description:
    "Unverified when more pipelines of the token's project and ref were active around the event than " +
    "provenance.maxCandidatePipelines: reading every one's jobs would cost more GitLab requests than the budget, " +
    'and judging only some could miss a pipeline started by a disallowed source. Raise the budget, or narrow the ' +
    'token lifetime (provenance.maxTokenLifetimeSeconds) to shrink the window.',
  severity: 'medium',
  usesRoleSeverity: false,
  class: 'unverified',
  runbook: [
    "Open the project's pipelines for the ref around eventTime and find the job that asked for the role.",
    'Re-evaluate with a larger provenance.maxCandidatePipelines (oidc-watch evaluate) if the ref is that busy.',
  ],
  reference: 'https://docs.gitlab.com/api/pipelines/#list-project-pipelines',
  evaluate(ctx) {
    if (!ctx.correlated || ctx.facts.provenance.status !== 'over_budget') return [];
    return [finding(check, ctx, `${ctx.facts.provenance.detail}; ref ${q(ctx.subject?.ref)}`)];
  },
};
