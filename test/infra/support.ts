/**
 * Shared by the infra tests: a config that turns every optional part of the stack on, and a helper that synthesizes
 * the app exactly as infra/app.ts does (same cdk.json context, same cdk-nag plugins), once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { type ConfigInput, parseConfig } from '../../lib/core/config';
import { type OrganizationOptions, type SynthConfig, validateForDeployment } from '../../infra/config';
import { addOidcWatchStack, type OidcWatchStack } from '../../infra/oidc-watch-stack';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** The feature flags the CLI passes from cdk.json. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8'));
  if (typeof cdkJson !== 'object' || cdkJson === null || !('context' in cdkJson))
    throw new Error('cdk.json has no context');
  const context = cdkJson.context;
  if (typeof context !== 'object' || context === null) throw new Error('cdk.json context is not an object');
  return { ...context };
}

export const EXAMPLE_SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab/example-read-api-AbC123';
export const INTERNAL_SECRET_NAME = 'gitlab/internal-read-api';

/** Every optional feature on: emails, Slack, reconcile, Athena, an imported secret by ARN and one by name. */
export function fullConfigInput(): ConfigInput {
  return {
    trustedIssuers: [
      { issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4', token: { env: 'GITLAB_TOKEN' } },
      {
        issuer: 'https://gitlab.example.com',
        apiUrl: 'https://gitlab.example.com/api/v4',
        token: { secretArn: EXAMPLE_SECRET_ARN },
      },
      {
        issuer: 'https://gitlab.internal.example.com',
        apiUrl: 'https://gitlab.internal.example.com/api/v4',
        token: { secretName: INTERNAL_SECRET_NAME },
        lookupTimeoutMs: 5000,
      },
    ],
    ignoredIssuers: ['https://token.actions.githubusercontent.com'],
    productionRoles: [
      {
        name: 'prod-deploy',
        roleArns: ['arn:aws:iam::*:role/prod-deploy'],
        allowedProjectIds: [4242],
        allowedProjectPaths: ['acme/platform/deploy'],
        allowedAudiences: ['https://gitlab.com'],
      },
    ],
    deployment: {
      alertEmails: ['security@example.com'],
      operationsEmails: ['oncall@example.com'],
      slack: { workspaceId: 'T012ABCDE', channelId: 'C012ABCDE' },
      decisionLogRetentionDays: 400,
      logRetentionDays: 90,
      functionTimeoutSeconds: 60,
      reconcile: { enabled: true, schedule: 'cron(17 3 * * ? *)', lookbackHours: 48, regions: ['us-east-1'] },
      athena: {
        cloudTrailBucket: 'example-org-cloudtrail',
        cloudTrailPrefix: '',
        accounts: ['123456789012'],
        regions: ['us-east-1', 'eu-west-1'],
        projectionStartDate: '2025/01/01',
      },
    },
  };
}

export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const CENTRAL_BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/gitlab-oidc-watch-central';

export function synthConfigOf(input: ConfigInput): SynthConfig {
  return validateForDeployment(parseConfig(input, 'test config'), 'test config');
}

export interface Synthesized {
  readonly app: App;
  readonly stack: OidcWatchStack;
  readonly assembly: CloudAssembly;
  readonly template: Template;
}

/**
 * Builds and synthesizes the app (bundling the real handler with esbuild, running cdk-nag) into a fresh directory.
 * Slow: call once per file, and `dispose` it after.
 */
export function synthesize(synthConfig: SynthConfig, organization: OrganizationOptions = {}): Synthesized {
  const app = new App({
    context: cdkJsonContext(),
    outdir: mkdtempSync(path.join(tmpdir(), 'oidc-watch-cdk-')),
  });
  // A deprecated CDK API used by the stack or by a plugin (cdk-nag) throws here instead of printing a warning with
  // a stack trace on every `cdk synth`.
  const previous = process.env.JSII_DEPRECATED;
  process.env.JSII_DEPRECATED = 'fail';
  let stack: OidcWatchStack;
  let assembly: CloudAssembly;
  try {
    stack = addOidcWatchStack(app, synthConfig, organization);
    assembly = app.synth();
  } finally {
    if (previous === undefined) delete process.env.JSII_DEPRECATED;
    else process.env.JSII_DEPRECATED = previous;
  }
  const template = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  return { app, stack, assembly, template };
}

/** Removes the cloud assembly (bundled assets included) written by `synthesize`. */
export function dispose(synthesized: Synthesized | undefined): void {
  if (synthesized) rmSync(synthesized.assembly.directory, { recursive: true, force: true });
}
