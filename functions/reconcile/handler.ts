/**
 * Lambda entry point of the scheduled reconciliation. Module scope runs once per container: environment (the same
 * contract as the correlator: ALERT_TOPIC_ARN, DECISION_LOG_BUCKET, DECISION_LOG_PREFIX, IDEMPOTENCY_TABLE,
 * GITLAB_TOKEN_SECRETS, GITLAB_LOOKUP_BUDGET_MS), the embedded config, AWS clients. Everything else is in
 * createReconcileHandler (reconcile.ts).
 */
// Must stay the first import: it switches zod to interpreted parsing before any schema is built (see the module).
import '../shared/zod-jitless';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { createMetrics } from '../../lib/adapters/metrics';
import { readServiceSettings } from '../../lib/composition';
import { loadEmbeddedConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { createReconcileHandler, type ReconcileHandler } from './reconcile';

const settings = readServiceSettings(process.env);
const logger = createLogger({ level: settings.logLevel, base: { function: 'reconcile' } });
// Written literally: esbuild's `define` replaces this expression with the config validated at `cdk synth`.
const config = loadEmbeddedConfig(process.env.OIDC_WATCH_CONFIG);

// LookupEvents is regional: one client per region, created on first use and kept for the container's life.
const cloudTrailClients = new Map<string, CloudTrailClient>();
function cloudTrailFor(region: string): CloudTrailClient {
  let client = cloudTrailClients.get(region);
  if (client === undefined) {
    client = new CloudTrailClient({ region });
    cloudTrailClients.set(region, client);
  }
  return client;
}

export const handler: ReconcileHandler = createReconcileHandler({
  config,
  settings,
  clients: {
    sns: new SNSClient({}),
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    secrets: new SecretsManagerClient({}),
    cloudTrailFor,
  },
  logger,
  metrics: createMetrics(),
  env: process.env,
});
