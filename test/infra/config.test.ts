import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import * as z from 'zod';
import { GitLabTokenSecrets } from '../../infra/constructs/gitlab-token-secrets';
import { ConfigError } from '../../lib/core/errors';
import {
  CONFIG_FILE_ENV,
  EXAMPLE_CONFIG_FILE,
  gitLabLookupBudgetMs,
  loadSynthConfig,
  readOrganizationOptions,
  resolveConfigPath,
} from '../../infra/config';
import { fullConfigInput, REPO_ROOT, synthConfigOf } from './support';

const run = promisify(execFile);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'oidc-watch-infra-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Runs `fn` and returns the ConfigError it throws (failing the test if it throws anything else or nothing). */
function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const VALID_YAML = `
trustedIssuers:
  - { issuer: https://gitlab.com, apiUrl: https://gitlab.com/api/v4 }
productionRoles:
  - name: prod-deploy
    roleArns: ['arn:aws:iam::*:role/prod-deploy']
    allowedProjectIds: [4242]
    allowedAudiences: ['https://gitlab.com']
`;

describe('resolveConfigPath', () => {
  it('prefers the -c config=PATH context over the environment', () => {
    expect(resolveConfigPath('ctx.yaml', { [CONFIG_FILE_ENV]: 'env.yaml' })).toBe('ctx.yaml');
  });

  it('falls back to OIDC_WATCH_CONFIG_FILE', () => {
    expect(resolveConfigPath(undefined, { [CONFIG_FILE_ENV]: 'env.yaml' })).toBe('env.yaml');
  });

  it('never falls back to the example policy silently: without a config it refuses and says how to pass one', () => {
    for (const env of [{}, { [CONFIG_FILE_ENV]: '  ' }]) {
      const error = configErrorOf(() => resolveConfigPath(undefined, env, () => false));
      expect(error.message).toContain('-c config=');
      expect(error.message).toContain(EXAMPLE_CONFIG_FILE);
    }
  });

  it('uses ./oidc-watch.config.yaml when it exists, as the CLI does', () => {
    expect(resolveConfigPath(undefined, {}, (p) => p === 'oidc-watch.config.yaml')).toBe(
      'oidc-watch.config.yaml',
    );
  });

  it('synthesizes the example policy only when it is asked for by path', () => {
    expect(resolveConfigPath(EXAMPLE_CONFIG_FILE, {}, () => false)).toBe(EXAMPLE_CONFIG_FILE);
  });

  it('rejects a context value that is not a path', () => {
    expect(configErrorOf(() => resolveConfigPath(42, {})).message).toMatch(
      /context "config" must be a file path/,
    );
    expect(() => resolveConfigPath('', {})).toThrow(ConfigError);
  });
});

