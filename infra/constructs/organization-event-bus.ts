import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface OrganizationEventBusProps {
  /** Accounts of this AWS Organization may put events on the bus. */
  readonly organizationId: string;
}

/**
 * A central bus in the security account for organization mode: each member account (and each extra region) forwards
 * its AssumeRoleWithWebIdentity events here with a WebIdentityForwarderStack, because the event lands in the account
 * and region where the role was assumed. The resource policy admits the organization's accounts only.
 * See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export class OrganizationEventBus extends Construct {
  public readonly bus: EventBus;

  public constructor(scope: Construct, id: string, props: OrganizationEventBusProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      description: 'AssumeRoleWithWebIdentity events forwarded by the accounts of the organization',
    });
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowOrganizationAccountsToForward',
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
  }
}
