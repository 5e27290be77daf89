import { finding, q, type Check } from './check';
import { chainVerdicts, describePipeline } from './provenance-rules';

/** DOWNSTREAM_NOT_ALLOWED: the token can come from a downstream pipeline of a kind the role does not allow. */
export const check: Check = {
  id: 'DOWNSTREAM_NOT_ALLOWED',
  title: 'Downstream pipeline not allowed for the production role',
  description:
    'Alert when a pipeline that can have minted the token is a downstream pipeline (source `parent_pipeline`: a ' +
    "child pipeline; `pipeline`: a multi-project downstream pipeline) of a kind not listed in the role's " +
    '`downstreamPipelines.allowedSources` (default: child pipelines only). A multi-project downstream pipeline can ' +
    "be started from another project's pipeline; allow it only with the upstream projects pinned " +
    '(downstreamPipelines.upstreamProjectIds). Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Open the pipeline and its upstream (the pipeline graph shows it): which project and job triggered it?',
    'If the layout is intended, allow the kind in downstreamPipelines.allowedSources and pin the upstream projects.',
    'Otherwise find who added the trigger job upstream; list what the session did (CloudTrail events with the assumed-role ARN).',
  ],
  reference: 'https://docs.gitlab.com/ci/pipelines/downstream_pipelines/',
  evaluate(ctx) {
    return chainVerdicts(ctx).flatMap(({ c, verdict }) =>
      verdict.status === 'kind_not_allowed'
        ? [
            finding(
              check,
              ctx,
              `${describePipeline(c)} is a ${q(verdict.source)} downstream pipeline; policy ${q(ctx.role.name)} allows downstream sources ${JSON.stringify(ctx.role.downstreamPipelines.allowedSources)}`,
            ),
          ]
        : [],
    );
  },
};