describe('loadSynthConfig', () => {
  it('accepts the example config shipped with the repository', () => {
    const loaded = loadSynthConfig(path.join(REPO_ROOT, EXAMPLE_CONFIG_FILE));
    expect(loaded.config.trustedIssuers.map((i) => i.issuer)).toEqual(['https://gitlab.com']);
    expect(loaded.logRetentionDays).toBe(loaded.deployment.logRetentionDays);
  });

  it('applies the deployment defaults when the file has no deployment section', () => {
    const loaded = loadSynthConfig(writeConfig('minimal.yaml', VALID_YAML));
    expect(loaded.deployment).toMatchObject({
      alertEmails: [],
      operationsEmails: [],
      decisionLogRetentionDays: 400,
      logRetentionDays: 90,
      functionTimeoutSeconds: 60,
    });
    expect(loaded.deployment.slack).toBeUndefined();
    expect(gitLabLookupBudgetMs(loaded.deployment)).toBe(30_000);
  });

  it('fails with the offending key named when the schema rejects the file', () => {
    const file = writeConfig(
      'bad-audience.yaml',
      VALID_YAML.replace("allowedAudiences: ['https://gitlab.com']", 'allowedAudiences: []'),
    );
    const error = configErrorOf(() => loadSynthConfig(file));
    expect(error.key).toBe('productionRoles[0].allowedAudiences');
    expect(error.message).toContain(file);
  });

  it('fails on a log retention CloudWatch would reject, listing the valid ones', () => {
    const input = fullConfigInput();
    const error = configErrorOf(() =>
      synthConfigOf({ ...input, deployment: { ...input.deployment, logRetentionDays: 45 } }),
    );
    expect(error.key).toBe('deployment.logRetentionDays');
    expect(error.message).toMatch(
      /45 is not a CloudWatch Logs retention period; use one of 1, 3, 5, 7, 14, 30, 60, 90/,
    );
  });

  it('fails when a GitLab lookup deadline does not fit inside half the function timeout', () => {
    const input = fullConfigInput();
    const error = configErrorOf(() =>
      synthConfigOf({
        ...input,
        trustedIssuers: [
          { issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4', lookupTimeoutMs: 8000 },
        ],
        deployment: { ...input.deployment, functionTimeoutSeconds: 10 },
      }),
    );
    expect(error.key).toBe('trustedIssuers[0].lookupTimeoutMs');
    expect(error.message).toMatch(/8000 ms does not fit the lookup budget of 5000 ms/);
  });

  it('fails when the file does not exist, naming it', () => {
    const missing = path.join(dir, 'missing.yaml');
    expect(configErrorOf(() => loadSynthConfig(missing)).message).toContain(missing);
  });
});

describe('GitLabTokenSecrets', () => {
  it('refuses two trusted issuers that name the same GitLab instance', () => {
    const input = fullConfigInput();
    const { config } = synthConfigOf({
      ...input,
      trustedIssuers: [
        { issuer: 'https://gitlab.example.com', apiUrl: 'https://gitlab.example.com/api/v4' },
        { issuer: 'http://gitlab.example.com', apiUrl: 'http://gitlab.example.com/api/v4' },
      ],
    });
    const stack = new Stack(new App(), 'Test');
    const error = configErrorOf(
      () => new GitLabTokenSecrets(stack, 'GitLabTokens', { trustedIssuers: config.trustedIssuers }),
    );
    expect(error.key).toBe('trustedIssuers[1].issuer');
  });
});

describe('readOrganizationOptions', () => {
  const context =
    (values: Record<string, unknown>) =>
    (key: string): unknown =>
      values[key];

  it('is off unless the context asks for it', () => {
    expect(readOrganizationOptions(context({}))).toEqual({
      organizationId: undefined,
      forwardToBusArn: undefined,
    });
  });

  it('accepts an organization ID and a central bus ARN', () => {
    const busArn = 'arn:aws:events:us-east-1:123456789012:event-bus/GitLabOidcWatch-central';
    expect(
      readOrganizationOptions(context({ organizationId: 'o-a1b2c3d4e5', forwardToBusArn: busArn })),
    ).toEqual({
      organizationId: 'o-a1b2c3d4e5',
      forwardToBusArn: busArn,
    });
  });

  it('rejects malformed values, naming the context key', () => {
    expect(configErrorOf(() => readOrganizationOptions(context({ organizationId: 'a1b2c3' }))).key).toBe(
      'context.organizationId',
    );
    expect(
      configErrorOf(() =>
        readOrganizationOptions(context({ forwardToBusArn: 'arn:aws:sns:us-east-1:123456789012:topic' })),
      ).key,
    ).toBe('context.forwardToBusArn');
  });
});

describe('infra/app.ts', () => {
  it('stops synthesis with the bad key named, before building anything', async () => {
    const file = writeConfig('bad-retention.yaml', `${VALID_YAML}\ndeployment:\n  logRetentionDays: 45\n`);
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const outdir = mkdtempSync(path.join(dir, 'cdk-out-'));
    const failure = await run(tsx, [path.join(REPO_ROOT, 'infra', 'app.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, [CONFIG_FILE_ENV]: file, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: '{}' },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const { code, stderr } = z.object({ code: z.number(), stderr: z.string() }).parse(failure);
    expect(code).toBe(1);
    expect(stderr).toContain('deployment.logRetentionDays: 45 is not a CloudWatch Logs retention period');
    expect(stderr).toContain(file);
    // Nothing was synthesized: no template, no bundle.
    expect(readdirSync(outdir)).toEqual([]);
  }, 60_000);
  it('refuses to synthesize without a config instead of deploying the example policy (cdk deploy without -c config)', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CDK_CONTEXT_JSON: '{}' };
    delete env[CONFIG_FILE_ENV];
    const outdir = mkdtempSync(path.join(dir, 'cdk-out-'));
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    // The repository root has no ./oidc-watch.config.yaml: only the example is there to be picked silently.
    const failure = await run(tsx, [path.join(REPO_ROOT, 'infra', 'app.ts')], {
      cwd: REPO_ROOT,
      env: { ...env, CDK_OUTDIR: outdir },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const { code, stderr } = z.object({ code: z.number(), stderr: z.string() }).parse(failure);
    expect(code).toBe(1);
    expect(stderr).toContain('-c config=');
    expect(readdirSync(outdir)).toEqual([]);
  }, 60_000);
});
