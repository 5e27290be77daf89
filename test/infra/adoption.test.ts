/**
 * The adoption features on the synthesized template: the organization StackSet of forwarders, the dashboard, the
 * Security Hub export and the VPC with fixed egress, all switched on here at once; cdk-nag over all of it.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import * as z from 'zod';
import { resolveOrganizationId } from '../../infra/oidc-watch-stack';
import type { ConfigInput } from '../../lib/core/config';
import { ConfigError } from '../../lib/core/errors';
import {
  dispose,
  fullConfigInput,
  ORGANIZATION_ID,
  type Synthesized,
  synthConfigOf,
  synthesize,
} from './support';

const SECURITY_ACCOUNT = '210987654321';

function adoptionConfig(): ConfigInput {
  const input = fullConfigInput();
  return {
    ...input,
    deployment: {
      ...input.deployment,
      securityHub: { enabled: true },
      dashboard: { enabled: true },
      vpc: { enabled: true, cidr: '10.80.0.0/22', maxAzs: 2, natGateways: 1 },
      organization: {
        organizationId: ORGANIZATION_ID,
        forwarderStackSet: {
          targets: ['r-ab12', 'ou-ab12-34cd56ef'],
          regions: ['us-east-1', 'eu-west-1'],
          excludeAccounts: [SECURITY_ACCOUNT],
          callAs: 'DELEGATED_ADMIN',
        },
      },
    },
  };
}

let synth: Synthesized;

beforeAll(() => {
  synth = synthesize(synthConfigOf(adoptionConfig()));
});

afterAll(() => dispose(synth));

function only(type: string): { id: string; properties: Record<string, unknown> } {
  const resources = Object.entries(synth.template.findResources(type));
  if (resources.length !== 1 || resources[0] === undefined) throw new Error(`expected one ${type}`);
  const [id, resource] = resources[0];
  return {
    id,
    properties: z.object({ Properties: z.record(z.string(), z.unknown()) }).parse(resource).Properties,
  };
}

describe('organization rollout', () => {
  it('deploys forwarders with a service-managed StackSet that follows accounts into and out of the OUs', () => {
    const { properties } = only('AWS::CloudFormation::StackSet');
    expect(properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [
        {
          ParameterKey: 'CentralBusArn',
          ParameterValue: { 'Fn::GetAtt': [only('AWS::Events::EventBus').id, 'Arn'] },
        },
      ],
      StackInstancesGroup: [
        {
          DeploymentTargets: {
            OrganizationalUnitIds: ['r-ab12', 'ou-ab12-34cd56ef'],
            Accounts: [SECURITY_ACCOUNT],
            AccountFilterType: 'DIFFERENCE',
          },
          Regions: ['us-east-1', 'eu-west-1'],
        },
      ],
    });
  });

  it('carries the forwarder stack as its template: same rule, bus from the parameter, no CDK bootstrap needed', () => {
    const body = z.string().parse(only('AWS::CloudFormation::StackSet').properties.TemplateBody);
    const template = z
      .object({
        Parameters: z.record(z.string(), z.unknown()),
        Rules: z.unknown().optional(),
        Resources: z.record(z.string(), z.object({ Type: z.string(), Properties: z.unknown() })),
      })
      .parse(JSON.parse(body));
    expect(Object.keys(template.Parameters)).toEqual(['CentralBusArn']);
    expect(template.Rules).toBeUndefined();
    const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
    // The web-identity rule, and the rule that forwards its dead-letter alarm's state changes.
    expect(rules).toHaveLength(2);
    const alarms = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.map((r) => r.Properties)).toEqual([
      expect.objectContaining({ AlarmName: 'GitLabOidcWatchForwarder-dead-letter-messages' }),
    ]);
    expect(rules.map((r) => r.Properties).filter((p) => JSON.stringify(p).includes('aws.sts'))).toEqual([
      expect.objectContaining({
        State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        EventPattern: {
          source: ['aws.sts'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'] },
        },
        Targets: [expect.objectContaining({ Arn: { Ref: 'CentralBusArn' }, RoleArn: expect.anything() })],
      }),
    ]);
    expect(body.length).toBeLessThan(51_200); // CloudFormation's TemplateBody limit
  });

  it('takes the organization from the config; a different -c organizationId is refused, not preferred', () => {
    const synthConfig = synthConfigOf(adoptionConfig());
    expect(resolveOrganizationId(synthConfig, {})).toBe(ORGANIZATION_ID);
    expect(resolveOrganizationId(synthConfig, { organizationId: ORGANIZATION_ID })).toBe(ORGANIZATION_ID);
    expect(() => resolveOrganizationId(synthConfig, { organizationId: 'o-zzzzzzzzzz' })).toThrow(ConfigError);
  });
});

describe('dashboard', () => {
  it('shows assumptions by role and verdict, unverified rate, GitLab latency and failures, and dead-letter depth', () => {
    const { properties } = only('AWS::CloudWatch::Dashboard');
    expect(properties.DashboardName).toBe('GitLabOidcWatch-operations');
    const body = JSON.stringify(synth.stack.resolve(properties.DashboardBody));
    for (const expected of [
      'Assumptions by role and verdict',
      'MetricName=\\\\\\"Assumptions\\\\\\"',
      '100 * unverified / (ok + alert + unverified)',
      'GitLabLatencyMs',
      'GitLabFailures',
      'Dead-letter queue depth',
      'ApproximateNumberOfMessagesVisible',
      'SecurityHubExportFailures',
    ]) {
      expect(body).toContain(expected);
    }
    synth.template.hasOutput('DashboardName', Match.anyValue());
  });
});

describe('Security Hub export', () => {
  const productArn = {
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

  it("tells both judging functions the account's default product and lets them import only there", () => {
    const functions = Object.values(
      synth.template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { SECURITY_HUB_PRODUCT_ARN: productArn } } },
      }),
    );
    expect(functions).toHaveLength(2);
    const statements = Object.values(synth.template.findResources('AWS::IAM::Policy')).flatMap((p) =>
      z
        .object({
          Properties: z.object({
            PolicyDocument: z.object({ Statement: z.array(z.record(z.string(), z.unknown())) }),
          }),
        })
        .parse(p)
        .Properties.PolicyDocument.Statement.filter((s) => JSON.stringify(s.Action).includes('securityhub')),
    );
    expect(statements).toEqual([
      { Action: 'securityhub:BatchImportFindings', Effect: 'Allow', Resource: productArn },
      { Action: 'securityhub:BatchImportFindings', Effect: 'Allow', Resource: productArn },
    ]);
  });

  it('alarms when a verdict could not be exported', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'GitLabOidcWatch-security-hub-export-failures',
      MetricName: 'SecurityHubExportFailures',
    });
  });
});

describe('VPC with fixed egress', () => {
  it('runs both functions in private subnets behind one security group that only allows outbound HTTPS', () => {
    const sg = only('AWS::EC2::SecurityGroup');
    expect(sg.properties.SecurityGroupEgress).toEqual([
      {
        CidrIp: '0.0.0.0/0',
        Description: 'HTTPS to GitLab and AWS APIs',
        FromPort: 443,
        IpProtocol: 'tcp',
        ToPort: 443,
      },
    ]);
    expect(sg.properties.SecurityGroupIngress).toBeUndefined();
    const inVpc = synth.template.findResources('AWS::Lambda::Function', {
      Properties: { VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [sg.id, 'GroupId'] }] } },
    });
    expect(Object.keys(inVpc)).toHaveLength(2);
  });

  it('egresses through NAT with an Elastic IP it outputs for the GitLab allowlist, with flow logs and S3/DynamoDB endpoints', () => {
    synth.template.resourceCountIs('AWS::EC2::NatGateway', 1);
    synth.template.resourceCountIs('AWS::EC2::FlowLog', 1);
    synth.template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    const eip = only('AWS::EC2::EIP').id;
    synth.template.hasOutput('EgressIps', {
      Value: { 'Fn::GetAtt': [eip, 'PublicIp'] }, // one NAT gateway: one address (Fn::Join of one is folded)
    });
  });
});

describe('cdk-nag with every adoption feature on', () => {
  it.each([
    ['AwsSolutions', new AwsSolutionsChecks()],
    ['Serverless', new ServerlessChecks()],
  ])('finds nothing unacknowledged in the %s pack', (_name, pack) => {
    const report = pack.validateScope(synth.app);
    expect(
      report.violations.map(
        (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`,
      ),
    ).toEqual([]);
  });
});
