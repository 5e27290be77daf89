import { finding, q, type Check } from './check';
import { refDecision } from './ref-rules';

/** UNPROTECTED_REF: the policy requires a protected ref and the token's ref is not protected. */
export const check: Check = {
  id: 'UNPROTECTED_REF',
  title: 'Production role assumed from an unprotected ref',
  description:
    "Alert when the role's `allowedRefs` contains `protected`, no explicit entry allows the ref, and the ref is not " +
    "protected. GitLab's signed `ref_protected` in the sub (18.7+) is accepted as is: `false` raises this finding " +
    "without a lookup, `true` allows the ref. Otherwise the ref is matched against project X's protected branch " +
    'patterns (ref_type branch) or protected tag patterns (ref_type tag), only the list needed being fetched, with ' +
    "GitLab's wildcard semantics (`release/*` matches `release/a/b`). Protection is judged against the lists as they " +
    'are now. A list GitLab could not return makes the verdict unverified (GITLAB_UNAVAILABLE), never ok. Role severity.',
  severity: 'critical',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'Open the ref in the project and the pipeline named by the session name: who pushed the ref and who ran the pipeline?',
    'Anyone with Developer access can push a branch and run a pipeline on it; if the deploy job ran there, the trust policy does not pin the ref.',
    'List what the session did (CloudTrail events with the assumed-role ARN) and rotate anything it could reach.',
    'Pin the trust policy to protected refs (ref_protected in the sub, or ref_type/ref conditions) and restrict the deploy job with rules: on protected refs.',
  ],
  reference: 'https://docs.gitlab.com/user/project/repository/branches/protected/',
  evaluate(ctx) {
    const decision = refDecision(ctx);
    if (decision.status !== 'denied' || !decision.protectionRequired || !ctx.subject) return [];
    return [
      finding(
        check,
        ctx,
        `ref ${q(ctx.subject.ref)} (${q(ctx.facts.refType)}) of project ${String(ctx.facts.projectId)} is not protected (${decision.basis}) and policy ${q(ctx.role.name)} allows only protected refs${
          ctx.role.allowedRefs.length > 1
            ? ` or ${JSON.stringify(ctx.role.allowedRefs.filter((r) => r !== 'protected'))}`
            : ''
        }`,
      ),
    ];
  },
};
