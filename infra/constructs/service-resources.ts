import { Stack } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Deployment } from '../../lib/core/config';
import { gitLabLookupBudgetMs } from '../config';
import type { DecisionLogBucket } from './decision-log-bucket';
import type { EncryptedTopic } from './encrypted-topic';
import type { GitLabTokenSecrets } from './gitlab-token-secrets';
import type { IdempotencyTable } from './idempotency-table';

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
  };
}

/** Publish alerts, write verdicts under the prefix, keep idempotency records, read the GitLab token secrets. */
export function grantServiceAccess(grantee: IGrantable, resources: ServiceResources): void {
  resources.alertTopic.grantPublish(grantee);
  resources.decisionLog.grantWriteVerdicts(grantee);
  resources.idempotencyTable.grantIdempotencyRecords(grantee);
  resources.gitLabTokens.grantRead(grantee);
}
