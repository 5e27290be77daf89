import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { DecisionLogBucket } from '../../infra/constructs/decision-log-bucket';
import { cdkJsonContext } from './support';

function build(retentionDays: number): { template: Template; log: DecisionLogBucket; stack: Stack } {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Test');
  const log = new DecisionLogBucket(stack, 'DecisionLog', { retentionDays });
  return { template: Template.fromStack(stack), log, stack };
}

describe('DecisionLogBucket', () => {
  it('keeps short-lived verdicts in S3 Standard (Glacier IR bills 90 days minimum)', () => {
    const { template } = build(120);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: 120, Transitions: Match.absent() })],
      },
    });
  });

  it('moves large objects to Glacier Instant Retrieval after 90 days when they are kept long enough', () => {
    const { template } = build(180);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            ExpirationInDays: 180,
            Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
          }),
          Match.objectLike({ Id: 'expire-smoke-results', Prefix: 'smoke/' }),
        ],
      },
    });
  });

  it('expires its own access logs with the same retention', () => {
    const { template } = build(30);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [{ Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 30 }],
      },
    });
  });

  it('lets a reader list the bucket so that a missing verdict answers 404, not 403', () => {
    const stack = new Stack(new App({ context: cdkJsonContext() }), 'Readers');
    const log = new DecisionLogBucket(stack, 'DecisionLog', { retentionDays: 400 });
    const reader = new Role(stack, 'Reader', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    log.grantReadVerdicts(reader);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: {
              'Fn::Join': [
                '',
                [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^DecisionLogBucket'), 'Arn'] }, '/decisions/*'],
              ],
            },
          },
          {
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DecisionLogBucket'), 'Arn'] },
          },
        ],
      },
    });
  });
});
