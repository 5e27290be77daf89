import { auditAsffIdParts, auditToAsff } from '../../../lib/core/trust-policy/asff';
import { asffFindingId } from '../../../lib/core/asff';
import type { RoleReport } from '../../../lib/core/trust-policy/audit';
import { AUDIT_CHECKS_BY_CODE } from '../../../lib/core/trust-policy/checks';
import { diffAudit } from '../../../lib/core/trust-policy/state';

const CTX = { awsAccountId: '111111111111', region: 'eu-west-1', partition: 'aws' };
const AT = '2026-11-21T04:41:00.000Z';
const DEPLOY = 'arn:aws:iam::123456789012:role/gitlab-deploy';
const OTHER = 'arn:aws:iam::123456789012:role/gitlab-other';

function report(roleArn: string, findings: RoleReport['findings']): RoleReport {
  return {
    roleArn,
    accountId: '123456789012',
    roleName: roleArn.slice(roleArn.lastIndexOf('/') + 1),
    watched: true,
    productionRole: 'prod-deploy',
    status: 'exposed',
    severity: 'critical',
    admits: [],
    findings,
  };
}

const TWO_STATEMENTS = report(DEPLOY, [
  { code: 'SUB_ADMITS_ANY_REF', severity: 'medium', message: 'statement 0 admits any ref', statement: 0 },
  { code: 'SUB_ADMITS_ANY_REF', severity: 'high', message: 'statement 1 admits any ref', statement: 1 },
  { code: 'AUD_GENERIC', severity: 'low', message: 'aud is generic', statement: 0 },
]);

describe('auditToAsff', () => {
  it('one ACTIVE finding per role and code: stable id, highest severity, the role as resource, the check remediation', () => {
    const findings = auditToAsff([TWO_STATEMENTS], {}, { at: AT, archiveVanished: true }, CTX);
    expect(findings.map((f) => f.Id)).toEqual([
      'gitlab-oidc-watch/trust-policy-audit/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fgitlab-deploy/SUB_ADMITS_ANY_REF',
      asffFindingId(auditAsffIdParts(DEPLOY, 'AUD_GENERIC')),
    ]);
    const check = AUDIT_CHECKS_BY_CODE.get('SUB_ADMITS_ANY_REF');
    expect(findings[0]).toMatchObject({
      ProductArn: 'arn:aws:securityhub:eu-west-1:111111111111:product/111111111111/default',
      GeneratorId: 'gitlab-oidc-watch/trust-policy-audit/SUB_ADMITS_ANY_REF',
      AwsAccountId: '111111111111',
      CreatedAt: AT,
      UpdatedAt: AT,
      Severity: { Label: 'HIGH', Original: 'high' },
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'high' } },
      Description: 'statement 0 admits any ref; statement 1 admits any ref',
      Resources: [{ Type: 'AwsIamRole', Id: DEPLOY, Partition: 'aws' }],
      RecordState: 'ACTIVE',
      Remediation: { Recommendation: { Text: check?.remediation, Url: check?.reference } },
      ProductFields: {
        'gitlab-oidc-watch/findingCode': 'SUB_ADMITS_ANY_REF',
        'gitlab-oidc-watch/productionRole': 'prod-deploy',
      },
    });
    expect(findings[0]?.Workflow).toBeUndefined();
    expect(findings[1]?.Severity).toEqual({ Label: 'LOW', Original: 'low' });
  });

  it('the same findings on a re-run keep their ids (an update, never a duplicate)', () => {
    const first = auditToAsff([TWO_STATEMENTS], {}, { at: AT, archiveVanished: true }, CTX);
    const { next } = diffAudit({}, [TWO_STATEMENTS]);
    const again = auditToAsff(
      [TWO_STATEMENTS],
      next,
      { at: '2026-11-22T04:41:00.000Z', archiveVanished: true },
      CTX,
    );
    expect(again.map((f) => [f.Id, f.RecordState])).toEqual(first.map((f) => [f.Id, 'ACTIVE']));
  });

  it('archives and resolves the findings of the last run that are gone, only when every account was read', () => {
    const { next: previous } = diffAudit({}, [
      TWO_STATEMENTS,
      report(OTHER, [
        { code: 'SUB_CONDITION_MISSING', severity: 'critical', message: 'no sub', statement: 0 },
      ]),
    ]);
    const fixed = report(DEPLOY, [
      { code: 'AUD_GENERIC', severity: 'low', message: 'aud is generic', statement: 0 },
    ]);
    const findings = auditToAsff([fixed], previous, { at: AT, archiveVanished: true }, CTX);
    expect(findings.map((f) => [f.Id, f.RecordState, f.Workflow?.Status])).toEqual([
      [asffFindingId(auditAsffIdParts(DEPLOY, 'AUD_GENERIC')), 'ACTIVE', undefined],
      [asffFindingId(auditAsffIdParts(DEPLOY, 'SUB_ADMITS_ANY_REF')), 'ARCHIVED', 'RESOLVED'],
      [asffFindingId(auditAsffIdParts(OTHER, 'SUB_CONDITION_MISSING')), 'ARCHIVED', 'RESOLVED'],
    ]);
    expect(findings[1]?.Severity.Label).toBe('HIGH');
    expect(findings[2]).toMatchObject({
      Severity: { Label: 'CRITICAL' },
      Resources: [{ Type: 'AwsIamRole', Id: OTHER }],
      Description: 'no sub',
    });

    const incomplete = auditToAsff([fixed], previous, { at: AT, archiveVanished: false }, CTX);
    expect(incomplete.map((f) => f.RecordState)).toEqual(['ACTIVE']);
  });
});
