/**
 * The scheduled reconcile function's wiring: CloudTrail event history (LookupEvents) over the last
 * `deployment.reconcile.lookbackHours` in `deployment.reconcile.regions`, every AssumeRoleWithWebIdentity without a
 * verdict in the decision log judged and dispatched exactly as the correlator would (same engine, same idempotent
 * publisher, same decision log). handler.ts calls `createReconcileHandler` once at module scope.
 *
 * Failure policy: a publish/record failure or an unreadable region fails the invocation (Lambda's error metric and
 * the alarms see it; the next run, or Lambda's async retry, picks the events up again, and the publisher suppresses
 * duplicates). Records CloudTrail itself returned malformed are logged and counted, not retried.
 * LookupEvents sees the function's own account only: an organization runs it in each account that owns roles.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Context, ScheduledEvent } from 'aws-lambda';
import {
  createService,
  serviceEvaluator,
  type Service,
  type ServiceClients,
  type ServiceSettings,
} from '../../lib/composition';
import type { GitLabStats } from '../../lib/core/gitlab-port';
import type { Config, Deployment } from '../../lib/core/config';
import { DeploymentSchema } from '../../lib/core/config';
import { OidcWatchError, describeError } from '../../lib/core/errors';
import type { Logger } from '../../lib/core/logger';
import { type ReconcileCounts, reconcile } from '../../lib/core/reconcile';
import type { Sleep } from '../../lib/resilience';
import { lookupEventsSource } from '../../lib/sources/lookup-events';

/**
 * Events younger than this are left to the live path: CloudTrail delivers to EventBridge within minutes, and
 * judging an event the correlator is judging right now only costs a suppressed duplicate, but costs it for nothing.
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html
 */
export const SETTLE_MINUTES = 15;
/** Time kept back at the end of the invocation to flush metrics and log the summary. */
export const SHUTDOWN_MARGIN_MS = 5_000;

export interface ReconcileSummary {
  readonly window: { readonly start: string; readonly end: string };
  readonly regions: readonly string[];
  readonly counts: ReconcileCounts;
  readonly gitlab: { readonly requests: number; readonly cacheHits: number; readonly failures: number };
}

export type ReconcileHandler = (event: ScheduledEvent, context: Context) => Promise<ReconcileSummary>;

/** Thrown when some verdicts could not be dispatched: the invocation fails so that it is seen and retried. */
export class ReconcileIncompleteError extends OidcWatchError {}

export interface ReconcileDeps {
  readonly config: Config;
  readonly settings: ServiceSettings;
  readonly clients: ServiceClients & {
    readonly cloudTrailFor: (region: string) => Pick<CloudTrailClient, 'send'>;
  };
  readonly logger: Logger & { child(bindings: Record<string, unknown>): Logger };
  readonly metrics: Metrics;
  readonly env: NodeJS.ProcessEnv;
  readonly now?: () => Date;
  /** Injected by tests to keep the LookupEvents limiter off the real clock. */
  readonly sleep?: Sleep;
  /** GitLab evaluations in flight at once. */
  readonly concurrency?: number;
}

interface Window {
  readonly start: Date;
  readonly end: Date;
  readonly signal: AbortSignal;
}

/** The look-back window (minus the settle time) and a signal that fires before the invocation runs out. */
function windowFor(lookbackHours: number, now: Date, context: Context): Window {
  return {
    end: new Date(now.getTime() - SETTLE_MINUTES * 60_000),
    start: new Date(now.getTime() - lookbackHours * 3600_000),
    signal: AbortSignal.timeout(Math.max(1_000, context.getRemainingTimeInMillis() - SHUTDOWN_MARGIN_MS)),
  };
}

/** Records the run's figures; throws ReconcileIncompleteError when some verdicts could not be dispatched. */
function summarize(
  result: Awaited<ReturnType<typeof reconcile>>,
  window: Window,
  regions: readonly string[],
  stats: GitLabStats,
  service: Service,
  log: Logger,
): ReconcileSummary {
  const { metrics } = service;
  metrics.recordGitLab({
    requests: stats.requests,
    failures: stats.failures,
    authFailures: stats.authFailures,
    latencyMs: 0,
  });
  for (let i = 0; i < result.counts.inputErrors; i++) metrics.countMalformedEvent();
  metrics.countAgedOut(result.counts.agedOut);
  if (result.inputErrors.length > 0) {
    // The messages name the field that was wrong, never the record's content.
    log.error({ inputErrors: result.inputErrors }, 'CloudTrail returned records that could not be read');
  }
  const summary: ReconcileSummary = {
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    regions,
    counts: result.counts,
    gitlab: { requests: stats.requests, cacheHits: stats.cacheHits, failures: stats.failures },
  };
  if (result.counts.failed > 0) {
    log.error({ ...summary, failures: result.failures }, 'some verdicts were not dispatched');
    throw new ReconcileIncompleteError(
      `${result.counts.failed} verdict(s) could not be dispatched (first: ${result.failures[0]?.eventId ?? '?'}); ` +
        'they are retried on the next run',
    );
  }
  log.info(summary, 'reconciliation finished');
  return summary;
}

/** One reconciliation: the window's events from LookupEvents, judged and dispatched like the live path. */
async function runOnce(
  deps: ReconcileDeps,
  service: Service,
  settings: Deployment['reconcile'],
  context: Context,
  log: Logger,
): Promise<ReconcileSummary> {
  const now = deps.now ?? (() => new Date());
  // One directory for the run: its cache is shared by every event of this reconciliation.
  const gitlab = await service.gitlab(log);
  const evaluator = serviceEvaluator(deps, gitlab);
  const window = windowFor(settings.lookbackHours, now(), context);
  const { start, end, signal } = window;
  log.info(
    { start: start.toISOString(), end: end.toISOString(), regions: settings.regions },
    'reconciliation started',
  );
  const source = lookupEventsSource({
    regions: settings.regions,
    startTime: start,
    endTime: end,
    clientFor: deps.clients.cloudTrailFor,
    now: () => now().getTime(),
    sleep: deps.sleep,
    signal,
  });
  const result = await reconcile(source, {
    evaluate: (a) => evaluator.evaluate(a),
    alerts: service.alerts,
    decisions: service.decisions,
    logger: log,
    trigger: 'reconcile',
    unverifiedMaxAgeMs: settings.unverifiedMaxAgeHours * 3600_000,
    now: deps.now,
    concurrency: deps.concurrency,
    signal,
    onVerdict: (v, publication) => {
      service.metrics.countVerdict(v.verdict, v.policy);
      service.metrics.countPublication(publication.action);
    },
  });
  return summarize(result, window, settings.regions, gitlab.stats(), service, log);
}

export function createReconcileHandler(deps: ReconcileDeps): ReconcileHandler {
  const settings: Deployment['reconcile'] = (deps.config.deployment ?? DeploymentSchema.parse({})).reconcile;
  const service = createService(deps);
  const { alerts, metrics } = service;
  // The set-up self-check runs beside the first invocation of each container and is recorded with its metrics.
  let selfChecked = false;

  return async (_event, context) => {
    alerts.registerLambdaContext(context);
    const log = deps.logger.child({ awsRequestId: context.awsRequestId });
    const selfCheck = selfChecked ? null : service.selfCheck(log);
    selfChecked = true;
    try {
      return await runOnce(deps, service, settings, context, log);
    } catch (cause) {
      log.error(
        { error: describeError(cause) },
        'reconciliation did not complete; the next run covers the same window',
      );
      throw cause;
    } finally {
      if (selfCheck !== null) metrics.recordSelfCheck(await selfCheck);
      metrics.flush();
    }
  };
}
