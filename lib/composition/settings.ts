/**
 * The deployed service's settings: the environment contract both Lambdas (correlator and reconcile) share, read once
 * at init. Names match infra/constructs (the stack sets them on both functions).
 */
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales (~260 KiB) out of the Lambda bundle.
import * as z from 'zod';
import { type Env, intEnv, jsonEnv, optionalEnv, requireEnv } from './env';

export interface ServiceSettings {
  readonly alertTopicArn: string;
  readonly decisionLogBucket: string;
  /** Ends in `/` (or is empty). */
  readonly decisionLogPrefix: string;
  readonly idempotencyTable: string;
  /** Trusted issuer URL -> Secrets Manager SecretId (ARN or name) holding its read_api token. */
  readonly gitLabTokenSecrets: Readonly<Record<string, string>>;
  /** Upper bound for each GitLab lookup, retries included; kept well inside the function timeout by the stack. */
  readonly gitLabLookupBudgetMs: number;
  readonly logLevel: string;
  /** Security Hub's default product ARN of this account and region, when deployment.securityHub is enabled. */
  readonly securityHubProductArn?: string | undefined;
  /**
   * Issuers whose secret the stack generated with a placeholder (GITLAB_TOKEN_GENERATED): until the operator stores a
   * token, their verdicts say that the token is not set (lib/core/self-check.ts isPlaceholderToken).
   */
  readonly gitLabGeneratedTokenIssuers: readonly string[];
}

const TokenSecrets = z.record(z.string().url(), z.string().min(1));

export const SERVICE_ENV = {
  alertTopicArn: 'ALERT_TOPIC_ARN',
  decisionLogBucket: 'DECISION_LOG_BUCKET',
  decisionLogPrefix: 'DECISION_LOG_PREFIX',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  gitLabTokenSecrets: 'GITLAB_TOKEN_SECRETS',
  gitLabLookupBudgetMs: 'GITLAB_LOOKUP_BUDGET_MS',
  logLevel: 'LOG_LEVEL',
  securityHubProductArn: 'SECURITY_HUB_PRODUCT_ARN',
  gitLabGeneratedTokenIssuers: 'GITLAB_TOKEN_GENERATED',
} as const;

const GeneratedIssuers = z.array(z.string().url());

/** A decision-log key prefix as S3 keys want it: empty, or ending in `/`. */
export function normalizePrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

export function readServiceSettings(env: Env = process.env): ServiceSettings {
  return {
    alertTopicArn: requireEnv(SERVICE_ENV.alertTopicArn, env),
    decisionLogBucket: requireEnv(SERVICE_ENV.decisionLogBucket, env),
    decisionLogPrefix: normalizePrefix(optionalEnv(SERVICE_ENV.decisionLogPrefix, env) ?? ''),
    idempotencyTable: requireEnv(SERVICE_ENV.idempotencyTable, env),
    gitLabTokenSecrets: jsonEnv(SERVICE_ENV.gitLabTokenSecrets, TokenSecrets, env),
    gitLabLookupBudgetMs: intEnv(SERVICE_ENV.gitLabLookupBudgetMs, { min: 100, max: 900_000 }, env),
    logLevel: optionalEnv(SERVICE_ENV.logLevel, env) ?? 'info',
    securityHubProductArn: optionalEnv(SERVICE_ENV.securityHubProductArn, env),
    gitLabGeneratedTokenIssuers:
      optionalEnv(SERVICE_ENV.gitLabGeneratedTokenIssuers, env) === undefined
        ? []
        : jsonEnv(SERVICE_ENV.gitLabGeneratedTokenIssuers, GeneratedIssuers, env),
  };
}
