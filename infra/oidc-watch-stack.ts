import { type App, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { ConfigError } from '../lib/core/errors';
import type { OrganizationOptions, SynthConfig } from './config';
import { AthenaTables } from './constructs/athena-tables';
import { AuditFunction } from './constructs/audit-function';
import { CorrelatorFunction } from './constructs/correlator-function';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { DecisionLogBucket } from './constructs/decision-log-bucket';
import { EncryptedTopic } from './constructs/encrypted-topic';
import { ForwarderStackSet } from './constructs/forwarder-stack-set';
import { GitLabTokenSecrets } from './constructs/gitlab-token-secrets';
import { IdempotencyTable } from './constructs/idempotency-table';
import { ForwardedAlarms, OperationsAlarms } from './constructs/operations-alarms';
import { OperationsDashboard } from './constructs/operations-dashboard';
import { OrganizationEventBus } from './constructs/organization-event-bus';
import { ReconcileFunction } from './constructs/reconcile';
import { ServiceNetwork } from './constructs/service-network';
import { SlackChannel } from './constructs/slack-channel';
import { SmokeTestRule } from './constructs/smoke-test-rule';
import { FORWARDER_STACK_ID, WebIdentityForwarderStack } from './constructs/web-identity-forwarder-stack';
import { WebIdentityRule } from './constructs/web-identity-rule';

export const STACK_ID = 'GitLabOidcWatch';

export interface OidcWatchStackProps extends StackProps {
  readonly synthConfig: SynthConfig;
  /** Organization mode: also receive events forwarded by this organization's accounts on a central bus. */
  readonly organizationId?: string;
}

/**
 * The deployed service, in the account that owns the production roles (or the account whose bus they forward to),
 * once per region whose STS endpoint pipelines call. Environment-agnostic: `cdk synth` needs no credentials and
 * looks nothing up.
 *
 *   CloudTrail → default bus → WebIdentityRule → Correlator (Lambda) → AlertTopic (email, Slack)
 *                                   │ DLQ             │ failure queue    → DecisionLog (S3) ← Athena (Glue tables)
 *                                   ▼                 ▼                  → IdempotencyTable (DynamoDB)
 *                              Alarms → OperationsTopic (email)        Reconcile (daily, off by default)
 */
export class OidcWatchStack extends Stack {
  public readonly alertTopic: EncryptedTopic;
  public readonly operationsTopic: EncryptedTopic;
  public readonly decisionLog: DecisionLogBucket;
  public readonly idempotencyTable: IdempotencyTable;
  public readonly gitLabTokens: GitLabTokenSecrets;
  public readonly correlator: CorrelatorFunction;
  public readonly webIdentityRule: WebIdentityRule;
  public readonly organizationBus: OrganizationEventBus | undefined;
  public readonly organizationRule: WebIdentityRule | undefined;
  public readonly reconcile: ReconcileFunction;
  /** The daily trust-policy audit: only when `audit.schedule.enabled` (issue 10). */
  public readonly audit: AuditFunction | undefined;
  public readonly athena: AthenaTables | undefined;
  public readonly alarms: OperationsAlarms;
  public readonly forwardedAlarms: ForwardedAlarms | undefined;
  public readonly slackChannel: SlackChannel | undefined;
  public readonly dashboard: OperationsDashboard | undefined;
  public readonly forwarderStackSet: ForwarderStackSet | undefined;
  public readonly network: ServiceNetwork | undefined;

  public constructor(scope: Construct, id: string, props: OidcWatchStackProps) {
    super(scope, id, {
      description:
        'gitlab-oidc-watch: judges every AssumeRoleWithWebIdentity by GitLab CI against policy, alerts on breaches',
      ...props,
    });
    const { config, deployment, logRetentionDays } = props.synthConfig;

    const notificationDeadLetters = new DeadLetterQueue(this, 'NotificationDeadLetterQueue', {
      purpose: 'Alert and operations notifications SNS could not deliver to a subscriber.',
    });
    this.alertTopic = new EncryptedTopic(this, 'AlertTopic', {
      displayName: 'GitLab OIDC watch alerts',
      emails: deployment.alertEmails,
      deliveryDeadLetterQueue: notificationDeadLetters,
    });
    this.operationsTopic = new EncryptedTopic(this, 'OperationsTopic', {
      displayName: 'GitLab OIDC watch operations',
      emails: deployment.operationsEmails,
      deliveryDeadLetterQueue: notificationDeadLetters,
      allowCloudWatchAlarms: true,
      // Forwarded alarms of member accounts arrive through the organization bus (EventBridge -> SNS).
      allowEventBridge: props.organizationId !== undefined,
    });

    this.decisionLog = new DecisionLogBucket(this, 'DecisionLog', {
      retentionDays: deployment.decisionLogRetentionDays,
    });
    this.idempotencyTable = new IdempotencyTable(this, 'IdempotencyTable');
    this.gitLabTokens = new GitLabTokenSecrets(this, 'GitLabTokens', {
      trustedIssuers: config.trustedIssuers,
    });

    // ---- Adoption (issue 11): functions in a VPC with fixed egress IPs, for a GitLab behind a firewall. ----
    this.network = deployment.vpc.enabled
      ? new ServiceNetwork(this, 'Network', { vpc: deployment.vpc, logRetentionDays })
      : undefined;
    if (this.network) {
      new CfnOutput(this, 'EgressIps', {
        description: 'Allow these source addresses on the GitLab side (firewall, IP allowlist)',
        value: this.network.egressIps,
      });
    }

    // What both judging functions (live and reconcile) are given: the same config, topics, log, table and secrets.
    const service = {
      network: this.network,
      config,
      deployment,
      logRetentionDays,
      alertTopic: this.alertTopic,
      decisionLog: this.decisionLog,
      idempotencyTable: this.idempotencyTable,
      gitLabTokens: this.gitLabTokens,
    };
    this.correlator = new CorrelatorFunction(this, 'Correlator', service);
    this.webIdentityRule = new WebIdentityRule(this, 'WebIdentityRule', { target: this.correlator.function });
    new SmokeTestRule(this, 'SmokeTestRule', {
      target: this.correlator.function,
      deadLetterQueue: this.webIdentityRule.deadLetterQueue,
    });

    if (props.organizationId !== undefined) {
      this.organizationBus = new OrganizationEventBus(this, 'OrganizationBus', {
        organizationId: props.organizationId,
      });
      this.organizationRule = new WebIdentityRule(this, 'OrganizationWebIdentityRule', {
        target: this.correlator.function,
        eventBus: this.organizationBus.bus,
      });
      new SmokeTestRule(this, 'OrganizationSmokeTestRule', {
        target: this.correlator.function,
        eventBus: this.organizationBus.bus,
        deadLetterQueue: this.organizationRule.deadLetterQueue,
      });
      const stackSet = deployment.organization?.forwarderStackSet;
      this.forwarderStackSet =
        stackSet === undefined
          ? undefined
          : new ForwarderStackSet(this, 'ForwarderStackSet', {
              settings: stackSet,
              centralBusArn: this.organizationBus.bus.eventBusArn,
              context: this.node.getAllContext(),
            });
      new CfnOutput(this, 'OrganizationBusArn', {
        description: `Central bus: deploy ${FORWARDER_STACK_ID} in member accounts/regions with -c forwardToBusArn=<this>`,
        value: this.organizationBus.bus.eventBusArn,
      });
    }

    // Daily reconciliation of what the live path missed: always deployed, its schedule DISABLED unless
    // deployment.reconcile.enabled, so turning it on is a config change, not new infrastructure.
    this.reconcile = new ReconcileFunction(this, 'Reconcile', {
      ...service,
      alarmTopic: this.operationsTopic.topic,
    });

    // Daily trust-policy audit (issue 10): created only when audit.schedule.enabled, so the default stack (and its
    // IAM read permissions) stays as it was.
    this.audit = config.audit.schedule.enabled
      ? new AuditFunction(this, 'Audit', {
          config,
          deployment,
          logRetentionDays,
          alertTopic: this.alertTopic,
          decisionLog: this.decisionLog,
          gitLabTokens: this.gitLabTokens,
          alarmTopic: this.operationsTopic.topic,
        })
      : undefined;

    // Athena over CloudTrail history and the decision log, when deployment.athena names the trail bucket.
    this.athena =
      deployment.athena === undefined
        ? undefined
        : new AthenaTables(this, 'Athena', {
            athena: deployment.athena,
            config,
            decisionLog: { bucket: this.decisionLog.bucket, prefix: this.decisionLog.prefix },
            accessLogsBucket: this.decisionLog.accessLogsBucket,
          });

    const deadLetterQueues = {
      RuleDeadLetterQueue: this.webIdentityRule.deadLetterQueue,
      ...(this.organizationRule
        ? { OrganizationRuleDeadLetterQueue: this.organizationRule.deadLetterQueue }
        : {}),
      CorrelatorFailureQueue: this.correlator.failureQueue,
      ReconcileFailureQueue: this.reconcile.failureQueue,
      ...(this.audit ? { AuditFailureQueue: this.audit.failureQueue } : {}),
      NotificationDeadLetterQueue: notificationDeadLetters,
    };
    this.alarms = new OperationsAlarms(this, 'Alarms', {
      topic: this.operationsTopic.topic,
      correlator: this.correlator.function,
      deadLetterQueues,
      securityHubExport: deployment.securityHub.enabled,
      unverifiedRatePercent: deployment.alarms.unverifiedRatePercent,
    });
    if (this.organizationBus !== undefined) {
      // The forwarder stacks' own alarms (their dead-letter queues) arrive on the central bus: to the operations topic.
      this.forwardedAlarms = new ForwardedAlarms(this, 'ForwardedAlarms', {
        bus: this.organizationBus.bus,
        topic: this.operationsTopic,
        alarmNamePrefix: `${FORWARDER_STACK_ID}-`,
        deadLetterQueue: notificationDeadLetters,
      });
    }

    // ---- Adoption (issue 11): the dashboard, switched by deployment.dashboard.enabled. ----
    this.dashboard = deployment.dashboard.enabled
      ? new OperationsDashboard(this, 'Dashboard', {
          correlator: this.correlator.function,
          deadLetterQueues,
          securityHub: deployment.securityHub.enabled,
        })
      : undefined;
    if (this.dashboard) {
      new CfnOutput(this, 'DashboardName', {
        description: 'CloudWatch dashboard: verdicts by role, GitLab latency and failures, dead letters',
        value: this.dashboard.dashboard.dashboardName,
      });
    }

    this.slackChannel =
      deployment.slack === undefined
        ? undefined
        : new SlackChannel(this, 'Slack', {
            workspaceId: deployment.slack.workspaceId,
            channelId: deployment.slack.channelId,
            topics: [this.alertTopic.topic],
          });

    new CfnOutput(this, 'AlertTopicArn', {
      description: 'Subscribe alert consumers here (email, Chatbot, SQS)',
      value: this.alertTopic.topic.topicArn,
    });
    new CfnOutput(this, 'OperationsTopicArn', {
      description: 'Alarms: dead letters, function errors and throttles, unverified verdicts',
      value: this.operationsTopic.topic.topicArn,
    });
    if (this.athena) {
      new CfnOutput(this, 'AthenaWorkGroup', {
        description: 'Run hunts here: oidc-watch hunt --source athena --workgroup <this>',
        value: this.athena.workGroupName,
      });
      new CfnOutput(this, 'HuntPolicyArn', {
        description: "Attach to the analysts' role to run hunts and the saved queries",
        value: this.athena.huntPolicy.managedPolicyArn,
      });
    }
    new CfnOutput(this, 'DecisionLogBucketName', {
      description: `Every verdict, as JSON under ${this.decisionLog.prefix}dt=YYYY-MM-DD/`,
      value: this.decisionLog.bucket.bucketName,
    });
  }
}

/**
 * Organization mode from the config (deployment.organization.organizationId) or from `-c organizationId=`; both may
 * be given only if they agree, so a command-line value can never silently point the bus at another organization.
 */
export function resolveOrganizationId(
  synthConfig: SynthConfig,
  organization: OrganizationOptions,
): string | undefined {
  const fromConfig = synthConfig.deployment.organization?.organizationId;
  const fromContext = organization.organizationId;
  if (fromConfig !== undefined && fromContext !== undefined && fromConfig !== fromContext) {
    throw new ConfigError(
      `${synthConfig.path}: deployment.organization.organizationId is ${fromConfig} but -c organizationId=${fromContext}; ` +
        'give one, or the same value in both',
      'deployment.organization.organizationId',
    );
  }
  return fromConfig ?? fromContext;
}

/**
 * The app as `cdk synth` builds it: the service stack (and, with `forwardToBusArn`, the forwarder stack for member
 * accounts and regions), with cdk-nag's AwsSolutions and Serverless packs as validation plugins: any unacknowledged
 * finding fails synthesis. Tests build the app through this same function.
 */
export function addOidcWatchStack(
  app: App,
  synthConfig: SynthConfig,
  organization: OrganizationOptions = {},
  props: StackProps = {},
): OidcWatchStack {
  const stack = new OidcWatchStack(app, STACK_ID, {
    ...props,
    synthConfig,
    organizationId: resolveOrganizationId(synthConfig, organization),
  });
  if (organization.forwardToBusArn !== undefined) {
    new WebIdentityForwarderStack(app, FORWARDER_STACK_ID, { centralBusArn: organization.forwardToBusArn });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stack;
}
