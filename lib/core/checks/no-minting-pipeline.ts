import { selectMintingPipeline } from '../provenance/candidates';
import { finding, q, type Check } from './check';

/** NO_MINTING_PIPELINE: GitLab shows no pipeline of the token's project and ref that can have minted the token. */
export const check: Check = {
  id: 'NO_MINTING_PIPELINE',
  title: "No pipeline of the token's project and ref was running at the event time",
  description:
    "Alert on a successful assumption when GitLab's pipelines of the sub's project and ref, active around the " +
    'event, include none with a job running at the event time (allowing provenance.clockSkewSeconds) or a job whose ' +
    "token could still be valid (provenance.maxTokenLifetimeSeconds), and every such pipeline's jobs were read. " +
    'A signed token with no job to have minted it was minted by a pipeline GitLab no longer shows (deleted), on ' +
    'another ref than the listed ones (a merge-request pipeline not named by the session name), or by a job that ' +
    'ran longer than the configured token lifetime. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    "Open the project's pipelines for the ref (sub) around eventTime: which job asked for the role? Was a pipeline deleted since?",
    'If a deploy job runs longer than provenance.maxTokenLifetimeSeconds, raise it to the job timeout.',
    'If nothing explains it, treat the session as compromised: list what it did (CloudTrail events with the assumed-role ARN).',
  ],
  reference: 'https://docs.gitlab.com/api/pipelines/#list-project-pipelines',
  evaluate(ctx) {
    if (!ctx.correlated || !ctx.subject) return [];
    if (selectMintingPipeline(ctx.facts.provenance).kind !== 'none') return [];
    return [
      finding(
        check,
        ctx,
        `no pipeline of project ${String(ctx.facts.projectId)} on ref ${q(ctx.subject.ref)} had a job running at ${ctx.assumption.eventTime} (${ctx.facts.provenance.considered.length} pipeline(s) active around it were checked)`,
      ),
    ];
  },
};
