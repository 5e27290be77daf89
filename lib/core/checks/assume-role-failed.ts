import { finding, q, type Check } from './check';

/** ASSUME_ROLE_FAILED: a failed AssumeRoleWithWebIdentity on a production role is a probe. */
export const check: Check = {
  id: 'ASSUME_ROLE_FAILED',
  title: 'Failed attempt to assume a production role',
  description:
    'Alert on every AssumeRoleWithWebIdentity call against a production role that AWS rejected (errorCode present, ' +
    'e.g. AccessDenied when the trust policy refused the token, InvalidIdentityToken). Someone holding a token tried ' +
    'the role: a probe for a loose trust policy, or a pipeline that should not be asking. No GitLab lookup is made ' +
    '(no credentials were issued); the sub is parsed when present to name the project and ref in the message. ' +
    'UNTRUSTED_ISSUER is still reported alongside when the record names an untrusted issuer.',
  severity: 'high',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Read errorCode/errorMessage: AccessDenied means the trust policy refused the token; InvalidIdentityToken means the token itself was rejected.',
    'Identify the caller: sourceIPAddress, userAgent, the sub (project and ref) and the session name.',
    'If the sub names one of your projects, open its pipelines around eventTime and find the job that asked for the role.',
    'Repeated failures from one project or IP are reconnaissance: check the other production roles for successful calls from the same source.',
  ],
  reference: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html',
  evaluate(ctx) {
    if (!ctx.failed) return [];
    const a = ctx.assumption;
    const token = ctx.subject
      ? `; the token's sub names project ${ctx.subject.projectPath !== null ? q(ctx.subject.projectPath) : `id ${String(ctx.subject.projectId)}`}, ref ${q(ctx.subject.ref)}`
      : a.subject !== null
        ? `; the token's sub is ${q(a.subject)}`
        : '';
    return [
      finding(
        check,
        ctx,
        `AssumeRoleWithWebIdentity on production role ${q(a.roleArn)} (policy ${q(ctx.role.name)}) failed with ${q(a.errorCode)}` +
          `${a.errorMessage !== null ? ` (${q(a.errorMessage)})` : ''}; session name ${q(a.roleSessionName)}, source IP ${q(a.sourceIp)}${token}`,
      ),
    ];
  },
};
