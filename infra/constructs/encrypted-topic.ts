import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Effect, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface EncryptedTopicProps {
  readonly displayName: string;
  /** Subscribed by email; each address must confirm. */
  readonly emails: readonly string[];
  /** Where SNS parks messages it could not deliver to a subscriber. */
  readonly deliveryDeadLetterQueue: IQueue;
  /** Let CloudWatch alarms in this account publish here (operations topic). */
  readonly allowCloudWatchAlarms?: boolean;
  /** Let EventBridge rules of this account use the key (an SNS target; the target adds its own topic policy). */
  readonly allowEventBridge?: boolean;
}

/**
 * An SNS topic encrypted with its own customer managed key (rotated yearly), that refuses requests without TLS, with
 * email subscribers whose undeliverable messages go to a dead-letter queue instead of vanishing.
 */
export class EncryptedTopic extends Construct {
  public readonly key: Key;
  public readonly topic: Topic;

  public constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);

    this.key = new Key(this, 'Key', {
      description: `Encrypts the SNS topic "${props.displayName}"`,
      enableKeyRotation: true,
    });
    this.topic = new Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: this.key,
      // Adds a Deny on aws:SecureTransport=false for every principal.
      // See: https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html#enforce-encryption-data-in-transit
      enforceSSL: true,
    });

    if (props.allowCloudWatchAlarms === true) this.allowCloudWatchAlarms();
    if (props.allowEventBridge === true) this.allowEventBridge();

    for (const email of props.emails) {
      this.topic.addSubscription(
        new EmailSubscription(email, { deadLetterQueue: props.deliveryDeadLetterQueue }),
      );
    }
  }

  private allowCloudWatchAlarms(): void {
    const stack = Stack.of(this);
    // CloudWatch publishes alarm notifications as a service: it needs the key to encrypt them, and (because the
    // topic has a policy of its own) a topic policy statement, limited to alarms of this account.
    // See: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  private allowEventBridge(): void {
    // See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowEventBridgeToUseTheKey',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
  }

  /**
   * sns:Publish on this topic, and the two key operations SNS performs on the publisher's behalf, only through SNS.
   * (Topic.grantPublish would add the wildcard `kms:GenerateDataKey*`.)
   * See: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#sns-what-permissions-for-sse
   */
  public grantPublish(grantee: IGrantable): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
  }
}
