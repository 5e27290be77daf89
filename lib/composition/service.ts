/**
 * The deployed service as both Lambdas (correlator and reconcile) use it: the idempotent alert publisher, the decision
 * log, metrics, and GitLab directories whose tokens come from the stack's secrets and whose lookups stay inside the
 * function's GitLab budget. One place, so that both paths alert, record and judge identically.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { IdempotentPublisher } from '../adapters/idempotent-publisher';
import { createServiceMetrics, type ServiceMetrics } from '../adapters/metrics';
import { createSecretReader } from '../adapters/secrets';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import type { DecisionLog } from '../core/ports';
import { type CountingDirectory, gitLabDirectory, resolveIssuerTokens } from './engine';
import { decisionLog, idempotentAlerts } from './publishers';
import type { ServiceSettings } from './settings';

export interface ServiceClients {
  readonly sns: SNSClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly secrets: SecretsManagerClient;
}

export interface ServiceDeps {
  readonly config: Config;
  readonly settings: ServiceSettings;
  readonly clients: ServiceClients;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The function's environment, for `{env: NAME}` token sources. */
  readonly env: NodeJS.ProcessEnv;
}

export interface Service {
  readonly alerts: IdempotentPublisher;
  readonly decisions: DecisionLog;
  readonly metrics: ServiceMetrics;
  /**
   * A GitLab directory with tokens read now (the secret reader caches each secret for five minutes, so a rotated
   * token is picked up) and a per-directory lookup cache: callers choose its life (one event, one run).
   */
  gitlab(logger: Logger): Promise<CountingDirectory>;
}

export function createService(deps: ServiceDeps): Service {
  const { config, settings, clients, logger } = deps;
  const readSecret = createSecretReader(clients.secrets);
  return {
    alerts: idempotentAlerts(clients.sns, settings.alertTopicArn, {
      client: clients.dynamodb,
      tableName: settings.idempotencyTable,
      logger,
    }),
    decisions: decisionLog(clients.s3, settings),
    metrics: createServiceMetrics(deps.metrics),
    async gitlab(log) {
      const tokens = await resolveIssuerTokens(config, {
        env: deps.env,
        readSecret,
        secretOverrides: settings.gitLabTokenSecrets,
      });
      // Each lookup's deadline (retries included) stays inside the budget the stack derived from the function timeout.
      return gitLabDirectory(config, tokens, {
        logger: log,
        cache: true,
        lookupBudgetMs: settings.gitLabLookupBudgetMs,
      });
    },
  };
}
