import { Stack } from 'aws-cdk-lib';
import { CfnEventBus, EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface OrganizationEventBusProps {
  /** Accounts of this AWS Organization may put events on the bus. */
  readonly organizationId: string;
}

/** The statement id of the bus policy; `oidc-watch coverage` and the tests look for it. */
export const ORGANIZATION_STATEMENT_ID = 'AllowOrganizationAccountsToForward';

/**
 * A central bus in the security account for organization mode: each member account (and each extra region) forwards
 * its AssumeRoleWithWebIdentity events here with a WebIdentityForwarderStack, because the event lands in the account
 * and region where the role was assumed. The resource policy admits the organization's accounts only.
 *
 * The policy is the bus's own `Policy` property, not a separate AWS::Events::EventBusPolicy: cdk-nag's EVB1 rule
 * reads that resource's deprecated `principal`/`condition` attributes and makes every synth print a deprecation
 * warning. The bus is named after the stack so that its ARN can be written in its own policy without a
 * self-reference (GetAtt on itself would be a circular dependency).
 * See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 * See: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-eventbus.html#cfn-events-eventbus-policy
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export class OrganizationEventBus extends Construct {
  public readonly bus: EventBus;

  public constructor(scope: Construct, id: string, props: OrganizationEventBusProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const eventBusName = `${stack.stackName}-organization`;
    this.bus = new EventBus(this, 'Bus', {
      eventBusName,
      description: 'AssumeRoleWithWebIdentity events forwarded by the accounts of the organization',
    });
    const cfnBus = this.bus.node.defaultChild;
    if (!(cfnBus instanceof CfnEventBus)) throw new TypeError('events.EventBus no longer has a CfnEventBus');
    cfnBus.policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: ORGANIZATION_STATEMENT_ID,
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'events:PutEvents',
          Resource: stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: eventBusName }),
          Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
        },
      ],
    };
  }
}
