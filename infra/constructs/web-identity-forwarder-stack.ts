import { CfnParameter, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
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
 * StackSet the main stack synthesizes from this same class (infra/constructs/forwarder-stack-set.ts): forwards
 * that account's AssumeRoleWithWebIdentity events from its default bus to the central bus. The rule needs the same
 * read-only management event state as the main rule; bus-to-bus delivery across accounts uses an IAM role that may
 * only put events on the central bus.
 * See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export class WebIdentityForwarderStack extends Stack {
  public readonly rule: Rule;
  public readonly deadLetterQueue: DeadLetterQueue;
  /** Fires on the first message in the dead-letter queue; its state changes are forwarded to the central bus. */
  public readonly deadLetterAlarm: Alarm;
  public readonly alarmRule: Rule;

  public constructor(scope: Construct, id: string, props: WebIdentityForwarderStackProps = {}) {
    super(scope, id, {
      description:
        'gitlab-oidc-watch forwarder: AssumeRoleWithWebIdentity events to the central security bus',
      ...props,
    });
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      purpose: 'AssumeRoleWithWebIdentity events that could not be forwarded to the central bus.',
    });
    const centralBusArn =
      props.centralBusArn ??
      new CfnParameter(this, CENTRAL_BUS_PARAMETER, {
        type: 'String',
        description: 'The central bus (main stack output OrganizationBusArn)',
        allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._/-]+$',
      }).valueAsString;
    const centralBus = EventBus.fromEventBusArn(this, 'CentralBus', centralBusArn);
    // One role for both rules; the targets grant it events:PutEvents on the central bus and nothing else.
    const forwardRole = new Role(this, 'ForwardRole', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: 'Puts events on the GitLab OIDC watch central bus',
    });
    this.rule = new Rule(this, 'Rule', {
      description:
        'Forwards AssumeRoleWithWebIdentity calls (CloudTrail) to the GitLab OIDC watch central bus',
      eventPattern: WEB_IDENTITY_EVENT_PATTERN,
      targets: [new EventBusTarget(centralBus, { deadLetterQueue: this.deadLetterQueue, role: forwardRole })],
    });
    receiveReadOnlyManagementEvents(this.rule);

    // Its own alarm: a message in the dead-letter queue means events were lost on the way to the central bus. The
    // alarm's state changes travel the same way as the events, to the central bus, whose stack sends them to the
    // operations topic (ForwardedAlarms): no topic, key or subscription to manage in every member account.
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterQueueMessages', {
      alarmName: `${this.stackName}-dead-letter-messages`,
      alarmDescription:
        'AssumeRoleWithWebIdentity events of this account and region could not be forwarded to the central bus ' +
        '(they sit in the dead-letter queue): inspect, fix the cause, replay.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarmRule = new Rule(this, 'AlarmRule', {
      description: "Forwards this stack's alarm state changes to the GitLab OIDC watch central bus",
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [this.deadLetterAlarm.alarmArn],
      },
      targets: [new EventBusTarget(centralBus, { deadLetterQueue: this.deadLetterQueue, role: forwardRole })],
    });
  }
}
