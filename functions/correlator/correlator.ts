/**
 * The correlator's wiring: from one EventBridge event to one dispatched verdict. `createHandler` is the real wiring
 * function; handler.ts calls it once at module scope with the real clients, tests call it with mocked clients.
 *
 * Failure policy, per event:
 * - not our event / other event name: logged and counted, nothing recorded;
 * - malformed event: logged (no record content), counted (MalformedEvents), returns normally. Retrying cannot
 *   fix it; the record is still in CloudTrail, where the reconcile job finds it;
 * - GitLab unavailable: the adapter already retried inside its deadline, so the verdict is `unverified` and final
 *   for this delivery: one unverified alert is published and recorded;
 * - publish or record failure: throws, so Lambda retries the event and then parks it in the failure queue.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, EventBridgeEvent } from 'aws-lambda';
// `* as z`, not `{ z }`: esbuild can then leave zod's unused locales (~260 KiB) out of the Lambda bundle.
import * as z from 'zod';
import {
  createService,
  serviceEvaluator,
  type Service,
  type ServiceClients,
  type ServiceSettings,
} from '../../lib/composition';
import { CLOUDTRAIL_API_CALL_DETAIL_TYPE, normalizeRecord } from '../../lib/core/cloudtrail';
import type { Config } from '../../lib/core/config';
import { dispatchVerdict } from '../../lib/core/dispatch';
import { InputError, describeError } from '../../lib/core/errors';
import type { Logger } from '../../lib/core/logger';
import type { PublicationOutcome } from '../../lib/core/ports';
import { isSmokeEvent } from '../../lib/core/smoke';
import type { Verdict, VerdictKind } from '../../lib/core/verdict';
import { handleSmokeEvent } from './smoke';
import type { RoleAssumption } from '../../lib/core/assumption';
import type { ServiceMetrics } from '../../lib/adapters/metrics';

export type CloudTrailApiCallEvent = EventBridgeEvent<typeof CLOUDTRAIL_API_CALL_DETAIL_TYPE, unknown>;

export type CorrelatorOutcome =
  | { readonly outcome: 'skipped'; readonly eventName: string }
  | { readonly outcome: 'malformed'; readonly error: string }
  | {
      readonly outcome: 'dispatched';
      readonly eventId: string;
      readonly verdict: VerdictKind;
      /** What responders were told: a first alert, an update, or nothing new. */
      readonly publication: PublicationOutcome['action'];
    }
  | { readonly outcome: 'smoke'; readonly smokeTestId: string };

export type CorrelatorHandler = (
  event: CloudTrailApiCallEvent,
  context: Context,
) => Promise<CorrelatorOutcome>;

/** A logger with per-invocation children (pino's shape). */
export interface HandlerLogger extends Logger {
  child(bindings: Record<string, unknown>): Logger;
}

