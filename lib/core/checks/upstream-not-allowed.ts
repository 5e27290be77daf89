import { finding, type Check } from './check';
import { chainVerdicts, describePipeline } from './provenance-rules';

/** UPSTREAM_NOT_ALLOWED: an upstream pipeline of the minting pipeline ran in a project or on a ref the policy does not accept. */
export const check: Check = {
  id: 'UPSTREAM_NOT_ALLOWED',
  title: 'Upstream pipeline in a project or on a ref the policy does not accept',
  description:
    'Alert when the chain of a downstream pipeline that can have minted the token has an upstream pipeline in a ' +
    'project that is neither pinned (allowedProjectIds) nor an allowed upstream project ' +
    "(downstreamPipelines.upstreamProjectIds), on a ref that is neither the token's own nor allowed (explicit " +
    'allowedRefs entry, or protected in its project per the branches/tags API), or that is itself a downstream ' +
    'pipeline of a kind the role does not allow. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Open the upstream pipeline named in the message: who started it, in which project, on which ref?',
    'A pipeline in another project that can trigger the deploy pipeline can reach the production role: find who added the trigger.',
    'If the upstream project is legitimate, pin it in downstreamPipelines.upstreamProjectIds.',
  ],
  reference: 'https://docs.gitlab.com/ci/pipelines/downstream_pipelines/#multi-project-pipelines',
  evaluate(ctx) {
    return chainVerdicts(ctx).flatMap(({ c, verdict }) =>
      verdict.status === 'resolved' && verdict.problems.length > 0
        ? [finding(check, ctx, `${describePipeline(c)}: ${verdict.problems.join('; ')}`)]
        : [],
    );
  },
};
