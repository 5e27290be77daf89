/**
 * The configuration as `cdk synth` sees it: the same file the CLI reads, validated by the same schema, plus the
 * deployment checks only the stack needs (values CloudWatch or Lambda would otherwise reject at deploy time, an hour
 * later). Every failure is a ConfigError naming the key and saying what would be valid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Config, type Deployment, DeploymentSchema } from '../lib/core/config';
import { loadConfigText } from '../lib/core/config-text';
import { ConfigError } from '../lib/core/errors';

/**
 * The example policy. It watches demo roles, so deploying it by accident would miss the real ones: it is only ever
 * used when named explicitly (`-c config=examples/oidc-watch.config.yaml`, as `npm run synth` and CI do).
 */
export const EXAMPLE_CONFIG_FILE = 'examples/oidc-watch.config.yaml';
/** Picked up from the working directory when neither the context nor the environment names a file (as the CLI does). */
export const LOCAL_CONFIG_FILE = 'oidc-watch.config.yaml';
export const CONFIG_FILE_ENV = 'OIDC_WATCH_CONFIG_FILE';
export const CONFIG_CONTEXT_KEY = 'config';

/**
 * The retention periods CloudWatch Logs accepts; any other number fails at deploy time.
 * See: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** A validated config with its deployment section resolved (defaults applied when the file has none). */
export interface SynthConfig {
  /** The file it came from, for messages. */
  readonly path: string;
  readonly config: Config;
  readonly deployment: Deployment;
  /** deployment.logRetentionDays, checked against what CloudWatch Logs accepts. */
  readonly logRetentionDays: LogRetentionDays;
}

function isLogRetentionDays(days: number): days is LogRetentionDays {
  return (LOG_RETENTION_DAYS as readonly number[]).includes(days);
}

/**
 * `-c config=PATH` wins, then OIDC_WATCH_CONFIG_FILE, then ./oidc-watch.config.yaml when it exists. Anything else is
 * a ConfigError: there is no silent default policy (issue 9: a deploy without `-c config=` used to ship the example).
 */
export function resolveConfigPath(
  contextValue: unknown,
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean = existsSync,
): string {
  if (contextValue !== undefined) {
    if (typeof contextValue !== 'string' || contextValue.trim() === '') {
      throw new ConfigError(
        `context "${CONFIG_CONTEXT_KEY}" must be a file path (cdk synth -c config=PATH)`,
        '',
      );
    }
    return contextValue;
  }
  const fromEnv = env[CONFIG_FILE_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  if (exists(LOCAL_CONFIG_FILE)) return LOCAL_CONFIG_FILE;
  throw new ConfigError(
    'no configuration for the stack: pass your policy with -c config=PATH (cdk synth|deploy -c ' +
      `config=${LOCAL_CONFIG_FILE}), set ${CONFIG_FILE_ENV}, or create ./${LOCAL_CONFIG_FILE} (start from ` +
      `${EXAMPLE_CONFIG_FILE}). The example policy watches demo roles only; to synthesize it on purpose, pass ` +
      `-c config=${EXAMPLE_CONFIG_FILE}.`,
    CONFIG_CONTEXT_KEY,
  );
}

/** The Lambda budget the GitLab lookups must fit in: half the function timeout, in milliseconds. */
export function gitLabLookupBudgetMs(deployment: Deployment): number {
  return Math.floor((deployment.functionTimeoutSeconds * 1000) / 2);
}

/** Deployment checks the shared schema leaves to the stack. Throws ConfigError naming the key. */
export function validateForDeployment(config: Config, origin: string): SynthConfig {
  const deployment = config.deployment ?? DeploymentSchema.parse({});
  const deploymentKey = (key: string): string => `deployment.${key}`;

  const logRetentionDays = deployment.logRetentionDays;
  if (!isLogRetentionDays(logRetentionDays)) {
    throw new ConfigError(
      `${origin}: invalid configuration\n  ${deploymentKey('logRetentionDays')}: ${logRetentionDays} is not a ` +
        `CloudWatch Logs retention period; use one of ${LOG_RETENTION_DAYS.join(', ')}`,
      deploymentKey('logRetentionDays'),
    );
  }

  // Each GitLab lookup must end well inside the function timeout, or a slow GitLab turns into a Lambda timeout
  // (retried as a failure) instead of an `unverified` verdict.
  const budget = gitLabLookupBudgetMs(deployment);
  config.trustedIssuers.forEach((issuer, i) => {
    if (issuer.lookupTimeoutMs > budget) {
      const key = `trustedIssuers[${i}].lookupTimeoutMs`;
      throw new ConfigError(
        `${origin}: invalid configuration\n  ${key}: ${issuer.lookupTimeoutMs} ms does not fit the lookup budget of ` +
          `${budget} ms (half of deployment.functionTimeoutSeconds = ${deployment.functionTimeoutSeconds}); ` +
          `lower it or raise the timeout`,
        key,
      );
    }
  });

  return { path: origin, config, deployment, logRetentionDays };
}

/** Reads, validates and checks the config file for deployment. */
export function loadSynthConfig(path: string): SynthConfig {
  return validateForDeployment(
    loadConfigText((p) => readFileSync(p, 'utf8'), path),
    path,
  );
}

/** `-c organizationId=o-...`: also create a central bus that the organization's accounts may forward to. */
export const ORGANIZATION_ID_CONTEXT_KEY = 'organizationId';
/** `-c forwardToBusArn=arn:...:event-bus/...`: also synthesize the forwarder stack for member accounts/regions. */
export const FORWARD_TO_CONTEXT_KEY = 'forwardToBusArn';

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus\/[A-Za-z0-9._/-]+$/;

/** Organization mode, chosen per deployment on the command line (it is about where, not about policy). */
export interface OrganizationOptions {
  readonly organizationId?: string;
  readonly forwardToBusArn?: string;
}

function optionalContextString(
  value: unknown,
  key: string,
  pattern: RegExp,
  example: string,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ConfigError(
      `context "${key}" must look like ${example}, not ${JSON.stringify(value)}`,
      `context.${key}`,
    );
  }
  return value;
}

/** Reads and checks the organization-mode context values. Throws ConfigError naming the context key. */
export function readOrganizationOptions(tryGetContext: (key: string) => unknown): OrganizationOptions {
  return {
    organizationId: optionalContextString(
      tryGetContext(ORGANIZATION_ID_CONTEXT_KEY),
      ORGANIZATION_ID_CONTEXT_KEY,
      ORGANIZATION_ID,
      'o-a1b2c3d4e5',
    ),
    forwardToBusArn: optionalContextString(
      tryGetContext(FORWARD_TO_CONTEXT_KEY),
      FORWARD_TO_CONTEXT_KEY,
      EVENT_BUS_ARN,
      'arn:aws:events:us-east-1:123456789012:event-bus/NAME',
    ),
  };
}
