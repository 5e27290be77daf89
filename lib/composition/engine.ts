/**
 * config -> token sources -> GitLab directory (cache, request budget) -> evaluator: the one chain every entry point
 * (CLI commands, correlator, reconcile, demo, bench) judges with, so a verdict from the CLI is the service's verdict.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createGitLabDirectory } from '../adapters/gitlab';
import type { GitLabCaches } from '../adapters/gitlab/per-token';
import { resolveGitLabToken } from '../adapters/gitlab-token';
import { createSecretReader } from '../adapters/secrets';
import type { Config, TokenSource, TrustedIssuer } from '../core/config';
import { createEvaluator, type Evaluator } from '../core/correlate';
import { EnvironmentError } from '../core/errors';
import { type GitLabDirectory, type GitLabStats, unavailableGitLabPort } from '../core/gitlab-port';
import { normalizeIssuer } from '../core/policy';
import type { Logger } from '../core/logger';

export type ReadSecret = (id: string) => Promise<string>;

export interface TokenOptions {
  /** For `{env: NAME}` token sources and the GITLAB_TOKEN fallback. */
  readonly env: NodeJS.ProcessEnv;
  /** Reads `{secretArn}` / `{secretName}` token sources (and the stack's secrets). */
  readonly readSecret?: ReadSecret;
  /** Trusted issuer URL -> SecretId the stack created for it; wins over the config's own token source. */
  readonly secretOverrides?: Readonly<Record<string, string>>;
  /**
   * With it, an issuer whose token variable is unset is told here and left out of the map instead of failing the
   * whole run (the CLI: a missing token affects only its issuer). Without it, the EnvironmentError propagates.
   */
  readonly onUnsetTokenVariable?: (issuer: string, error: EnvironmentError) => void;
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

/** Each trusted issuer's token, read now (secret readers cache, so a rotated token is picked up in minutes). */
export async function resolveIssuerTokens(
  config: Config,
  o: TokenOptions,
): Promise<Map<string, string | undefined>> {
  const tokens = new Map<string, string | undefined>();
  for (const [index, issuer] of config.trustedIssuers.entries()) {
    const source = tokenSourceFor(issuer, o.secretOverrides ?? {});
    try {
      tokens.set(
        issuer.issuer,
        await resolveGitLabToken(source, {
          env: o.env,
          ...(o.readSecret ? { readSecret: o.readSecret } : {}),
          key: `trustedIssuers[${index}].token`,
        }),
      );
    } catch (e) {
      if (!(e instanceof EnvironmentError) || !o.onUnsetTokenVariable) throw e;
      o.onUnsetTokenVariable(issuer.issuer, e);
    }
  }
  return tokens;
}

export type CountingDirectory = GitLabDirectory & { stats(): GitLabStats };

export interface DirectoryOptions {
  readonly logger?: Logger;
  /** false only for the benchmark's naive baseline. */
  readonly cache?: boolean;
  /** Each lookup's deadline, retries included, stays inside this budget (the Lambda's share of its timeout). */
  readonly lookupBudgetMs?: number;
  /**
   * Lookup caches that outlive the directory (one per Lambda container: see createService); default a cache of the
   * directory's own.
   */
  readonly caches?: GitLabCaches;
  /**
   * Longest wait for the process's request budget per request (default: as long as it takes, the CLI). Past it the
   * lookup throws GitLabBudgetExhaustedError: the Lambda then fails the event so that it is retried, never judged.
   */
  readonly budgetMaxWaitMs?: number;
}

/** A GitLab directory over every trusted issuer; its lookup cache lives as long as the directory. */
export function gitLabDirectory(
  config: Config,
  tokens: ReadonlyMap<string, string | undefined>,
  o: DirectoryOptions = {},
): CountingDirectory {
  const budget = o.lookupBudgetMs;
  const issuers: TrustedIssuer[] =
    budget === undefined
      ? config.trustedIssuers
      : config.trustedIssuers.map((i) => ({ ...i, lookupTimeoutMs: Math.min(i.lookupTimeoutMs, budget) }));
  return createGitLabDirectory(issuers, tokens, {
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.cache === undefined ? {} : { cache: o.cache }),
    ...(o.caches ? { caches: o.caches } : {}),
    ...(o.budgetMaxWaitMs === undefined ? {} : { budgetMaxWaitMs: o.budgetMaxWaitMs }),
  });
}

export interface Engine {
  readonly evaluator: Evaluator;
  gitlabStats(): GitLabStats;
}

export interface EngineOptions extends TokenOptions, DirectoryOptions {
  readonly now?: () => Date;
}

/**
 * The whole chain at once, for a run whose GitLab cache lives as long as the run (CLI, demo, bench). Secret token
 * sources are read from Secrets Manager with the usual AWS credentials unless `readSecret` says otherwise.
 */
export async function buildEngine(config: Config, o: EngineOptions): Promise<Engine> {
  // An issuer whose token variable is unset (only with onUnsetTokenVariable): its lookups answer "unavailable" with
  // the reason, so its verdicts are unverified and say why; other issuers and checks that need no GitLab run as usual.
  const unset = new Map<string, string>();
  const tokens = await resolveIssuerTokens(config, {
    ...o,
    readSecret: o.readSecret ?? lazySecretReader(),
    ...(o.onUnsetTokenVariable
      ? {
          onUnsetTokenVariable: (issuer: string, e: EnvironmentError) => {
            unset.set(normalizeIssuer(issuer), `not asked: no GitLab token for ${issuer} (${e.message})`);
            o.onUnsetTokenVariable?.(issuer, e);
          },
        }
      : {}),
  });
  const usable = {
    ...config,
    trustedIssuers: config.trustedIssuers.filter((i) => !unset.has(normalizeIssuer(i.issuer))),
  };
  const directory = gitLabDirectory(usable, tokens, o);
  const gitlab: GitLabDirectory = {
    forIssuer: (issuer) => {
      const reason = unset.get(normalizeIssuer(issuer));
      return reason === undefined ? directory.forIssuer(issuer) : unavailableGitLabPort(reason);
    },
  };
  const evaluator = createEvaluator({ config, gitlab, ...(o.now ? { now: o.now } : {}) });
  return { evaluator, gitlabStats: () => directory.stats() };
}

/**
 * A Secrets Manager reader created on first use only: most CLI runs take their token from the environment, and
 * building the client needs AWS credentials and a region they may not have.
 */
export function lazySecretReader(): ReadSecret {
  let reader: ReadSecret | undefined;
  return (id) => {
    reader ??= createSecretReader(new SecretsManagerClient({}));
    return reader(id);
  };
}
