import { finding, q, type Check } from './check';
import { identityOf } from './pipeline-identity';

/** SESSION_NAME_MISMATCH: the pipeline the session name points at is not the one that minted the token. */
export const check: Check = {
  id: 'SESSION_NAME_MISMATCH',
  title: 'Session name points at a pipeline that did not mint the token',
  description:
    "Alert when what the caller-chosen session name claims disagrees with the signed sub: the name's project_id is " +
    "not the token's project X; the pipeline GitLab returns belongs to another project; its ref differs from the " +
    "sub's ref (for refs/merge-requests/<iid>/head|merge|train the MR's source branch, and its source project, are " +
    "compared instead; `refs/heads/`/`refs/tags/` prefixes are normalised); its tag flag disagrees with the sub's " +
    'ref_type; it was created after the assumption; none of its jobs was running at the event time (nor had a ' +
    'still-valid token), per the jobs API and provenance.clockSkewSeconds/maxTokenLifetimeSeconds; or the ' +
    "session name's job_id names no job of it running then. Typical attacks: a job on a feature branch names " +
    'itself after a good main pipeline; a trigger-started pipeline on main names an old push pipeline. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    "Trust the sub, not the session name: open the sub's project and ref and find the pipeline that ran around eventTime.",
    'Who pushed that ref and who started that pipeline? A session name copied from a good pipeline is deliberate.',
    'List what the session did (CloudTrail events with the assumed-role ARN) and rotate anything it could reach.',
    'Pin ref and ref_type (or ref_protected) in the trust policy so a feature-branch token cannot assume the role at all.',
  ],
  reference: 'https://docs.gitlab.com/ci/cloud_services/aws/',
  evaluate(ctx) {
    const identity = identityOf(ctx);
    if (identity.status !== 'mismatch') return [];
    return [
      finding(
        check,
        ctx,
        `session name ${q(ctx.assumption.roleSessionName)} does not match the token (sub ${q(ctx.subject?.raw)}): ${identity.reasons.join('; ')}`,
      ),
    ];
  },
};
