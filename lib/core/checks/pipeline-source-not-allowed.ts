import { finding, q, type Check } from './check';
import { identityOf } from './pipeline-identity';

/** PIPELINE_SOURCE_NOT_ALLOWED: the token's pipeline was started by a source the role does not allow. */
export const check: Check = {
  id: 'PIPELINE_SOURCE_NOT_ALLOWED',
  title: 'Pipeline source not allowed for the production role',
  description:
    'Alert when the pipeline that minted the token (verified against the sub: see SESSION_NAME_MISMATCH) has a ' +
    "`source` not in the role's `allowedPipelineSources` (hardened default: push only). A null or unknown source is " +
    'never allowed unless listed. `trigger` means a pipeline trigger token, which can leak; `api`, `web`, `schedule` ' +
    'and `merge_request_event` each widen who can run the deploy job. The source of a pipeline that did not mint the ' +
    'token is not judged. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Open the pipeline (webUrl in the verdict): who started it (user) and how (source)?',
    "For trigger: list the project's pipeline trigger tokens and their owners; revoke any that may have leaked.",
    'For merge_request_event: check that the deploy job cannot run in MR pipelines (rules:) and that the MR was reviewed.',
    'List what the session did (CloudTrail events with the assumed-role ARN).',
  ],
  reference: 'https://docs.gitlab.com/ci/jobs/job_rules/#ci_pipeline_source-predefined-variable',
  evaluate(ctx) {
    const pipeline = ctx.facts.pipeline;
    if (pipeline.status !== 'found' || identityOf(ctx).status !== 'consistent') return [];
    const source = pipeline.value.source;
    if (source !== null && ctx.role.allowedPipelineSources.includes(source)) return [];
    return [
      finding(
        check,
        ctx,
        `pipeline ${pipeline.value.id} of project ${pipeline.value.projectId} was started by source ${q(source)}` +
          `${pipeline.value.username !== null ? ` (user ${q(pipeline.value.username)})` : ''}; policy ${q(ctx.role.name)} allows ${JSON.stringify(ctx.role.allowedPipelineSources)}`,
      ),
    ];
  },
};
