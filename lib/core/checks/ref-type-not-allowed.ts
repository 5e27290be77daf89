import { finding, q, type Check } from './check';

/** REF_TYPE_NOT_ALLOWED: the token's ref type (branch/tag) is not allowed for the role. */
export const check: Check = {
  id: 'REF_TYPE_NOT_ALLOWED',
  title: 'Ref type not allowed for the production role',
  description:
    "Alert when the token's ref type is not in the role's `allowedRefTypes`. The type is the sub's ref_type; when " +
    "the project's sub leaves ref_type out, it is what GitLab's repository shows (the ref exists only as a branch, or " +
    'only as a tag), never what a pipeline the caller named shows. An unknown type is REF_TYPE_UNKNOWN, not this.',
  severity: 'high',
  usesRoleSeverity: true,
  class: 'alert',
  runbook: [
    'A tag where only branches are allowed (or the reverse) usually means someone pushed a tag named like a protected branch, or a branch named like a release tag.',
    'Open the ref in the project and check who created it and when; check protected tags in Settings > Repository.',
    'Pin ref_type in the trust policy (sub condition ...:ref_type:branch:ref:main).',
  ],
  reference: 'https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload',
  evaluate(ctx) {
    const type = ctx.facts.refType;
    if (!ctx.correlated || !ctx.subject || type === null) return [];
    if ((ctx.role.allowedRefTypes as readonly string[]).includes(type)) return [];
    return [
      finding(
        check,
        ctx,
        `ref ${q(ctx.subject.ref)} is a ${q(type)}${ctx.facts.refTypeFrom === 'repository' ? " (per GitLab's repository: the sub has no ref_type)" : ''}; policy ${q(ctx.role.name)} allows ${JSON.stringify(ctx.role.allowedRefTypes)}`,
      ),
    ];
  },
};
