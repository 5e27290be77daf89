import { finding, q, type Check } from './check';

/** SUBJECT_CONFLICT: the record's two copies of the token's sub disagree. */
export const check: Check = {
  id: 'SUBJECT_CONFLICT',
  title: "The record's userName and subjectFromWebIdentityToken disagree",
  description:
    'Alert when `userIdentity.userName` and `responseElements.subjectFromWebIdentityToken` are both present and ' +
    'differ. STS writes the same signed sub into both; a record where they disagree was altered, or assembled from ' +
    'two calls, and the verdict cannot rest on either copy. The checks run on userName; this finding keeps the ' +
    'verdict from ever being ok. Applies to failed calls too. Severity high.',
  severity: 'high',
  usesRoleSeverity: false,
  class: 'alert',
  runbook: [
    'Fetch the original CloudTrail record from the trail bucket (not from a copy or an export) and compare both fields.',
    "If the trail bucket itself holds the disagreeing record, check the bucket's integrity (CloudTrail log file validation: aws cloudtrail validate-logs).",
    'Judge the assumption by hand with each sub: find the GitLab job for each.',
  ],
  reference: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html',
  evaluate(ctx) {
    const other = ctx.assumption.subjectConflict;
    if (other === null) return [];
    return [
      finding(
        check,
        ctx,
        `userIdentity.userName is ${q(ctx.assumption.subject)} but responseElements.subjectFromWebIdentityToken is ${q(other)}`,
      ),
    ];
  },
};
