/**
 * What happens to a verdict once it is judged; shared by the correlator Lambda, the scheduled reconcile and the
 * CLI's reconcile mode so that all three behave alike.
 *
 * Order is the contract: publish first, record second. The AlertPublisher decides what the evaluation means for
 * responders (first alert, update, or nothing new: lib/core/publication.ts) and publishes it exactly once; then the
 * evaluation is APPENDED to the decision history together with that outcome. A record in the history therefore
 * implies that whatever it says was published went out, and a failed publish is never recorded: it throws
 * PublishError so that the event is delivered again.
 */
import { OidcWatchError, PublishError, describeError } from './errors';
import type { Logger } from './logger';
import type {
  AlertPublisher,
  DecisionEntry,
  DecisionLog,
  EvaluationTrigger,
  PublicationOutcome,
} from './ports';
import type { Verdict } from './verdict';

export interface DispatchDeps {
  readonly alerts: AlertPublisher;
  readonly decisions: DecisionLog;
  readonly logger: Logger;
  readonly trigger: EvaluationTrigger;
  readonly now?: () => Date;
}

/** Whether a verdict is sent as an alert when nothing was sent for its event before. */
export function needsAlert(verdict: Verdict): boolean {
  return verdict.verdict === 'alert' || verdict.verdict === 'unverified';
}

function asPublishError(what: string, verdict: Verdict, cause: unknown): PublishError {
  if (cause instanceof PublishError) return cause;
  return new PublishError(`${what} failed for event ${verdict.eventId}: ${describeError(cause)}`, { cause });
}

/** The history record of one evaluation. */
export function decisionEntry(
  verdict: Verdict,
  outcome: PublicationOutcome,
  trigger: EvaluationTrigger,
  recordedAt: string,
): DecisionEntry {
  const s = outcome.standing;
  return {
    ...verdict,
    recordedAt,
    trigger,
    publication: {
      action: outcome.action,
      reason: outcome.reason,
      sequence: outcome.sequence,
      messageId: outcome.messageId,
      refersTo: outcome.refersTo,
    },
    standing:
      s === null
        ? null
        : { verdict: s.verdict, severity: s.severity, sequence: s.sequence, alertCodes: s.alertCodes },
  };
}

export async function dispatchVerdict(verdict: Verdict, deps: DispatchDeps): Promise<PublicationOutcome> {
  const where = {
    eventId: verdict.eventId,
    verdict: verdict.verdict,
    severity: verdict.severity,
    policy: verdict.policy,
  };
  let outcome: PublicationOutcome;
  try {
    outcome = await deps.alerts.publish(verdict);
  } catch (cause) {
    // Any failure here (SNS, the idempotency store, a bug in rendering) means "not sent": retry the event.
    const error = asPublishError('alert publication', verdict, cause);
    deps.logger.error({ ...where, err: describe(error) }, 'alert not published; the event will be retried');
    throw error;
  }
  const recordedAt = (deps.now ?? (() => new Date()))().toISOString();
  try {
    await deps.decisions.append(decisionEntry(verdict, outcome, deps.trigger, recordedAt));
  } catch (cause) {
    const error = asPublishError('decision history append', verdict, cause);
    deps.logger.error({ ...where, err: describe(error) }, 'verdict not recorded; the event will be retried');
    throw error;
  }
  deps.logger.info(
    { ...where, publication: outcome.action, reason: outcome.reason, sequence: outcome.sequence },
    'verdict dispatched',
  );
  return outcome;
}

function describe(error: OidcWatchError): { name: string; message: string; cause?: string } {
  const cause = error.cause instanceof Error ? describeError(error.cause) : undefined;
  return cause === undefined
    ? { name: error.name, message: error.message }
    : { name: error.name, message: error.message, cause };
}
