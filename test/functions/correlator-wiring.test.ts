/**
 * The correlator's one-time wiring: environment helpers, the embedded config, the logger's redaction, and the
 * module-level handler built from them.
 */
import { loadEmbeddedConfig } from '../../functions/shared/config';
import { intEnv, jsonEnv, readServiceSettings, requireEnv } from '../../lib/composition';
import { createLogger } from '../../functions/shared/logger';
import { ConfigError, EnvironmentError } from '../../lib/core/errors';
import * as z from 'zod';

const ENV = {
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:gitlab-oidc-watch-alerts',
  DECISION_LOG_BUCKET: 'gitlab-oidc-watch-decisions-123456789012',
  DECISION_LOG_PREFIX: 'decisions',
  IDEMPOTENCY_TABLE: 'gitlab-oidc-watch-idempotency',
  GITLAB_TOKEN_SECRETS: JSON.stringify({
    'https://gitlab.com':
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab-oidc-watch/gitlab.com-AbCdEf',
  }),
  GITLAB_LOOKUP_BUDGET_MS: '30000',
};

const CONFIG = {
  trustedIssuers: [{ issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' }],
  productionRoles: [
    {
      name: 'prod-deploy',
      roleArns: ['arn:aws:iam::*:role/prod-deploy'],
      allowedProjectIds: [4242],
      allowedAudiences: ['https://gitlab.com'],
    },
  ],
};

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('env helpers', () => {
  it('name the missing variable', () => {
    const error = thrown(() => requireEnv('ALERT_TOPIC_ARN', {}));
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).variable).toBe('ALERT_TOPIC_ARN');
  });

  it('reject a number out of bounds, naming the variable and the value', () => {
    expect(() =>
      intEnv('GITLAB_LOOKUP_BUDGET_MS', { min: 100, max: 900_000 }, { GITLAB_LOOKUP_BUDGET_MS: '10s' }),
    ).toThrow(/GITLAB_LOOKUP_BUDGET_MS must be a whole number 100-900000, not '10s'/);
  });

  it('validate JSON with a schema and name the bad key', () => {
    const schema = z.record(z.string().url(), z.string().min(1));
    expect(() =>
      jsonEnv('GITLAB_TOKEN_SECRETS', schema, { GITLAB_TOKEN_SECRETS: '{"https://gitlab.com": ""}' }),
    ).toThrow(/GITLAB_TOKEN_SECRETS is invalid at https:\/\/gitlab.com/);
    expect(() => jsonEnv('GITLAB_TOKEN_SECRETS', schema, { GITLAB_TOKEN_SECRETS: '{' })).toThrow(
      /not valid JSON/,
    );
  });
});

describe('readServiceSettings', () => {
  it('reads the variables the stack sets', () => {
    expect(readServiceSettings(ENV)).toEqual({
      alertTopicArn: ENV.ALERT_TOPIC_ARN,
      decisionLogBucket: ENV.DECISION_LOG_BUCKET,
      decisionLogPrefix: 'decisions/',
      idempotencyTable: ENV.IDEMPOTENCY_TABLE,
      gitLabTokenSecrets: JSON.parse(ENV.GITLAB_TOKEN_SECRETS) as unknown,
      gitLabLookupBudgetMs: 30_000,
      gitLabGeneratedTokenIssuers: [],
      logLevel: 'info',
    });
  });

  it.each([
    'ALERT_TOPIC_ARN',
    'DECISION_LOG_BUCKET',
    'IDEMPOTENCY_TABLE',
    'GITLAB_TOKEN_SECRETS',
    'GITLAB_LOOKUP_BUDGET_MS',
  ])('fails at init when %s is missing', (name) => {
    const env: Record<string, string> = { ...ENV };
    delete env[name];
    expect(thrown(() => readServiceSettings(env))).toMatchObject({
      name: 'EnvironmentError',
      variable: name,
    });
  });
});

describe('loadEmbeddedConfig', () => {
  it('validates the embedded config with the shared schema', () => {
    expect(loadEmbeddedConfig(JSON.stringify(CONFIG)).productionRoles[0]?.allowedPipelineSources).toEqual([
      'push',
    ]);
  });

  it('names the bad key of an invalid config', () => {
    const bad = { ...CONFIG, productionRoles: [{ ...CONFIG.productionRoles[0], allowedAudiences: [] }] };
    const error = thrown(() => loadEmbeddedConfig(JSON.stringify(bad)));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('productionRoles[0].allowedAudiences');
  });

  it('says the config is missing when the build did not embed it', () => {
    expect(thrown(() => loadEmbeddedConfig(undefined))).toMatchObject({
      name: 'EnvironmentError',
      variable: 'OIDC_WATCH_CONFIG',
    });
  });
});

describe('createLogger', () => {
  it('redacts tokens, authorization headers and secret values wherever they appear', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    const token = 'glpat-SECRETsecretSECRET';
    logger.info(
      { token, request: { headers: { 'private-token': token, authorization: `Bearer ${token}` } } },
      'gitlab call',
    );
    logger.error({ err: { SecretString: token }, config: { issuer: { token } } }, 'secret read');
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).toContain('[REDACTED]');
  });

  it.each([
    ['a top-level token', { token: 'SECRET' }],
    ['a token one level down', { issuer: { token: 'SECRET' } }],
    ['a header one level down', { headers: { authorization: 'SECRET' } }],
    ['a header two levels down', { request: { headers: { Authorization: 'SECRET' } } }],
    ['a dashed header one level down', { headers: { 'private-token': 'SECRET' } }],
    ['a dashed header two levels down', { request: { headers: { 'x-amz-security-token': 'SECRET' } } }],
    ['a secret value two levels down', { error: { response: { SecretString: 'SECRET' } } }],
  ])('censors %s', (_what, fields) => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    logger.info(fields, 'event');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('SECRET');
    expect(lines[0]).toContain('[REDACTED]');
  });
});

describe('handler module', () => {
  const saved = { ...process.env };
  // The handler turns zod's JIT off for its process (functions/shared/zod-jitless.ts); the flag lives on globalThis.
  const savedJitless = z.config().jitless;
  afterEach(() => {
    process.env = { ...saved };
    z.config({ jitless: savedJitless });
  });

  it('wires the real handler at module scope from the environment and the embedded config', () => {
    process.env = { ...saved, ...ENV, OIDC_WATCH_CONFIG: JSON.stringify(CONFIG), AWS_REGION: 'us-east-1' };
    jest.isolateModules(() => {
      const mod = jest.requireActual<{ handler: unknown }>('../../functions/correlator/handler');
      expect(typeof mod.handler).toBe('function');
    });
  });

  it('fails at init, naming the variable, when the environment is incomplete', () => {
    process.env = { ...saved, ...ENV, OIDC_WATCH_CONFIG: JSON.stringify(CONFIG) };
    delete process.env.IDEMPOTENCY_TABLE;
    jest.isolateModules(() => {
      expect(() => jest.requireActual('../../functions/correlator/handler')).toThrow(
        /IDEMPOTENCY_TABLE is required/,
      );
    });
  });
});
