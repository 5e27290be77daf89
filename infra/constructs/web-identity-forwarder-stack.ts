import { CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';
import { receiveReadOnlyManagementEvents, WEB_IDENTITY_EVENT_PATTERN } from './web-identity-rule';

export const FORWARDER_STACK_ID = 'GitLabOidcWatchForwarder';
/** The template parameter the StackSet fills with the central bus ARN. */
export const CENTRAL_BUS_PARAMETER = 'CentralBusArn';

export interface WebIdentityForwarderStackProps extends StackProps {
  /**
   * The OrganizationEventBus of the main stack (output OrganizationBusArn). Omitted: the template takes it as the
   * parameter CentralBusArn, which is how the organization StackSet deploys the same template everywhere.
   */
  readonly centralBusArn?: string;
}

/**
 * Deployed in each member account and region, by `cdk deploy` (-c forwardToBusArn=...) or by the organization
 * StackSet the main stack synthesizes from this same class: forwards that account's AssumeRoleWithWebIdentity events
 * from its default bus to the central bus. The rule needs the same read-only management event state as the main
 * rule; bus-to-bus delivery across accounts uses an IAM role that may only put events on the central bus.
 * See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export class WebIdentityForwarderStack extends Stack {
  public readonly rule: Rule;
  public readonly deadLetterQueue: DeadLetterQueue;

  public constructor(scope: Construct, id: string, props: WebIdentityForwarderStackProps = {}) {
    super(scope, id, {
      description:
        'gitlab-oidc-watch forwarder: AssumeRoleWithWebIdentity events to the central security bus',
      ...props,
    });
    const centralBusArn =
      props.centralBusArn ??
      new CfnParameter(this, CENTRAL_BUS_PARAMETER, {
        type: 'String',
        description: 'The central bus (main stack output OrganizationBusArn)',
        allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._/-]+$',
      }).valueAsString;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      purpose: 'AssumeRoleWithWebIdentity events that could not be forwarded to the central bus.',
    });
    const centralBus = EventBus.fromEventBusArn(this, 'CentralBus', centralBusArn);
    this.rule = new Rule(this, 'Rule', {
      description:
        'Forwards AssumeRoleWithWebIdentity calls (CloudTrail) to the GitLab OIDC watch central bus',
      eventPattern: WEB_IDENTITY_EVENT_PATTERN,
      targets: [new EventBusTarget(centralBus, { deadLetterQueue: this.deadLetterQueue })],
    });
    receiveReadOnlyManagementEvents(this.rule);
  }
}
