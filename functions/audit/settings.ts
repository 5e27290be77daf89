/**
 * The scheduled audit function's environment, read once at init. Names match infra/constructs/audit-function.ts.
 */
import * as z from 'zod';
import { intEnv, jsonEnv, optionalEnv, requireEnv, type Env } from '../../lib/composition';

export interface AuditSettings {
  readonly alertTopicArn: string;
  readonly bucket: string;
  /** Ends in `/`: reports under `<prefix>reports/`, state under `<prefix>state/`. */
  readonly prefix: string;
  readonly gitLabTokenSecrets: Readonly<Record<string, string>>;
  readonly gitLabLookupBudgetMs: number;
  readonly logLevel: string;
  /** Security Hub's default product ARN of this account and region, when deployment.securityHub is enabled. */
  readonly securityHubProductArn?: string | undefined;
}

export const AUDIT_ENV = {
  alertTopicArn: 'ALERT_TOPIC_ARN',
  bucket: 'AUDIT_BUCKET',
  prefix: 'AUDIT_PREFIX',
  gitLabTokenSecrets: 'GITLAB_TOKEN_SECRETS',
  gitLabLookupBudgetMs: 'GITLAB_LOOKUP_BUDGET_MS',
  logLevel: 'LOG_LEVEL',
  securityHubProductArn: 'SECURITY_HUB_PRODUCT_ARN',
} as const;

export function readAuditSettings(env: Env = process.env): AuditSettings {
  const prefix = requireEnv(AUDIT_ENV.prefix, env);
  return {
    alertTopicArn: requireEnv(AUDIT_ENV.alertTopicArn, env),
    bucket: requireEnv(AUDIT_ENV.bucket, env),
    prefix: prefix.endsWith('/') ? prefix : `${prefix}/`,
    gitLabTokenSecrets: jsonEnv(
      AUDIT_ENV.gitLabTokenSecrets,
      z.record(z.string().url(), z.string().min(1)),
      env,
    ),
    gitLabLookupBudgetMs: intEnv(AUDIT_ENV.gitLabLookupBudgetMs, { min: 100, max: 900_000 }, env),
    logLevel: optionalEnv(AUDIT_ENV.logLevel, env) ?? 'info',
    securityHubProductArn: optionalEnv(AUDIT_ENV.securityHubProductArn, env),
  };
}
