/**
 * What happens to a verdict once it is judged; shared by the correlator Lambda, the scheduled reconcile and the
 * CLI's reconcile mode so that all three behave alike.
 *
 * Order is the contract: publish first, record second. A verdict in the decision log therefore implies that its
 * alert went out (reconcile skips events that have one), and a failed publish is never recorded as done: it throws
 * PublishError so that the event is delivered again. Publishing twice is prevented by the AlertPublisher
 * (idempotent per eventId and verdict kind), not here.
 */
import { OidcWatchError, PublishError, describeError } from './errors';
import type { Logger } from './logger';
import type { AlertPublisher, DecisionLog } from './ports';
import type { Verdict } from './verdict';

export interface DispatchDeps {
  readonly alerts: AlertPublisher;
  readonly decisions: DecisionLog;
  readonly logger: Logger;
}

/** Whether a verdict is sent as an alert (everything that is not known to be fine). */
export function needsAlert(verdict: Verdict): boolean {
  return verdict.verdict === 'alert' || verdict.verdict === 'unverified';
}

function asPublishError(what: string, verdict: Verdict, cause: unknown): PublishError {
  if (cause instanceof PublishError) return cause;
  return new PublishError(`${what} failed for event ${verdict.eventId}: ${describeError(cause)}`, { cause });
}

export async function dispatchVerdict(verdict: Verdict, deps: DispatchDeps): Promise<void> {
  const where = {
    eventId: verdict.eventId,
    verdict: verdict.verdict,
    severity: verdict.severity,
    policy: verdict.policy,
  };
  if (needsAlert(verdict)) {
    try {
      await deps.alerts.publish(verdict);
    } catch (cause) {
      // Any failure here (SNS, the idempotency store, a bug in rendering) means "not sent": retry the event.
      const error = asPublishError('alert publication', verdict, cause);
      deps.logger.error({ ...where, err: describe(error) }, 'alert not published; the event will be retried');
      throw error;
    }
  }
  try {
    await deps.decisions.record(verdict);
  } catch (cause) {
    const error = asPublishError('decision log write', verdict, cause);
    deps.logger.error({ ...where, err: describe(error) }, 'verdict not recorded; the event will be retried');
    throw error;
  }
  deps.logger.info(where, 'verdict dispatched');
}

function describe(error: OidcWatchError): { name: string; message: string; cause?: string } {
  const cause = error.cause instanceof Error ? describeError(error.cause) : undefined;
  return cause === undefined
    ? { name: error.name, message: error.message }
    : { name: error.name, message: error.message, cause };
}
