/**
 * AlertPublisher on SNS: one Publish per alert, every protocol gets its own rendering (MessageStructure `json`).
 * Not idempotent by itself: wrap it in createIdempotentPublisher so a duplicate delivery does not alert twice.
 * See: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { PublishError, describeError } from '../core/errors';
import type { AlertPublisher } from '../core/ports';
import { renderSnsAlert } from '../core/render/alert';
import type { Verdict } from '../core/verdict';

export interface SnsAlertPublisher extends AlertPublisher {
  /** Publishes and returns SNS's MessageId (kept in the idempotency record). */
  publishWithId(verdict: Verdict): Promise<string>;
}

export function createSnsAlertPublisher(client: SNSClient, topicArn: string): SnsAlertPublisher {
  async function publishWithId(verdict: Verdict): Promise<string> {
    const alert = renderSnsAlert(verdict);
    let messageId: string | undefined;
    try {
      const out = await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: alert.subject,
          Message: alert.message,
          MessageStructure: 'json',
          MessageAttributes: Object.fromEntries(
            Object.entries(alert.attributes).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
      );
      messageId = out.MessageId;
    } catch (cause) {
      const detail = describeError(cause);
      throw new PublishError(`SNS Publish to ${topicArn} failed for event ${verdict.eventId}: ${detail}`, {
        cause,
      });
    }
    if (messageId === undefined) {
      throw new PublishError(`SNS Publish to ${topicArn} returned no MessageId for event ${verdict.eventId}`);
    }
    return messageId;
  }
  return {
    publishWithId,
    async publish(verdict) {
      await publishWithId(verdict);
    },
  };
}
