/**
 * The deployed service as both Lambdas (correlator and reconcile) use it: the idempotent alert publisher, the decision
 * log, metrics, and GitLab directories whose tokens come from the stack's secrets and whose lookups stay inside the
 * function's GitLab budget. One place, so that both paths alert, record and judge identically.
 */
import { GitLabCaches } from '../adapters/gitlab/per-token';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { IdempotentPublisher } from '../adapters/idempotent-publisher';
import { createServiceMetrics, type ServiceMetrics } from '../adapters/metrics';
import type { SmokeLog } from '../adapters/s3-smoke-log';
import { createSecretReader } from '../adapters/secrets';
import type { Config } from '../core/config';
import { createEvaluator, type Evaluator } from '../core/correlate';
import type { GitLabDirectory } from '../core/gitlab-port';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { DecisionLog } from '../core/ports';
import { type CountingDirectory, gitLabDirectory, resolveIssuerTokens, type TokenOptions } from './engine';
import { isPlaceholderToken } from '../core/self-check';
import { decisionLog, idempotentAlerts, smokeLog } from './publishers';
import { runSelfCheck, tokenNotSetDetail, withTokensNotSet } from './self-check';
import type { ServiceSettings } from './settings';

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
  /** Smoke-test results, under smoke/ in the decision-log bucket (`oidc-watch smoke`). */
  readonly smoke: SmokeLog;
  /**
   * A GitLab directory with tokens read now (the secret reader caches each secret for five minutes, so a rotated
   * token is picked up). Its lookup cache is the service's, one per instance and token for the life of the container:
   * mutable facts are at most `cacheTtlSeconds` old, finished pipelines are kept until evicted (issue 12).
   */
  gitlab(logger: Logger): Promise<CountingDirectory>;
  /**
   * The set-up self-check (lib/composition/self-check.ts), run once per container: resolves to the number of failed
   * checks (each logged with what to do). Never rejects.
   */
  selfCheck(logger: Logger): Promise<number>;
}

/** Per self-check probe, at most: the check must not hold the first invocation for long. */
export const SELF_CHECK_TIMEOUT_MS = 5_000;

/** Tokens still the stack's placeholder are not sent: that issuer's verdicts say the token is not set. */
function withoutPlaceholders(
  tokens: Map<string, string | undefined>,
  settings: ServiceSettings,
): Map<string, string> {
  const notSet = new Map<string, string>();
  for (const issuer of settings.gitLabGeneratedTokenIssuers) {
    const token = tokens.get(issuer);
    if (token === undefined || !isPlaceholderToken(token)) continue;
    tokens.set(issuer, undefined);
    notSet.set(issuer, tokenNotSetDetail(issuer, settings.gitLabTokenSecrets[issuer] ?? 'its secret'));
  }
  return notSet;
}

/** The set-up self-check, its findings logged; resolves to the number of errors (a failed run counts as one). */
function selfCheckOnce(deps: ServiceDeps, tokenOptions: TokenOptions, log: Logger): Promise<number> {
  const { config, settings } = deps;
  return runSelfCheck(config, {
    ...tokenOptions,
    generatedTokenIssuers: settings.gitLabGeneratedTokenIssuers,
    timeoutMs: Math.min(SELF_CHECK_TIMEOUT_MS, settings.gitLabLookupBudgetMs),
  }).then(
    (report) => {
      for (const f of report.findings) {
        const entry = { issuer: f.issuer, code: f.code, detail: f.message };
        if (f.level === 'error')
          log.error(entry, 'self-check failed: verdicts of this issuer cannot be trusted');
        else log.warn(entry, 'self-check warning');
      }
      return report.errors;
    },
    (error: unknown) => {
      // A bug in the check must not stop judging; it counts as one failure so that the alarm sees it.
      log.error({ error: errorMessage(error) }, 'self-check did not run');
      return 1;
    },
  );
}

export function createService(deps: ServiceDeps): Service {
  const { config, settings, clients, logger } = deps;
  const readSecret = createSecretReader(clients.secrets);
  const metrics = createServiceMetrics(deps.metrics);
  const securityHub =
    settings.securityHubProductArn === undefined || clients.securityHub === undefined
      ? undefined
      : {
          client: clients.securityHub,
          productArn: settings.securityHubProductArn,
          logger,
          onFailure: () => metrics.countExportFailure(),
        };
  const tokenOptions: TokenOptions = {
    env: deps.env,
    readSecret,
    secretOverrides: settings.gitLabTokenSecrets,
  };
  let selfCheck: Promise<number> | undefined;
  // Per container: a warm container's burst of events shares GitLab's answers.
  const caches = new GitLabCaches();
  return {
    alerts: idempotentAlerts(
      clients.sns,
      settings.alertTopicArn,
      { client: clients.dynamodb, tableName: settings.idempotencyTable, logger },
      securityHub,
    ),
    decisions: decisionLog(clients.s3, settings),
    metrics,
    smoke: smokeLog(clients.s3, settings.decisionLogBucket),
    async gitlab(log) {
      const tokens = await resolveIssuerTokens(config, tokenOptions);
      const notSet = withoutPlaceholders(tokens, settings);
      // Each lookup's deadline (retries included) stays inside the budget the stack derived from the function timeout,
      // and so does a wait for the process's request budget: past it the event fails and Lambda retries it later.
      const directory = gitLabDirectory(config, tokens, {
        logger: log,
        caches,
        lookupBudgetMs: settings.gitLabLookupBudgetMs,
        budgetMaxWaitMs: settings.gitLabLookupBudgetMs,
      });
      return withTokensNotSet(directory, notSet);
    },
    selfCheck(log) {
      selfCheck ??= selfCheckOnce(deps, tokenOptions, log);
      return selfCheck;
    },
  };
}

/** A Lambda's evaluator: the service's config and clock, and the GitLab lookup budget of its settings. */
export function serviceEvaluator(
  deps: { readonly config: Config; readonly settings: ServiceSettings; readonly now?: () => Date },
  gitlab: GitLabDirectory,
): Evaluator {
  return createEvaluator({
    config: deps.config,
    gitlab,
    now: deps.now,
    // All of one assumption's GitLab rounds together stay inside the budget (issue 8: provenance asks in rounds).
    lookupBudgetMs: deps.settings.gitLabLookupBudgetMs,
  });
}
