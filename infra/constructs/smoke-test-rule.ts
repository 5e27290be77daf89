import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { SMOKE_DETAIL_TYPE, SMOKE_SOURCE } from '../../lib/core/smoke';
import type { DeadLetterQueue } from './dead-letter-queue';

export interface SmokeTestRuleProps {
  readonly target: IFunction;
  /** Default: the account's default bus. */
  readonly eventBus?: IEventBus;
  /** Shared with the web-identity rule of the same bus: one queue, one alarm. */
  readonly deadLetterQueue: DeadLetterQueue;
}

/**
 * Routes `oidc-watch smoke` events (source gitlab-oidc-watch.smoke) to the correlator. A separate rule, in plain
 * ENABLED state: custom events need no management-event opt-in, and the web-identity rule keeps matching aws.sts only.
 * lib/core/smoke.ts explains why such an event can prove the path without being able to forge a verdict.
 */
export class SmokeTestRule extends Construct {
  public readonly rule: Rule;

  public constructor(scope: Construct, id: string, props: SmokeTestRuleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      description: 'oidc-watch smoke: synthetic test events to the GitLab OIDC correlator',
      eventBus: props.eventBus,
      eventPattern: { source: [SMOKE_SOURCE], detailType: [SMOKE_DETAIL_TYPE] },
      targets: [
        new LambdaFunction(props.target, { deadLetterQueue: props.deadLetterQueue, retryAttempts: 2 }),
      ],
    });
  }
}
