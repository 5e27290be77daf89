import { finding, q, type Check } from './check';
import { refDecision } from './ref-rules';

/** REF_NOT_ALLOWED: the ref matches none of the role's explicit ref names/globs (no `protected` entry). */
export const check: Check = {
  id: 'REF_NOT_ALLOWED',
  title: 'Ref not allowed for the production role',
  description:
    "Alert when the role's `allowedRefs` has no `protected` entry and the token's ref matches none of its explicit " +
    "names and globs (GitLab's protected-ref wildcard syntax: `*` matches any sequence, `/` included). With a " +
    '`protected` entry the same situation is UNPROTECTED_REF. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Open the ref in the project: who pushed it, and does its pipeline run the production deploy job?',
    "Check the project's .gitlab-ci.yml rules for the deploy job: it should only run on the allowed refs.",
    'List what the session did (CloudTrail events with the assumed-role ARN) and rotate anything it could reach.',
    'Pin the ref in the trust policy sub condition (…:ref_type:branch:ref:main).',
  ],
  reference: 'https://docs.gitlab.com/user/project/repository/branches/protected/',
  evaluate(ctx) {
    const decision = refDecision(ctx);
    if (decision.status !== 'denied' || decision.protectionRequired || !ctx.subject) return [];
    return [
      finding(
        check,
        ctx,
        `ref ${q(ctx.subject.ref)} (${q(ctx.facts.refType)}) is not allowed for policy ${q(ctx.role.name)}: ${decision.basis}`,
      ),
    ];
  },
};
