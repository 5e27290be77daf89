/**
 * Lambda entry point of the correlator. Module scope runs once per container: environment, embedded config, AWS
 * clients. Everything else is in createHandler (correlator.ts).
 */
// Must stay the first import: it switches zod to interpreted parsing before any schema is built (see the module).
import '../shared/zod-jitless';
import { createMetrics } from '../../lib/adapters/metrics';
import { readServiceSettings, serviceClients } from '../../lib/composition';
import { loadEmbeddedConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { createHandler, type CorrelatorHandler } from './correlator';

const settings = readServiceSettings(process.env);
const logger = createLogger({ level: settings.logLevel, base: { function: 'correlator' } });
// Written literally: esbuild's `define` replaces this expression with the config validated at `cdk synth`.
const config = loadEmbeddedConfig(process.env.OIDC_WATCH_CONFIG);

export const handler: CorrelatorHandler = createHandler({
  config,
  settings,
  clients: serviceClients(settings),
  logger,
  metrics: createMetrics(),
  env: process.env,
});