export interface CorrelatorDeps {
  readonly config: Config;
  readonly settings: ServiceSettings;
  readonly clients: ServiceClients;
  readonly logger: HandlerLogger;
  readonly metrics: Metrics;
  /** The function's environment, for `{env: NAME}` token sources. */
  readonly env: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

/**
 * The envelope EventBridge puts around a CloudTrail record. Only what we rely on is checked; the record itself is
 * validated by normalizeRecord.
 * See: https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */
const EventBridgeEnvelope = z
  .object({
    version: z.string(),
    id: z.string().min(1).max(128),
    'detail-type': z.literal(CLOUDTRAIL_API_CALL_DETAIL_TYPE),
    // Only AWS can put `aws.*` sources on a bus; the rules match aws.sts only, and so does this check.
    source: z.literal('aws.sts'),
    account: z.string(),
    time: z.string(),
    region: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .loose();

/** The event as a role assumption to judge, or the outcome for an event that is not one (already logged and counted). */
type Parsed = { readonly assumption: RoleAssumption } | { readonly outcome: CorrelatorOutcome };

function parseEvent(event: CloudTrailApiCallEvent, log: Logger, metrics: ServiceMetrics): Parsed {
  const envelope = EventBridgeEnvelope.safeParse(event);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    const error = `not a CloudTrail API-call event: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`;
    log.error(
      { eventBridgeId: typeof event?.id === 'string' ? event.id.slice(0, 128) : null, error },
      'malformed event dropped',
    );
    metrics.countMalformedEvent();
    return { outcome: { outcome: 'malformed', error } };
  }
  const eventBridgeId = envelope.data.id;
  let normalized;
  try {
    normalized = normalizeRecord(envelope.data, { source: `eventbridge:${eventBridgeId}` });
  } catch (cause) {
    if (!(cause instanceof InputError)) throw cause;
    // The message names the field, never the record's content; the record stays in CloudTrail for reconcile.
    log.error({ eventBridgeId, error: cause.message }, 'malformed event dropped');
    metrics.countMalformedEvent();
    return { outcome: { outcome: 'malformed', error: cause.message } };
  }
  if (normalized.kind === 'skipped') {
    log.info(
      { eventBridgeId, eventName: normalized.eventName.slice(0, 128) },
      'event skipped: not AssumeRoleWithWebIdentity',
    );
    metrics.countSkippedEvent();
    return { outcome: { outcome: 'skipped', eventName: normalized.eventName } };
  }
  return { assumption: normalized.assumption };
}

/** Judges one assumption and records the GitLab figures and the verdict. */
async function judge(
  assumption: RoleAssumption,
  deps: CorrelatorDeps,
  service: Service,
  log: Logger,
): Promise<Verdict> {
  // A directory per event (tokens re-read: rotation is picked up); its lookup cache is the container's, where
  // facts that can change are at most the TTL old and `unavailable` is never kept, so no outage carries over.
  const gitlab = await service.gitlab(log);
  const evaluator = serviceEvaluator(deps, gitlab);
  const started = performance.now();
  const verdict = await evaluator.evaluate(assumption);
  const stats = gitlab.stats();
  service.metrics.recordGitLab({
    requests: stats.requests,
    failures: stats.failures,
    authFailures: stats.authFailures,
    latencyMs: performance.now() - started,
  });
  service.metrics.countVerdict(verdict.verdict, verdict.policy);
  log.info(
    {
      eventId: verdict.eventId,
      verdict: verdict.verdict,
      severity: verdict.severity,
      policy: verdict.policy,
      findings: verdict.findings.map((f) => f.code),
      pipelineId: verdict.pipeline?.id ?? null,
      gitlab: stats,
    },
    'assumption judged',
  );
  return verdict;
}

export function createHandler(deps: CorrelatorDeps): CorrelatorHandler {
  const service = createService(deps);
  const { alerts, decisions, metrics, smoke, gitlab: gitlabDirectory } = service;
  const now = deps.now ?? (() => new Date());
  // The set-up self-check runs beside the first invocation of each container and is recorded with its metrics.
  let selfChecked = false;

  return async (event, context) => {
    alerts.registerLambdaContext(context);
    const log = deps.logger.child({ awsRequestId: context.awsRequestId });
    const selfCheck = selfChecked ? null : service.selfCheck(log);
    selfChecked = true;
    try {
      if (isSmokeEvent(event)) {
        return await handleSmokeEvent(event, {
          config: deps.config,
          smoke,
          gitlab: () => gitlabDirectory(log),
          logger: log,
          now,
        });
      }
      const parsed = parseEvent(event, log, metrics);
      if ('outcome' in parsed) return parsed.outcome;
      const verdict = await judge(parsed.assumption, deps, service, log);
      const publication = await dispatchVerdict(verdict, {
        alerts,
        decisions,
        logger: log,
        trigger: 'live',
        now: deps.now,
      });
      metrics.countPublication(publication.action);
      return {
        outcome: 'dispatched',
        eventId: verdict.eventId,
        verdict: verdict.verdict,
        publication: publication.action,
      };
    } catch (cause) {
      log.error({ error: describeError(cause) }, 'event not handled; it will be retried');
      throw cause;
    } finally {
      if (selfCheck !== null) metrics.recordSelfCheck(await selfCheck);
      metrics.flush();
    }
  };
}
