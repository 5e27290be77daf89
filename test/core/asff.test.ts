import {
  asffFindingId,
  contextFromProductArn,
  defaultProductArn,
  toAsffFinding,
  verdictToAsff,
} from '../../lib/core/asff';
import { makeVerdict } from './render/verdict-fixture';

const CTX = { awsAccountId: '111111111111', region: 'eu-west-1', partition: 'aws' };

describe('verdictToAsff', () => {
  it('maps an alert to a complete ASFF finding in the importing account, about the role in its own account', () => {
    const finding = verdictToAsff(makeVerdict(), CTX);

    expect(finding).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: 'gitlab-oidc-watch/verdict/123456789012/us-east-1/3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111111111111:product/111111111111/default',
      GeneratorId: 'gitlab-oidc-watch/verdict',
      AwsAccountId: '111111111111',
      CreatedAt: '2025-04-16T02:46:56Z',
      UpdatedAt: '2025-04-16T02:47:03.120Z',
      Severity: { Label: 'CRITICAL', Original: 'critical' },
      FindingProviderFields: {
        Severity: { Label: 'CRITICAL', Original: 'critical' },
        Types: ['TTPs/Initial Access/GitLab OIDC assumption against policy'],
      },
      Title: 'GitLab CI took production role prod-deploy against policy (UNPROTECTED_REF)',
      Resources: [
        {
          Type: 'AwsIamRole',
          Id: 'arn:aws:iam::123456789012:role/prod-deploy',
          Partition: 'aws',
          Region: 'us-east-1',
        },
      ],
      RecordState: 'ACTIVE',
      SourceUrl: 'https://gitlab.com/acme/deploy/-/pipelines/1234567890',
    });
    expect(finding?.ProductFields).toMatchObject({
      'gitlab-oidc-watch/findingCodes': 'UNPROTECTED_REF',
      'gitlab-oidc-watch/pipelineUser': 'mallory',
      'gitlab-oidc-watch/sourceIp': '192.0.2.10',
    });
  });

  it('keeps the Id when the same event is judged again, so the later verdict replaces the earlier finding', () => {
    const first = verdictToAsff(
      makeVerdict({
        verdict: 'unverified',
        severity: 'high',
        findings: [
          { code: 'GITLAB_UNAVAILABLE', class: 'unverified', severity: 'high', message: 'GitLab 503' },
        ],
        evaluatedAt: '2025-04-16T02:47:03Z',
      }),
      CTX,
    );
    const second = verdictToAsff(makeVerdict({ evaluatedAt: '2025-04-16T03:10:00Z' }), CTX);

    expect(second?.Id).toBe(first?.Id);
    expect(second?.CreatedAt).toBe(first?.CreatedAt);
    expect([first?.UpdatedAt, second?.UpdatedAt]).toEqual(['2025-04-16T02:47:03Z', '2025-04-16T03:10:00Z']);
    expect(first?.Types).toEqual(['Unusual Behaviors/User/GitLab OIDC unverified']);
  });

  it('exports nothing for ok and ignored verdicts', () => {
    expect(verdictToAsff(makeVerdict({ verdict: 'ok', findings: [] }), CTX)).toBeNull();
    expect(verdictToAsff(makeVerdict({ verdict: 'ignored', findings: [] }), CTX)).toBeNull();
  });

  it('cleans attacker-controlled text and drops a URL that is not plain http(s)', () => {
    const finding = verdictToAsff(
      makeVerdict({
        roleSessionName: 'pipeline-1\u202e\u001b[2J',
        findings: [
          {
            code: 'REF_NOT_ALLOWED',
            class: 'alert',
            severity: 'critical',
            message: 'ref \u0007evil'.repeat(200),
          },
        ],
        pipeline: {
          id: 1,
          projectId: 4242,
          ref: 'x',
          source: 'push',
          status: null,
          username: null,
          webUrl: 'javascript:alert(1)',
          createdAt: null,
        },
      }),
      CTX,
    );

    const sessionName = finding?.ProductFields['gitlab-oidc-watch/roleSessionName'] ?? '';
    expect(sessionName).not.toContain('\u202e');
    expect(sessionName).not.toContain('\u001b');
    expect(finding?.Description).not.toContain('\u0007');
    expect(finding?.Description.length).toBeLessThanOrEqual(1024);
    expect(finding?.SourceUrl).toBeUndefined();
  });
});

describe('toAsffFinding (the generic mapper other findings reuse)', () => {
  it('builds the Id from its parts, escaped, and archives a finding that is no longer active', () => {
    const finding = toAsffFinding(
      {
        idParts: ['trust-policy', '123456789012', 'role/with/path'],
        generator: 'trust-policy-audit/WILDCARD_SUBJECT',
        title: 'Trust policy admits every project',
        description: 'sub is project_path:acme/*',
        severity: 'high',
        types: ['Software and Configuration Checks/AWS Security Best Practices/GitLab OIDC trust policy'],
        createdAt: '2026-11-20T10:00:00Z',
        updatedAt: '2026-11-21T10:00:00Z',
        resources: [{ Type: 'AwsIamRole', Id: 'arn:aws:iam::123456789012:role/with/path' }],
        active: false,
      },
      CTX,
    );
    expect(finding.Id).toBe('gitlab-oidc-watch/trust-policy/123456789012/role%2Fwith%2Fpath');
    expect(finding.RecordState).toBe('ARCHIVED');
    expect(finding.Remediation).toBeUndefined();
  });

  it('refuses an Id longer than Security Hub accepts rather than truncating it into a collision', () => {
    expect(() => asffFindingId(['x'.repeat(600)])).toThrow(RangeError);
  });
});

describe('product ARN', () => {
  it('round-trips the default product ARN and refuses another account in its product part', () => {
    expect(contextFromProductArn(defaultProductArn(CTX))).toEqual(CTX);
    expect(() =>
      contextFromProductArn('arn:aws:securityhub:eu-west-1:111111111111:product/222222222222/default'),
    ).toThrow(RangeError);
  });
});
