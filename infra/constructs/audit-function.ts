import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Config, Deployment } from '../../lib/core/config';
import { gitLabLookupBudgetMs, type LogRetentionDays } from '../config';
import { DeadLetterQueue } from './dead-letter-queue';
import { addErrorsAlarm } from './errors-alarm';
import type { DecisionLogBucket } from './decision-log-bucket';
import type { EncryptedTopic } from './encrypted-topic';
import type { GitLabTokenSecrets } from './gitlab-token-secrets';
import { HouseFunction } from './house-function';
import { securityHubProductArn } from './service-resources';

/** The Lambda entry point (functions/audit/handler.ts, exporting `handler`). */
export const AUDIT_ENTRY = path.join(__dirname, '..', '..', 'functions', 'audit', 'handler.ts');
/** Reports under `audit/reports/dt=YYYY-MM-DD/`, the last published findings under `audit/state/`. */
export const AUDIT_PREFIX = 'audit/';
/** Listing the roles of many accounts, and a GitLab lookup per named project, fit well inside this. */
export const AUDIT_TIMEOUT = Duration.minutes(10);

export interface AuditFunctionProps {
  readonly config: Config;
  readonly deployment: Deployment;
  readonly logRetentionDays: LogRetentionDays;
  readonly alertTopic: EncryptedTopic;
  readonly decisionLog: DecisionLogBucket;
  readonly gitLabTokens: GitLabTokenSecrets;
  readonly alarmTopic: ITopic;
}

/**
 * The optional daily trust-policy audit (config `audit.schedule.enabled`, off by default: without it this construct
 * is not created). Read-only IAM (ListRoles), sts:AssumeRole into the configured member role of each audited account
 * (and Organizations ListAccounts when `audit.organizationAccounts`), the alert topic for new or changed findings,
 * and the `audit/` prefix of the decision-log bucket for reports and state; with deployment.securityHub, also
 * securityhub:BatchImportFindings on this account's default product.
 */
export class AuditFunction extends Construct {
  public readonly function: HouseFunction;
  public readonly rule: Rule;
  public readonly failureQueue: DeadLetterQueue;
  public readonly errorsAlarm: Alarm;

  public constructor(scope: Construct, id: string, props: AuditFunctionProps) {
    super(scope, id);
    const { config, deployment } = props;
    this.failureQueue = new DeadLetterQueue(this, 'FailureQueue', {
      purpose:
        'Audit runs that EventBridge could not deliver or that failed; the next scheduled run audits everything again.',
    });
    this.function = new HouseFunction(this, 'Function', {
      description:
        'Daily: audits the trust policies GitLab OIDC providers can use; publishes new or changed findings',
      entry: AUDIT_ENTRY,
      config,
      timeout: AUDIT_TIMEOUT,
      logRetentionDays: props.logRetentionDays,
      environment: {
        ALERT_TOPIC_ARN: props.alertTopic.topic.topicArn,
        AUDIT_BUCKET: props.decisionLog.bucket.bucketName,
        AUDIT_PREFIX,
        GITLAB_TOKEN_SECRETS: Stack.of(this).toJsonString(props.gitLabTokens.secretIdsByIssuer()),
        GITLAB_LOOKUP_BUDGET_MS: String(gitLabLookupBudgetMs(deployment)),
        ...(deployment.securityHub.enabled ? { SECURITY_HUB_PRODUCT_ARN: securityHubProductArn() } : {}),
      },
    });
    // A failed run is not retried (it re-reads every account; tomorrow's run does the same): it alarms instead.
    this.function.configureAsyncInvoke({
      retryAttempts: 0,
      onFailure: new SqsDestination(this.failureQueue),
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to an SQS on-failure destination (FailureQueue), which keeps the error with the event.',
    });

    // See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
    this.rule = new Rule(this, 'Schedule', {
      description: 'Daily audit of the IAM trust policies GitLab OIDC providers can use',
      schedule: Schedule.expression(config.audit.schedule.expression),
      targets: [
        new LambdaFunction(this.function, {
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.failureQueue,
        }),
      ],
    });

    this.grantReadOnlyIam(config);
    this.grantStore(props.decisionLog);
    props.alertTopic.grantPublish(this.function);
    props.gitLabTokens.grantRead(this.function);
    if (deployment.securityHub.enabled) this.grantSecurityHubImport();

    this.errorsAlarm = this.errorsAlarmTo(props.alarmTopic);
  }

