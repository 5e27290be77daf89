/**
 * The one wiring module every entry point uses (CLI commands, correlator, reconcile, demo, bench): settings, token
 * sources, the GitLab directory (cache, request budget), the evaluator, and the alert and decision publishers.
 * Entry points parse their input, plan, and call into here; they wire nothing themselves.
 */
export {
  buildEngine,
  type CountingDirectory,
  type DirectoryOptions,
  type Engine,
  type EngineOptions,
  gitLabDirectory,
  lazySecretReader,
  type ReadSecret,
  resolveIssuerTokens,
  type TokenOptions,
  tokenSourceFor,
} from './engine';
export { type Env, intEnv, jsonEnv, optionalEnv, requireEnv } from './env';
export { perRegion, serviceClients } from './clients';
export {
  createPublishers,
  decisionLog,
  idempotentAlerts,
  smokeLog,
  type PublisherClients,
  type Publishers,
  type PublisherTargets,
} from './publishers';
export {
  runSelfCheck,
  type SelfCheckOptions,
  tokenNotSetDetail,
  tokenStateOf,
  withTokensNotSet,
} from './self-check';
export {
  createService,
  serviceEvaluator,
  type Service,
  type ServiceClients,
  type ServiceDeps,
} from './service';
export { normalizePrefix, readServiceSettings, SERVICE_ENV, type ServiceSettings } from './settings';
export {
  type AuditClients,
  type Auditor,
  buildAuditor,
  fileAuditSource,
  liveAuditSource,
  offlineAuditor,
} from './audit';
