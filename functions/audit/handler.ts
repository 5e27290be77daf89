/**
 * Lambda entry point of the scheduled trust-policy audit. Module scope runs once per container: environment
 * (functions/audit/settings.ts), the config embedded at `cdk synth`, AWS clients. Everything else is in
 * createAuditHandler (audit.ts).
 */
// Must stay the first import: it switches zod to interpreted parsing before any schema is built (see the module).
import '../shared/zod-jitless';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { createSecretReader } from '../../lib/adapters/secrets';
import { createSecurityHubSink } from '../../lib/adapters/security-hub';
import { liveAuditSource } from '../../lib/composition';
import { loadEmbeddedConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { createAuditHandler } from './audit';
import { readAuditSettings } from './settings';

const settings = readAuditSettings(process.env);
const logger = createLogger({ level: settings.logLevel, base: { function: 'audit' } });
// Written literally: esbuild's `define` replaces this expression with the config validated at `cdk synth`.
const config = loadEmbeddedConfig(process.env.OIDC_WATCH_CONFIG);
const sts = new STSClient({});
const iam = new IAMClient({});
const organizations = new OrganizationsClient({});

export const handler = createAuditHandler({
  config,
  settings,
  s3: new S3Client({}),
  sns: new SNSClient({}),
  roles: () =>
    liveAuditSource(config, { sts: () => sts, iam: () => iam, organizations: () => organizations }),
  readSecret: createSecretReader(new SecretsManagerClient({})),
  logger,
  env: process.env,
  ...(settings.securityHubProductArn === undefined
    ? {}
    : { securityHub: createSecurityHubSink(new SecurityHubClient({})) }),
});
