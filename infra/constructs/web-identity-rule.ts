import { Duration } from 'aws-cdk-lib';
import { CfnRule, type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';

/**
 * Every AssumeRoleWithWebIdentity call, successful or not, as CloudTrail hands it to EventBridge. No filter on the
 * issuer or the role: untrusted issuers on production roles, and failed attempts (probes), must be judged too.
 * See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */
export const WEB_IDENTITY_EVENT_PATTERN: EventPattern = {
  source: ['aws.sts'],
  detailType: ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['sts.amazonaws.com'],
    eventName: ['AssumeRoleWithWebIdentity'],
  },
};

/**
 * AssumeRoleWithWebIdentity is a read-only management event. EventBridge delivers those only to rules in this state;
 * a rule in plain ENABLED state matches nothing, ever.
 * See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html#eb-service-event-cloudtrail-management
 * See: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-rule.html#cfn-events-rule-state
 */
export const READ_ONLY_MANAGEMENT_EVENTS_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** EventBridge's own maximum retry effort for a target it cannot invoke (throttled, unavailable). */
export const TARGET_MAX_EVENT_AGE = Duration.hours(24);
export const TARGET_RETRY_ATTEMPTS = 185;

export interface WebIdentityRuleProps {
  readonly target: IFunction;
  /** Default: the account's default bus, where CloudTrail delivers. */
  readonly eventBus?: IEventBus;
}

/**
 * Routes CloudTrail's AssumeRoleWithWebIdentity events to the correlator. Calls to the global STS endpoint are
 * logged in us-east-1 and regional endpoint calls in their region: deploy the stack (or forward the default bus) in
 * every region your pipelines use.
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#stscloudtrailregion
 */
export class WebIdentityRule extends Construct {
  public readonly rule: Rule;
  /** Events EventBridge could not hand to the function within its retry policy. */
  public readonly deadLetterQueue: DeadLetterQueue;

  public constructor(scope: Construct, id: string, props: WebIdentityRuleProps) {
    super(scope, id);

    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      purpose:
        'AssumeRoleWithWebIdentity events EventBridge could not deliver to the correlator within 24 hours.',
    });

    this.rule = new Rule(this, 'Rule', {
      description: 'AssumeRoleWithWebIdentity calls (CloudTrail) to the GitLab OIDC correlator',
      eventBus: props.eventBus,
      eventPattern: WEB_IDENTITY_EVENT_PATTERN,
      targets: [
        new LambdaFunction(props.target, {
          retryAttempts: TARGET_RETRY_ATTEMPTS,
          maxEventAge: TARGET_MAX_EVENT_AGE,
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });

    receiveReadOnlyManagementEvents(this.rule);
  }
}

/** The L2 Rule only knows ENABLED/DISABLED: set the state on the CloudFormation resource (escape hatch). */
export function receiveReadOnlyManagementEvents(rule: Rule): void {
  const cfnRule = rule.node.defaultChild;
  if (!(cfnRule instanceof CfnRule))
    throw new TypeError('events.Rule no longer has a CfnRule as default child');
  cfnRule.state = READ_ONLY_MANAGEMENT_EVENTS_STATE;
}
