import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createSnsAlertPublisher } from '../../lib/adapters/sns-alert-publisher';
import { PublishError } from '../../lib/core/errors';
import type { PublicationContext } from '../../lib/core/publication';
import { makeVerdict } from '../core/render/verdict-fixture';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:gitlab-oidc-watch-alerts';
const sns = mockClient(SNSClient);

const FIRST: PublicationContext = {
  kind: 'initial',
  sequence: 1,
  reason: 'first-alert',
  routingSeverity: 'critical',
  previous: null,
  first: null,
};

beforeEach(() => sns.reset());

describe('createSnsAlertPublisher', () => {
  it('publishes one MessageStructure json message with filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'b5d1c2e3-0000-4000-8000-000000000001' });
    const sender = createSnsAlertPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC);
    await expect(sender.send({ verdict: makeVerdict(), publication: FIRST })).resolves.toBe(
      'b5d1c2e3-0000-4000-8000-000000000001',
    );
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC,
      MessageStructure: 'json',
      Subject: '[CRITICAL] GitLab OIDC ALERT prod-deploy in 123456789012: UNPROTECTED_REF',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        verdict: { DataType: 'String', StringValue: 'alert' },
        account: { DataType: 'String', StringValue: '123456789012' },
        role: { DataType: 'String', StringValue: 'arn:aws:iam::123456789012:role/prod-deploy' },
        kind: { DataType: 'String', StringValue: 'initial' },
        sequence: { DataType: 'String', StringValue: '1' },
      },
    });
    expect(Object.keys(JSON.parse(input?.Message ?? '{}') as object).sort()).toEqual([
      'default',
      'email',
      'https',
    ]);
  });

  it('turns an SNS error into PublishError carrying the cause', async () => {
    const cause = Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    sns.on(PublishCommand).rejects(cause);
    const sender = createSnsAlertPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC);
    const error = await sender.send({ verdict: makeVerdict(), publication: FIRST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).message).toContain('ThrottledException');
    expect((error as PublishError).cause).toBe(cause);
  });
});
