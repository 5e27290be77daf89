import { finding, q, type Check } from './check';

/** PIPELINE_NOT_FOUND: the session name names a pipeline that does not exist in the token's project. */
export const check: Check = {
  id: 'PIPELINE_NOT_FOUND',
  title: "Session name names a pipeline that is not in the token's project",
  description:
    "Alert when GitLab answers 404 for the pipeline the session name names, looked up in the token's project X (or " +
    "in the session name's own project_id when X could not be resolved). The session name is chosen by the caller: " +
    'a pipeline that does not exist there is spoofed, or belongs to another project. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Search for the pipeline id across your GitLab instance: does it belong to another project (a fork, a personal project)?',
    "Open the token's project (from the sub) and its pipelines around eventTime: which job really asked for the role?",
    'List what the session did (CloudTrail events with the assumed-role ARN) and rotate anything it could reach.',
  ],
  reference: 'https://docs.gitlab.com/api/pipelines/#get-a-single-pipeline',
  evaluate(ctx) {
    const f = ctx.facts;
    if (!ctx.correlated || !ctx.session || f.pipeline.status !== 'not_found') return [];
    return [
      finding(
        check,
        ctx,
        `session name ${q(ctx.assumption.roleSessionName)} names pipeline ${ctx.session.pipelineId} (pattern ${q(ctx.session.pattern)}), which GitLab does not have in project ${String(f.pipelineProjectId)}`,
      ),
    ];
  },
};
