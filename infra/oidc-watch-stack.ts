import { type App, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { Config, Deployment } from '../lib/core/config';
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
import type { ServiceResources } from './constructs/service-resources';
import { SlackChannel } from './constructs/slack-channel';
import { SmokeTestRule } from './constructs/smoke-test-rule';
import { FORWARDER_STACK_ID, WebIdentityForwarderStack } from './constructs/web-identity-forwarder-stack';
import { WebIdentityRule } from './constructs/web-identity-rule';

export const STACK_ID = 'GitLabOidcWatch';

/** What both judging functions (live and reconcile) are given: the same config, topics, log, table and secrets. */
type JudgingService = ServiceResources & Pick<SynthConfig, 'config' | 'deployment' | 'logRetentionDays'>;

/** The queues whose messages mean lost work, by the name their alarm and dashboard widget carry. */
type DeadLetterQueues = Readonly<Record<string, IQueue>>;

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
    ({ alertTopic: this.alertTopic, operationsTopic: this.operationsTopic } = this.createTopics(
      deployment,
      notificationDeadLetters,
      props.organizationId !== undefined,
    ));
    ({
      decisionLog: this.decisionLog,
      idempotencyTable: this.idempotencyTable,
      gitLabTokens: this.gitLabTokens,
    } = this.createStorage(config, deployment));
    this.network = this.createNetwork(deployment, logRetentionDays);

    const service: JudgingService = {
      network: this.network,
      config,
      deployment,
      logRetentionDays,
      alertTopic: this.alertTopic,
      decisionLog: this.decisionLog,
      idempotencyTable: this.idempotencyTable,
      gitLabTokens: this.gitLabTokens,
    };
    ({ correlator: this.correlator, webIdentityRule: this.webIdentityRule } = this.createCorrelator(service));
    if (props.organizationId !== undefined) {
      ({
        organizationBus: this.organizationBus,
        organizationRule: this.organizationRule,
        forwarderStackSet: this.forwarderStackSet,
      } = this.createOrganization(props.organizationId, deployment));
    }
    ({ reconcile: this.reconcile, audit: this.audit } = this.createScheduledFunctions(service));
    this.athena = this.createAthena(config, deployment);

    const deadLetterQueues = this.deadLetterQueues(notificationDeadLetters);
    ({ alarms: this.alarms, forwardedAlarms: this.forwardedAlarms } = this.createAlarms(
      deployment,
      deadLetterQueues,
      notificationDeadLetters,
    ));
    this.dashboard = this.createDashboard(deployment, deadLetterQueues);
    this.slackChannel = this.createSlackChannel(deployment);
    this.addOutputs();
  }

  /** The alert topic (email, Slack) and the operations topic (alarms), both dead-lettering to one queue. */
  private createTopics(
    deployment: Deployment,
    notificationDeadLetters: DeadLetterQueue,
    organizationMode: boolean,
  ): { alertTopic: EncryptedTopic; operationsTopic: EncryptedTopic } {
    const alertTopic = new EncryptedTopic(this, 'AlertTopic', {
      displayName: 'GitLab OIDC watch alerts',
      emails: deployment.alertEmails,
      deliveryDeadLetterQueue: notificationDeadLetters,
    });
    const operationsTopic = new EncryptedTopic(this, 'OperationsTopic', {
      displayName: 'GitLab OIDC watch operations',
      emails: deployment.operationsEmails,
      deliveryDeadLetterQueue: notificationDeadLetters,
      allowCloudWatchAlarms: true,
      // Forwarded alarms of member accounts arrive through the organization bus (EventBridge -> SNS).
      allowEventBridge: organizationMode,
    });
    return { alertTopic, operationsTopic };
  }

  /** The decision log (S3), the idempotency table (DynamoDB) and the GitLab token secrets. */
  private createStorage(
    config: Config,
    deployment: Deployment,
  ): {
    decisionLog: DecisionLogBucket;
    idempotencyTable: IdempotencyTable;
    gitLabTokens: GitLabTokenSecrets;
  } {
    const decisionLog = new DecisionLogBucket(this, 'DecisionLog', {
      retentionDays: deployment.decisionLogRetentionDays,
    });
    const idempotencyTable = new IdempotencyTable(this, 'IdempotencyTable');
    const gitLabTokens = new GitLabTokenSecrets(this, 'GitLabTokens', {
      trustedIssuers: config.trustedIssuers,
    });
    return { decisionLog, idempotencyTable, gitLabTokens };
  }

  /** Adoption (issue 11): functions in a VPC with fixed egress IPs, for a GitLab behind a firewall. */
  private createNetwork(
    deployment: Deployment,
    logRetentionDays: SynthConfig['logRetentionDays'],
  ): ServiceNetwork | undefined {
    const network = deployment.vpc.enabled
      ? new ServiceNetwork(this, 'Network', { vpc: deployment.vpc, logRetentionDays })
      : undefined;
    if (network) {
      new CfnOutput(this, 'EgressIps', {
        description: 'Allow these source addresses on the GitLab side (firewall, IP allowlist)',
        value: network.egressIps,
      });
    }
    return network;
  }

  /** The live path: the correlator, the rule on the default bus that feeds it, and that rule's smoke test. */
  private createCorrelator(service: JudgingService): {
    correlator: CorrelatorFunction;
    webIdentityRule: WebIdentityRule;
  } {
    const correlator = new CorrelatorFunction(this, 'Correlator', service);
    const webIdentityRule = new WebIdentityRule(this, 'WebIdentityRule', { target: correlator.function });
    new SmokeTestRule(this, 'SmokeTestRule', {
      target: correlator.function,
      deadLetterQueue: webIdentityRule.deadLetterQueue,
    });
    return { correlator, webIdentityRule };
  }

  /** Organization mode: the central bus, its rule and smoke test, and (if configured) the forwarder StackSet. */
  private createOrganization(
    organizationId: string,
    deployment: Deployment,
  ): {
    organizationBus: OrganizationEventBus;
    organizationRule: WebIdentityRule;
    forwarderStackSet: ForwarderStackSet | undefined;
  } {
    const organizationBus = new OrganizationEventBus(this, 'OrganizationBus', { organizationId });
    const organizationRule = new WebIdentityRule(this, 'OrganizationWebIdentityRule', {
      target: this.correlator.function,
      eventBus: organizationBus.bus,
    });
    new SmokeTestRule(this, 'OrganizationSmokeTestRule', {
      target: this.correlator.function,
      eventBus: organizationBus.bus,
      deadLetterQueue: organizationRule.deadLetterQueue,
    });
    const stackSet = deployment.organization?.forwarderStackSet;
    const forwarderStackSet =
      stackSet === undefined
        ? undefined
        : new ForwarderStackSet(this, 'ForwarderStackSet', {
            settings: stackSet,
            centralBusArn: organizationBus.bus.eventBusArn,
            context: this.node.getAllContext(),
          });
    new CfnOutput(this, 'OrganizationBusArn', {
      description: `Central bus: deploy ${FORWARDER_STACK_ID} in member accounts/regions with -c forwardToBusArn=<this>`,
      value: organizationBus.bus.eventBusArn,
    });
    return { organizationBus, organizationRule, forwarderStackSet };
  }

  /** The daily functions: reconcile (always deployed) and the trust-policy audit (only when scheduled). */
  private createScheduledFunctions(service: JudgingService): {
    reconcile: ReconcileFunction;
    audit: AuditFunction | undefined;
  } {
    const { config, deployment, logRetentionDays } = service;
    // Daily reconciliation of what the live path missed: always deployed, its schedule DISABLED unless
    // deployment.reconcile.enabled, so turning it on is a config change, not new infrastructure.
    const reconcile = new ReconcileFunction(this, 'Reconcile', {
      ...service,
      alarmTopic: this.operationsTopic.topic,
    });

    // Daily trust-policy audit (issue 10): created only when audit.schedule.enabled, so the default stack (and its
    // IAM read permissions) stays as it was.
    const audit = config.audit.schedule.enabled
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
    return { reconcile, audit };
  }

  /** Athena over CloudTrail history and the decision log, when deployment.athena names the trail bucket. */
  private createAthena(config: Config, deployment: Deployment): AthenaTables | undefined {
    return deployment.athena === undefined
      ? undefined
      : new AthenaTables(this, 'Athena', {
          athena: deployment.athena,
          config,
          decisionLog: { bucket: this.decisionLog.bucket, prefix: this.decisionLog.prefix },
          accessLogsBucket: this.decisionLog.accessLogsBucket,
        });
  }

  /** Every queue whose messages mean lost work, by the name its alarm and dashboard widget carry. */
  private deadLetterQueues(notificationDeadLetters: DeadLetterQueue): DeadLetterQueues {
    return {
      RuleDeadLetterQueue: this.webIdentityRule.deadLetterQueue,
      ...(this.organizationRule
        ? { OrganizationRuleDeadLetterQueue: this.organizationRule.deadLetterQueue }
        : {}),
      CorrelatorFailureQueue: this.correlator.failureQueue,
      ReconcileFailureQueue: this.reconcile.failureQueue,
      ...(this.audit ? { AuditFailureQueue: this.audit.failureQueue } : {}),
      NotificationDeadLetterQueue: notificationDeadLetters,
    };
  }

  /** The alarms to the operations topic, and (organization mode) the forwarder stacks' alarms from the bus. */
  private createAlarms(
    deployment: Deployment,
    deadLetterQueues: DeadLetterQueues,
    notificationDeadLetters: DeadLetterQueue,
  ): { alarms: OperationsAlarms; forwardedAlarms: ForwardedAlarms | undefined } {
    const alarms = new OperationsAlarms(this, 'Alarms', {
      topic: this.operationsTopic.topic,
      correlator: this.correlator.function,
      deadLetterQueues,
      securityHubExport: deployment.securityHub.enabled,
      unverifiedRatePercent: deployment.alarms.unverifiedRatePercent,
    });
    // The forwarder stacks' own alarms (their dead-letter queues) arrive on the central bus: to the operations topic.
    const forwardedAlarms =
      this.organizationBus === undefined
        ? undefined
        : new ForwardedAlarms(this, 'ForwardedAlarms', {
            bus: this.organizationBus.bus,
            topic: this.operationsTopic,
            alarmNamePrefix: `${FORWARDER_STACK_ID}-`,
            deadLetterQueue: notificationDeadLetters,
          });
    return { alarms, forwardedAlarms };
  }

  /** Adoption (issue 11): the dashboard, switched by deployment.dashboard.enabled. */
  private createDashboard(
    deployment: Deployment,
    deadLetterQueues: DeadLetterQueues,
  ): OperationsDashboard | undefined {
    const dashboard = deployment.dashboard.enabled
      ? new OperationsDashboard(this, 'Dashboard', {
          correlator: this.correlator.function,
          deadLetterQueues,
          securityHub: deployment.securityHub.enabled,
        })
      : undefined;
    if (dashboard) {
      new CfnOutput(this, 'DashboardName', {
        description: 'CloudWatch dashboard: verdicts by role, GitLab latency and failures, dead letters',
        value: dashboard.dashboard.dashboardName,
      });
    }
    return dashboard;
  }

  private createSlackChannel(deployment: Deployment): SlackChannel | undefined {
    return deployment.slack === undefined
      ? undefined
      : new SlackChannel(this, 'Slack', {
          workspaceId: deployment.slack.workspaceId,
          channelId: deployment.slack.channelId,
          topics: [this.alertTopic.topic],
        });
  }

  /** The outputs operators need after deploying: topics, Athena workgroup and hunt policy, decision log bucket. */
  private addOutputs(): void {
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
