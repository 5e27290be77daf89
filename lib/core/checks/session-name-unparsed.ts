import { isValidRoleSessionName } from '../session-pattern-safety';
import { finding, q, type Check } from './check';

/**
 * SESSION_NAME_UNPARSED: the record's session name is missing or is not one AWS accepts, so the record itself is
 * damaged or forged. Since issue 8 a name that merely matches no pattern is not a finding: the session name is only
 * a hint, and the candidate pipelines decide.
 */
export const check: Check = {
  id: 'SESSION_NAME_UNPARSED',
  title: 'Session name missing or not one AWS accepts',
  description:
    'Unverified when a successful record has no role session name, or one that is not a `RoleSessionName` AWS ' +
    'accepts (2-64 characters of letters, digits and +=,.@_-, STS API reference): STS never logs such a call, so ' +
    'the record was damaged or forged and no verdict should rest on it. A valid name that matches none of ' +
    '`sessionNamePatterns` is NOT reported any more (issue 8): the session name only selects among the pipelines ' +
    'GitLab shows running at the event time, and without a convention those candidates decide.',
  severity: 'medium',
  usesRoleSeverity: true,
  class: 'unverified',
  runbook: [
    'Fetch the original record from the trail bucket (not from a copy or an export) and compare requestParameters.roleSessionName.',
    "If the trail bucket itself holds it, check the bucket's integrity (aws cloudtrail validate-logs) and who can write to it.",
  ],
  reference: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html',
  evaluate(ctx) {
    if (!ctx.correlated || ctx.session !== null) return [];
    const name = ctx.assumption.roleSessionName;
    if (name !== null && isValidRoleSessionName(name)) return [];
    return [
      finding(
        check,
        ctx,
        name === null
          ? 'the record has no role session name, which STS requires: the record is damaged or forged'
          : `session name ${q(name.length > 70 ? `${name.slice(0, 64)}…` : name)} is not a RoleSessionName AWS accepts (2-64 characters of letters, digits and +=,.@_-): the record is damaged or forged`,
      ),
    ];
  },
};
