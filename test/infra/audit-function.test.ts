import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import * as z from 'zod';
import { AUDIT_PREFIX } from '../../infra/constructs/audit-function';
import { dispose, fullConfigInput, type Synthesized, synthConfigOf, synthesize } from './support';

const Statement = z.object({
  Effect: z.enum(['Allow', 'Deny']),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.unknown(),
  Condition: z.unknown().optional(),
});
type Statement = z.infer<typeof Statement>;
const PolicyResource = z.object({
  Properties: z.object({
    PolicyDocument: z.object({ Statement: z.array(Statement) }),
    Roles: z.array(z.object({ Ref: z.string() })).optional(),
  }),
});

let synth: Synthesized;
/** The same audit with deployment.securityHub on. */
let withSecurityHub: Synthesized;

function auditRoleId(): string {
  const ids = Object.keys(synth.template.findResources('AWS::IAM::Role')).filter((id) =>
    id.startsWith('AuditFunctionRole'),
  );
  if (ids.length !== 1 || !ids[0]) throw new Error(`expected one audit role, found ${ids.join(', ')}`);
  return ids[0];
}

function auditStatements(): Statement[] {
  const role = auditRoleId();
  return Object.values(synth.template.findResources('AWS::IAM::Policy'))
    .map((r) => PolicyResource.parse(r))
    .filter((p) => p.Properties.Roles?.some((r) => r.Ref === role) ?? false)
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function actions(s: Statement): string[] {
  return typeof s.Action === 'string' ? [s.Action] : s.Action;
}

const AUDIT = {
  memberRoleName: 'OidcWatchAuditReadOnly',
  accounts: ['111111111111'],
  organizationAccounts: true,
  schedule: { enabled: true, expression: 'cron(41 4 * * ? *)' },
};

beforeAll(() => {
  synth = synthesize(synthConfigOf({ ...fullConfigInput(), audit: AUDIT }));
  const input = fullConfigInput();
  withSecurityHub = synthesize(
    synthConfigOf({
      ...input,
      deployment: { ...input.deployment, securityHub: { enabled: true } },
      audit: AUDIT,
    }),
  );
}, 600_000);

afterAll(() => {
  dispose(synth);
  dispose(withSecurityHub);
});

function inSynth<T>(s: Synthesized, f: () => T): T {
  const saved = synth;
  synth = s;
  try {
    return f();
  } finally {
    synth = saved;
  }
}

const PRODUCT_ARN = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':securityhub:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':product/',
      { Ref: 'AWS::AccountId' },
      '/default',
    ],
  ],
};

describe('scheduled trust-policy audit (audit.schedule.enabled)', () => {
  it('runs the audit handler daily on the configured schedule, with its environment', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(41 4 * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditFunction'), 'Arn'] } }),
      ],
    });
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('audits the trust policies'),
      Timeout: 600,
      Environment: {
        Variables: Match.objectLike({
          AUDIT_PREFIX,
          AUDIT_BUCKET: Match.anyValue(),
          ALERT_TOPIC_ARN: Match.anyValue(),
          GITLAB_TOKEN_SECRETS: Match.anyValue(),
          GITLAB_LOOKUP_BUDGET_MS: '30000',
        }),
      },
    });
  });

  it('is not retried; failures go to a queue and alarm the operations topic', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^AuditFunction') },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.stringLikeRegexp('-audit-errors$'),
      MetricName: 'Errors',
      Threshold: 1,
    });
  });

  it('reads IAM read-only: ListRoles, ListAccounts, AssumeRole into the audit role name only', () => {
    const statements = auditStatements();
    const starred = statements
      .filter((s) => s.Resource === '*')
      .flatMap(actions)
      .sort();
    expect(starred).toEqual([
      'iam:ListRoles',
      'organizations:ListAccounts',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const assume = statements.filter((s) => actions(s).includes('sts:AssumeRole'));
    expect(assume).toEqual([
      expect.objectContaining({
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/OidcWatchAuditReadOnly']],
        },
      }),
    ]);
    const all = statements.flatMap(actions);
    expect(all.filter((a) => a.startsWith('iam:'))).toEqual(['iam:ListRoles']);
    expect(all.some((a) => a.includes('*'))).toBe(false);
  });

  it('writes only under the audit prefix, reads only its state, publishes only to the alert topic', () => {
    const statements = auditStatements();
    const put = statements.filter((s) => actions(s).includes('s3:PutObject'));
    expect(JSON.stringify(put)).toContain(`/${AUDIT_PREFIX}*`);
    const get = statements.filter((s) => actions(s).includes('s3:GetObject'));
    expect(JSON.stringify(get)).toContain(`/${AUDIT_PREFIX}state/*`);
    expect(
      statements
        .flatMap(actions)
        .filter((a) => a.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    const publish = statements.filter((s) => actions(s).includes('sns:Publish'));
    expect(publish).toEqual([
      expect.objectContaining({ Resource: { Ref: expect.stringMatching(/^AlertTopic/) } }),
    ]);
  });

  it('is cdk-nag clean with a reason on every acknowledgment', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(synth.app);
      expect(
        report.violations.map(
          (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`,
        ),
      ).toEqual([]);
    }
  });

  it('with deployment.securityHub off: no Security Hub grant nor product ARN', () => {
    expect(
      auditStatements()
        .flatMap(actions)
        .filter((a) => a.startsWith('securityhub:')),
    ).toEqual([]);
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('audits the trust policies'),
      Environment: { Variables: Match.objectLike({ SECURITY_HUB_PRODUCT_ARN: Match.absent() }) },
    });
  });

  it("with deployment.securityHub on: BatchImportFindings on this account's default product only, cdk-nag clean", () => {
    inSynth(withSecurityHub, () => {
      const grants = auditStatements().filter((s) => actions(s).some((a) => a.startsWith('securityhub:')));
      expect(grants).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'securityhub:BatchImportFindings',
          Resource: PRODUCT_ARN,
        }),
      ]);
      synth.template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('audits the trust policies'),
        Environment: { Variables: Match.objectLike({ SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN }) },
      });
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(synth.app);
        expect(report.violations.map((v) => v.ruleName)).toEqual([]);
      }
    });
  });
});