  /** A failed run (or one that could not read some accounts) notifies the operations topic, and again when it clears. */
  private errorsAlarmTo(topic: ITopic): Alarm {
    return addErrorsAlarm(this, {
      function: this.function,
      topic,
      name: 'audit-errors',
      description:
        'The trust-policy audit failed or could not read some accounts: its log names them. Findings of the accounts it read were still published.',
    });
  }

  /**
   * iam:ListRoles and organizations:ListAccounts support no resource-level permissions (Resource must be `*`); each
   * lives in its own policy so that its acknowledgment covers that statement only. AssumeRole is limited to the
   * member role name in the configured accounts (any account of the organization when it lists them itself).
   * See: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
   * See: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
   */
  private grantReadOnlyIam(config: Config): void {
    const listRoles = new Policy(this, 'ListRolesPolicy', {
      statements: [new PolicyStatement({ actions: ['iam:ListRoles'], resources: ['*'] })],
    });
    this.function.role?.attachInlinePolicy(listRoles);
    Validations.of(listRoles).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'iam:ListRoles supports no resource-level permissions (Resource must be *); it only reads role names and trust policies.',
    });
    const audit = config.audit;
    if (audit.organizationAccounts) {
      const listAccounts = new Policy(this, 'ListAccountsPolicy', {
        statements: [new PolicyStatement({ actions: ['organizations:ListAccounts'], resources: ['*'] })],
      });
      this.function.role?.attachInlinePolicy(listAccounts);
      Validations.of(listAccounts).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'organizations:ListAccounts supports no resource-level permissions; it lists the accounts to audit, read-only.',
      });
    }
    if (audit.memberRoleName === undefined) return;
    const partition = Stack.of(this).partition;
    const resources = audit.organizationAccounts
      ? [`arn:${partition}:iam::*:role/${audit.memberRoleName}`]
      : audit.accounts.map((a) => `arn:${partition}:iam::${a}:role/${audit.memberRoleName}`);
    const assume = new Policy(this, 'AssumeMemberRolePolicy', {
      statements: [new PolicyStatement({ actions: ['sts:AssumeRole'], resources })],
    });
    this.function.role?.attachInlinePolicy(assume);
    if (audit.organizationAccounts) {
      Validations.of(assume).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${audit.memberRoleName}]`,
        reason:
          'The accounts come from Organizations at run time; the grant is limited to the one read-only audit role name, whose trust policy in each member account decides.',
      });
    }
  }

  /**
   * deployment.securityHub: import the audit's findings, like the correlator's grant (service-resources.ts) limited
   * to this account's default product, i.e. only findings about this account.
   */
  private grantSecurityHubImport(): void {
    const importFindings = new Policy(this, 'SecurityHubImportPolicy', {
      statements: [
        new PolicyStatement({
          actions: ['securityhub:BatchImportFindings'],
          resources: [securityHubProductArn()],
        }),
      ],
    });
    this.function.role?.attachInlinePolicy(importFindings);
  }

  /** Reports and state under the audit prefix: write both, read the state (ListBucket to tell 404 from 403). */
  private grantStore(decisionLog: DecisionLogBucket): void {
    const bucket = decisionLog.bucket;
    const store = new Policy(this, 'StorePolicy', {
      statements: [
        new PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`${AUDIT_PREFIX}*`)],
        }),
        new PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [bucket.arnForObjects(`${AUDIT_PREFIX}state/*`)],
        }),
        new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      ],
    });
    this.function.role?.attachInlinePolicy(store);
    const cfnBucket = bucket.node.defaultChild;
    if (!(cfnBucket instanceof CfnBucket))
      throw new TypeError('s3.Bucket no longer has a CfnBucket as default child');
    const stack = Stack.of(this);
    const logicalId: unknown = stack.resolve(stack.getLogicalId(cfnBucket));
    Validations.of(store).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${String(logicalId)}.Arn>/${AUDIT_PREFIX}*]`,
        reason:
          'Report objects under the audit/ prefix only; one object per run, named by the run time, so the key is not known in advance.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${String(logicalId)}.Arn>/${AUDIT_PREFIX}state/*]`,
        reason:
          'The state of the last published findings, read back each run under audit/state/ only (one object).',
      },
    );
  }
}
