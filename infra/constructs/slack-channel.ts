import { Stack } from 'aws-cdk-lib';
import { SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface SlackChannelProps {
  readonly workspaceId: string;
  readonly channelId: string;
  readonly topics: readonly ITopic[];
}

/**
 * Alerts in Slack through AWS Chatbot (Amazon Q Developer in chat applications). The channel only receives
 * notifications: its role has no permissions, and its guardrail denies every action, so nobody can run AWS commands
 * from the channel. Without an explicit guardrail, CloudFormation applies AdministratorAccess.
 * See: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-chatbot-slackchannelconfiguration.html
 * The alert messages are the "custom notification" JSON the publisher renders for HTTPS subscribers.
 * See: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
export class SlackChannel extends Construct {
  public readonly configuration: SlackChannelConfiguration;

  public constructor(scope: Construct, id: string, props: SlackChannelProps) {
    super(scope, id);

    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('chatbot.amazonaws.com'),
      description: 'Chatbot channel role for GitLab OIDC alerts: notifications only, no permissions',
    });
    const guardrail = new ManagedPolicy(this, 'NotificationsOnlyGuardrail', {
      description: 'Channel guardrail: deny all actions from chat; the channel only receives notifications',
      statements: [new PolicyStatement({ effect: Effect.DENY, actions: ['*'], resources: ['*'] })],
    });

    this.configuration = new SlackChannelConfiguration(this, 'Configuration', {
      slackChannelConfigurationName: `${Stack.of(this).stackName}-alerts`,
      slackWorkspaceId: props.workspaceId,
      slackChannelId: props.channelId,
      role,
      guardrailPolicies: [guardrail],
      notificationTopics: [...props.topics],
    });
  }
}
