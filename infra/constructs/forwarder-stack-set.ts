import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, DefaultStackSynthesizer, Validations } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import type { Deployment } from '../../lib/core/config';
import {
  CENTRAL_BUS_PARAMETER,
  FORWARDER_STACK_ID,
  WebIdentityForwarderStack,
} from './web-identity-forwarder-stack';

export type ForwarderStackSetSettings = NonNullable<
  NonNullable<Deployment['organization']>['forwarderStackSet']
>;

export interface ForwarderStackSetProps {
  readonly settings: ForwarderStackSetSettings;
  /** The central bus the forwarders put events on (OrganizationEventBus). */
  readonly centralBusArn: string;
  /** Copied from the app so the template is built with the same feature flags. */
  readonly context?: Record<string, unknown>;
}

/**
 * The forwarder template, synthesized from WebIdentityForwarderStack in an app of its own: no bootstrap version
 * rule (member accounts are not CDK-bootstrapped; the forwarder has no assets), and with cdk-nag, so the template the
 * StackSet deploys passes the same checks as every stack here. The app writes to a temporary directory, never to the
 * CLI's cdk.out.
 */
export function forwarderTemplate(context: Record<string, unknown> = {}): Record<string, unknown> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'oidc-watch-forwarder-'));
  try {
    const app = new App({ outdir, context, analyticsReporting: false });
    // Same stack name as the per-account path: the central stack's ForwardedAlarms match its alarms by this prefix.
    const stack = new WebIdentityForwarderStack(app, FORWARDER_STACK_ID, {
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    const template: unknown = app.synth().getStackArtifact(stack.artifactId).template;
    if (typeof template !== 'object' || template === null)
      throw new TypeError('forwarder template is not an object');
    return template as Record<string, unknown>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Forwarders in every account and region of the chosen organizational units, from one place: a service-managed
 * CloudFormation StackSet with automatic deployment, so an account that joins the OU gets its forwarders without
 * anyone running anything, and one that leaves loses them. Deploy the main stack from the management account, or from
 * a delegated StackSets administrator with callAs DELEGATED_ADMIN. StackSets never deploys to the management
 * account itself; exclude the security account (it has the main stack's own rule) with excludeAccounts.
 * See: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 * See: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html
 */
export class ForwarderStackSet extends Construct {
  public readonly stackSet: CfnStackSet;

  public constructor(scope: Construct, id: string, props: ForwarderStackSetProps) {
    super(scope, id);
    const { settings } = props;
    const exclude = settings.excludeAccounts;
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: 'gitlab-oidc-watch-forwarders',
      description:
        'gitlab-oidc-watch: forwards AssumeRoleWithWebIdentity events of every account to the central bus',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: settings.callAs,
      // The forwarder creates the role EventBridge uses to put events on the central bus.
      capabilities: ['CAPABILITY_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        maxConcurrentPercentage: settings.maxConcurrentPercentage,
        failureTolerancePercentage: settings.failureTolerancePercentage,
        regionConcurrencyType: 'PARALLEL',
      },
      parameters: [{ parameterKey: CENTRAL_BUS_PARAMETER, parameterValue: props.centralBusArn }],
      stackInstancesGroup: [
        {
          deploymentTargets: {
            organizationalUnitIds: [...settings.targets],
            ...(exclude.length > 0 ? { accounts: [...exclude], accountFilterType: 'DIFFERENCE' } : {}),
          },
          regions: [...settings.regions],
        },
      ],
      templateBody: JSON.stringify(forwarderTemplate(props.context)),
    });
  }
}
