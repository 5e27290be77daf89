/**
 * The correlator's environment, read once at init. Names match infra/constructs/correlator-function.ts.
 */
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales (~260 KiB) out of the Lambda bundle.
import * as z from 'zod';
import { intEnv, jsonEnv, optionalEnv, requireEnv, type Env } from '../shared/env';

export interface CorrelatorSettings {
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
}

const TokenSecrets = z.record(z.string().url(), z.string().min(1));

export const CORRELATOR_ENV = {
  alertTopicArn: 'ALERT_TOPIC_ARN',
  decisionLogBucket: 'DECISION_LOG_BUCKET',
  decisionLogPrefix: 'DECISION_LOG_PREFIX',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  gitLabTokenSecrets: 'GITLAB_TOKEN_SECRETS',
  gitLabLookupBudgetMs: 'GITLAB_LOOKUP_BUDGET_MS',
  logLevel: 'LOG_LEVEL',
  securityHubProductArn: 'SECURITY_HUB_PRODUCT_ARN',
} as const;

export function readCorrelatorSettings(env: Env = process.env): CorrelatorSettings {
  const prefix = optionalEnv(CORRELATOR_ENV.decisionLogPrefix, env) ?? '';
  return {
    alertTopicArn: requireEnv(CORRELATOR_ENV.alertTopicArn, env),
    decisionLogBucket: requireEnv(CORRELATOR_ENV.decisionLogBucket, env),
    decisionLogPrefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
    idempotencyTable: requireEnv(CORRELATOR_ENV.idempotencyTable, env),
    gitLabTokenSecrets: jsonEnv(CORRELATOR_ENV.gitLabTokenSecrets, TokenSecrets, env),
    gitLabLookupBudgetMs: intEnv(CORRELATOR_ENV.gitLabLookupBudgetMs, { min: 100, max: 900_000 }, env),
    logLevel: optionalEnv(CORRELATOR_ENV.logLevel, env) ?? 'info',
    securityHubProductArn: optionalEnv(CORRELATOR_ENV.securityHubProductArn, env),
  };
}
