import { isValidRoleSessionName } from '../session-pattern-safety';
import { finding, q, type Check } from './check';

/** SESSION_NAME_UNPARSED: the session name matches no configured pattern, so the pipeline cannot be checked. */
export const check: Check = {
  id: 'SESSION_NAME_UNPARSED',
  title: 'Session name names no pipeline',
  description:
    'Unverified when the role session name is missing or matches none of `sessionNamePatterns`: the pipeline that ' +
    'made the call, and so its source, user and ref as GitLab recorded them, cannot be checked. The sub-based checks ' +
    '(project, ref) still run. Set the session name in the deploy job (e.g. `pipeline-$CI_PIPELINE_ID`) or add a ' +
    'pattern for the format in use.',
  severity: 'medium',
  usesRoleSeverity: true,
  class: 'unverified',
  runbook: [
    'Look at the session name in the record: is it a format your jobs use? If so, add a pattern with a (?<pipeline_id>...) group to sessionNamePatterns.',
    'If not, find the job from the sub (project, ref) and the time: an unexpected name can mean the credentials were requested outside the usual deploy job.',
  ],
  reference: 'https://docs.gitlab.com/ci/cloud_services/aws/',
  evaluate(ctx) {
    if (!ctx.correlated || ctx.session !== null) return [];
    const name = ctx.assumption.roleSessionName;
    return [
      finding(
        check,
        ctx,
        name === null
          ? 'the record has no role session name: the pipeline cannot be checked'
          : !isValidRoleSessionName(name)
            ? `session name ${q(name.length > 70 ? `${name.slice(0, 64)}…` : name)} is not a RoleSessionName AWS accepts (2-64 characters of letters, digits and +=,.@_-): the record is damaged or forged, and the pipeline cannot be checked`
            : `session name ${q(name)} matches no configured pattern: the pipeline cannot be checked`,
      ),
    ];
  },
};
