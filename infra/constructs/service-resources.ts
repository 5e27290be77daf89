import { Aws, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Deployment } from '../../lib/core/config';
import { gitLabLookupBudgetMs } from '../config';
import type { DecisionLogBucket } from './decision-log-bucket';
import type { EncryptedTopic } from './encrypted-topic';
import type { GitLabTokenSecrets } from './gitlab-token-secrets';
import type { IdempotencyTable } from './idempotency-table';
import type { ServiceNetwork } from './service-network';

/**
 * What a function that judges and dispatches verdicts (the correlator, the reconcile function) is wired to. One
 * place for the environment contract (lib/composition/settings.ts reads it) and the grants, so both functions
 * always get the same, least-privilege access.
 */
export interface ServiceResources {
  readonly alertTopic: EncryptedTopic;
  readonly decisionLog: DecisionLogBucket;
  readonly idempotencyTable: IdempotencyTable;
  readonly gitLabTokens: GitLabTokenSecrets;
  /** deployment.vpc.enabled: the functions run in this network. */
  readonly network?: ServiceNetwork;
}

/** The environment variables lib/composition/settings.ts reads (SERVICE_ENV). */
export function serviceEnvironment(
  scope: Construct,
  resources: ServiceResources,
  deployment: Deployment,
): Record<string, string> {
  return {
    ALERT_TOPIC_ARN: resources.alertTopic.topic.topicArn,
    DECISION_LOG_BUCKET: resources.decisionLog.bucket.bucketName,
    DECISION_LOG_PREFIX: resources.decisionLog.prefix,
    IDEMPOTENCY_TABLE: resources.idempotencyTable.tableName,
    GITLAB_TOKEN_SECRETS: Stack.of(scope).toJsonString(resources.gitLabTokens.secretIdsByIssuer()),
    GITLAB_LOOKUP_BUDGET_MS: String(gitLabLookupBudgetMs(deployment)),
    GITLAB_TOKEN_GENERATED: JSON.stringify(resources.gitLabTokens.generatedIssuers()),
    ...(deployment.securityHub.enabled ? { SECURITY_HUB_PRODUCT_ARN: securityHubProductArn() } : {}),
  };
}

/**
 * Security Hub's default product for this account and region: findings imported under it must name this account
 * as AwsAccountId, which is why the service imports into the account it runs in.
 * See: https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html
 */
export function securityHubProductArn(): string {
  return `arn:${Aws.PARTITION}:securityhub:${Aws.REGION}:${Aws.ACCOUNT_ID}:product/${Aws.ACCOUNT_ID}/default`;
}

/** Publish alerts, write verdicts under the prefix, keep idempotency records, read the GitLab token secrets. */
export function grantServiceAccess(
  grantee: IGrantable,
  resources: ServiceResources,
  deployment: Deployment,
): void {
  resources.alertTopic.grantPublish(grantee);
  resources.decisionLog.grantWriteVerdicts(grantee);
  resources.idempotencyTable.grantIdempotencyRecords(grantee);
  resources.gitLabTokens.grantRead(grantee);
  if (deployment.securityHub.enabled) {
    // Resource-level: only this account's default product, i.e. only findings about this account.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['securityhub:BatchImportFindings'],
        resources: [securityHubProductArn()],
      }),
    );
  }
}
