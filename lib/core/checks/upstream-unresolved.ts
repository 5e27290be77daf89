import { finding, type Check } from './check';
import { chainVerdicts, describePipeline } from './provenance-rules';

/** UPSTREAM_UNRESOLVED: a downstream pipeline's chain could not be established. */
export const check: Check = {
  id: 'UPSTREAM_UNRESOLVED',
  title: "A downstream pipeline's upstream chain could not be established",
  description:
    'Unverified when a pipeline that can have minted the token is a downstream pipeline of an allowed kind but its ' +
    'chain could not be read to a root: GraphQL `Pipeline.upstream` and, for child pipelines, the REST bridges of ' +
    'the candidate parents did not name it, GitLab did not answer, the chain is deeper than ' +
    "provenance.maxChainDepth, or an upstream ref's protection could not be read. Without the root, how the chain " +
    'was started (push or a trigger token) is unknown, so the verdict cannot be ok.',
  severity: 'medium',
  usesRoleSeverity: false,
  class: 'unverified',
  runbook: [
    "Open the pipeline's graph in GitLab and follow it up to the root: how was the root started?",
    'Check the read_api token can read the upstream projects (GraphQL needs the same access), then re-evaluate.',
  ],
  reference: 'https://docs.gitlab.com/api/graphql/reference/#pipeline',
  evaluate(ctx) {
    return chainVerdicts(ctx).flatMap(({ c, verdict }) => {
      if (verdict.status === 'unresolved')
        return [
          finding(check, ctx, `${describePipeline(c)} (${c.pipeline.source ?? ''}): ${verdict.detail}`),
        ];
      if (verdict.status === 'resolved' && verdict.problems.length === 0 && verdict.unknowns.length > 0)
        return [finding(check, ctx, `${describePipeline(c)}: ${verdict.unknowns.join('; ')}`)];
      return [];
    });
  },
};
