/**
 * AlertSender on SNS: one Publish per message, every protocol gets its own rendering (MessageStructure `json`).
 * Not idempotent by itself: createIdempotentPublisher decides what to send and sends each message once.
 * See: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { PublishError, describeError } from '../core/errors';
import type { AlertSender } from '../core/ports';
import { renderSnsAlert, type SnsAlert } from '../core/render/alert';

/**
 * Publishes a rendered alert (verdict or audit) with MessageStructure `json`; its attributes become string message
 * attributes, for SNS filter policies.
 */
export function publishAlertCommand(topicArn: string, alert: SnsAlert): PublishCommand {
  return new PublishCommand({
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
  });
}

export function createSnsAlertPublisher(client: SNSClient, topicArn: string): AlertSender {
  return {
    async send({ verdict, publication }) {
      const alert = renderSnsAlert(verdict, publication);
      let messageId: string | undefined;
      try {
        const out = await client.send(publishAlertCommand(topicArn, alert));
        messageId = out.MessageId;
      } catch (cause) {
        const detail = describeError(cause);
        throw new PublishError(`SNS Publish to ${topicArn} failed for event ${verdict.eventId}: ${detail}`, {
          cause,
        });
      }
      if (messageId === undefined) {
        throw new PublishError(
          `SNS Publish to ${topicArn} returned no MessageId for event ${verdict.eventId}`,
        );
      }
      return messageId;
    },
  };
}
