import { decidingSource } from '../provenance/chain';
import { finding, q, type Check } from './check';
import { chainVerdicts, describePipeline } from './provenance-rules';

/** PIPELINE_SOURCE_NOT_ALLOWED: a pipeline that can have minted the token was started by a disallowed source. */
export const check: Check = {
  id: 'PIPELINE_SOURCE_NOT_ALLOWED',
  title: 'Pipeline source not allowed for the production role',
  description:
    "Alert when a pipeline that can have minted the token (one of the sub's project and ref with a job running at " +
    "the event time, whichever the session name names) has a `source` not in the role's `allowedPipelineSources` " +
    '(hardened default: push only). A downstream pipeline (child: parent_pipeline; multi-project: pipeline) is ' +
    "judged by the source of its chain's ROOT, so a child of a push on main passes and a child of a trigger-started " +
    'pipeline does not. A null or unknown source is never allowed unless listed. `trigger` means a pipeline ' +
    'trigger token, which can leak; `api`, `web`, `schedule` and `merge_request_event` each widen who can run the ' +
    'deploy job. The source of a pipeline that did not run at the event time is not judged. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Open the pipeline (webUrl in the verdict, or the id in the message): who started it (user) and how (source)?',
    "For trigger: list the project's pipeline trigger tokens and their owners; revoke any that may have leaked.",
    'For a child pipeline: open its parent (the root named in the message) and judge how that one was started.',
    'For merge_request_event: check that the deploy job cannot run in MR pipelines (rules:) and that the MR was reviewed.',
    'List what the session did (CloudTrail events with the assumed-role ARN).',
  ],
  reference: 'https://docs.gitlab.com/ci/jobs/job_rules/#ci_pipeline_source-predefined-variable',
  evaluate(ctx) {
    return chainVerdicts(ctx).flatMap(({ c, verdict }) => {
      const deciding = decidingSource(c, verdict);
      if (deciding === null) return [];
      if (deciding.source !== null && ctx.role.allowedPipelineSources.includes(deciding.source)) return [];
      const p = c.pipeline;
      const via = deciding.viaRoot
        ? `${describePipeline(c)} is a ${q(p.source)} downstream pipeline whose chain root, pipeline ${deciding.pipelineId}, was started by source ${q(deciding.source)}`
        : `${describePipeline(c)} of project ${p.projectId} was started by source ${q(deciding.source)}${p.username !== null ? ` (user ${q(p.username)})` : ''}`;
      return [
        finding(
          check,
          ctx,
          `${via}; policy ${q(ctx.role.name)} allows ${JSON.stringify(ctx.role.allowedPipelineSources)}`,
        ),
      ];
    });
  },
};
