/**
 * The wiring the correlator and the reconcile function share: the idempotent alert publisher, the decision log,
 * metrics, and GitLab directories whose tokens come from the stack's secrets and whose lookups stay inside the
 * function's GitLab budget. One place, so that both paths alert, record and judge identically.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';
import { createGitLabDirectory } from '../../lib/adapters/gitlab';
import { resolveGitLabToken } from '../../lib/adapters/gitlab-token';
import { createIdempotentPublisher, type IdempotentPublisher } from '../../lib/adapters/idempotent-publisher';
import { createServiceMetrics, type ServiceMetrics } from '../../lib/adapters/metrics';
import { createS3DecisionLog } from '../../lib/adapters/s3-decision-log';
import { createS3SmokeLog, type SmokeLog } from '../../lib/adapters/s3-smoke-log';
import { createSecurityHubSink, withSecurityHubExport } from '../../lib/adapters/security-hub';
import { contextFromProductArn } from '../../lib/core/asff';
import { createSecretReader } from '../../lib/adapters/secrets';
import { createSnsAlertPublisher } from '../../lib/adapters/sns-alert-publisher';
import type { Config, TokenSource, TrustedIssuer } from '../../lib/core/config';
import type { GitLabDirectory, GitLabStats } from '../../lib/core/gitlab-port';
import type { Logger } from '../../lib/core/logger';
import type { DecisionLog } from '../../lib/core/ports';
import type { CorrelatorSettings } from '../correlator/settings';

export interface ServiceClients {
  readonly sns: SNSClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly secrets: SecretsManagerClient;
  /** Only when deployment.securityHub is enabled (settings.securityHubProductArn set). */
  readonly securityHub?: SecurityHubClient;
}

export interface ServiceDeps {
  readonly config: Config;
  readonly settings: CorrelatorSettings;
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
  /** Smoke-test results, under smoke/ in the decision-log bucket. */
  readonly smoke: SmokeLog;
  /**
   * A GitLab directory with tokens read now (the secret reader caches each secret for five minutes, so a rotated
   * token is picked up) and a per-directory lookup cache: callers choose its life (one event, one run).
   */
  gitlab(logger: Logger): Promise<GitLabDirectory & { stats(): GitLabStats }>;
}

/** The stack's secret (GITLAB_TOKEN_SECRETS) wins; without one, the config's own token source applies. */
export function tokenSourceFor(
  issuer: TrustedIssuer,
  secrets: Readonly<Record<string, string>>,
): TokenSource | undefined {
  const secretId = secrets[issuer.issuer];
  if (secretId === undefined) return issuer.token;
  return secretId.startsWith('arn:') ? { secretArn: secretId } : { secretName: secretId };
}

export function createService(deps: ServiceDeps): Service {
  const { config, settings, clients, logger } = deps;
  const readSecret = createSecretReader(clients.secrets);
  const metrics = createServiceMetrics(deps.metrics);
  const sns = createSnsAlertPublisher(clients.sns, settings.alertTopicArn);
  // Inside the idempotency wrapper: a duplicate delivery neither re-sends the alert nor re-imports the finding.
  const primary =
    settings.securityHubProductArn === undefined || clients.securityHub === undefined
      ? sns
      : withSecurityHubExport(sns, {
          sink: createSecurityHubSink(clients.securityHub),
          context: contextFromProductArn(settings.securityHubProductArn),
          logger,
          onFailure: () => metrics.countExportFailure(),
        });
  const alerts = createIdempotentPublisher(primary, {
    client: clients.dynamodb,
    tableName: settings.idempotencyTable,
    logger,
  });
  const decisions = createS3DecisionLog(clients.s3, {
    bucket: settings.decisionLogBucket,
    prefix: settings.decisionLogPrefix,
  });
  // Each lookup's deadline (retries included) stays inside the budget the stack derived from the function timeout.
  const issuers: TrustedIssuer[] = config.trustedIssuers.map((i) => ({
    ...i,
    lookupTimeoutMs: Math.min(i.lookupTimeoutMs, settings.gitLabLookupBudgetMs),
  }));

  return {
    alerts,
    decisions,
    metrics,
    smoke: createS3SmokeLog(clients.s3, settings.decisionLogBucket),
    async gitlab(log) {
      const tokens = new Map<string, string | undefined>();
      for (const [index, issuer] of config.trustedIssuers.entries()) {
        tokens.set(
          issuer.issuer,
          await resolveGitLabToken(tokenSourceFor(issuer, settings.gitLabTokenSecrets), {
            env: deps.env,
            readSecret,
            key: `trustedIssuers[${index}].token`,
          }),
        );
      }
      return createGitLabDirectory(issuers, tokens, { logger: log, cache: true });
    },
  };
}
