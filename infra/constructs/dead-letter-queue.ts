import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What lands here and what to do about it; shown in the console next to the queue. */
  readonly purpose: string;
}

/**
 * The end of a retry chain: events nobody could deliver wait here (14 days, the SQS maximum) to be inspected and
 * replayed, and an alarm fires as soon as one arrives. Encrypted with SQS-managed keys (SSE-SQS): EventBridge, Lambda
 * destinations and SNS can all write to it without a key policy; TLS is enforced by the queue policy.
 */
export class DeadLetterQueue extends Queue {
  public readonly purpose: string;

  public constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.purpose = props.purpose;

    const reason = `${props.purpose} This queue is itself the dead-letter queue at the end of the retry chain; a message here alarms and is replayed by hand.`;
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions-SQS3', reason },
      { id: 'Serverless-SQSRedrivePolicy', reason },
    );
  }
}
