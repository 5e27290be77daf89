/**
 * Lambda entry point of the scheduled reconciliation. Module scope runs once per container: environment (the same
 * contract as the correlator: ALERT_TOPIC_ARN, DECISION_LOG_BUCKET, DECISION_LOG_PREFIX, IDEMPOTENCY_TABLE,
 * GITLAB_TOKEN_SECRETS, GITLAB_LOOKUP_BUDGET_MS), the embedded config, AWS clients. Everything else is in
 * createReconcileHandler (reconcile.ts).
 */
// Must stay the first import: it switches zod to interpreted parsing before any schema is built (see the module).
import '../shared/zod-jitless';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { createMetrics } from '../../lib/adapters/metrics';
import { perRegion, readServiceSettings, serviceClients } from '../../lib/composition';
import { loadEmbeddedConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { createReconcileHandler, type ReconcileHandler } from './reconcile';

const settings = readServiceSettings(process.env);
const logger = createLogger({ level: settings.logLevel, base: { function: 'reconcile' } });
// Written literally: esbuild's `define` replaces this expression with the config validated at `cdk synth`.
const config = loadEmbeddedConfig(process.env.OIDC_WATCH_CONFIG);

// LookupEvents is regional: one client per region, created on first use and kept for the container's life.
const cloudTrailFor = perRegion((region) => new CloudTrailClient({ region }));

export const handler: ReconcileHandler = createReconcileHandler({
  config,
  settings,
  clients: { ...serviceClients(settings), cloudTrailFor },
  logger,
  metrics: createMetrics(),
  env: process.env,
});
