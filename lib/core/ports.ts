/**
 * Outbound ports of the service, implemented by lib/adapters (SNS, S3, DynamoDB) and used by the correlator
 * Lambda, the reconcile function and the CLI's reconcile mode.
 */
import type { Verdict } from './verdict';

/** Publishes an alert for an `alert` or `unverified` verdict. Throws PublishError on failure (never swallow). */
export interface AlertPublisher {
  publish(verdict: Verdict): Promise<void>;
}

/**
 * The decision log: every verdict, good or bad, stored once per CloudTrail eventID.
 * Layout (S3): `<prefix>dt=YYYY-MM-DD/<eventId>.json`, dt from the EVENT time (UTC), one JSON object per object,
 * on one line (Athena JSON SerDe). Recording the same eventId twice overwrites: idempotent by construction.
 */
export interface DecisionLog {
  record(verdict: Verdict): Promise<void>;
  /** Whether a verdict exists for this event (reconciliation). */
  has(eventId: string, eventTime: string): Promise<boolean>;
}

/** S3 key of a verdict in the decision log. Pure, shared by writer, reader and Athena DDL. */
export function decisionLogKey(prefix: string, eventId: string, eventTime: string): string {
  const day = eventTime.slice(0, 10);
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(day))
    throw new RangeError(`eventTime is not ISO 8601: ${eventTime}`);
  // eventIDs are UUIDs; anything else is encoded so that a crafted id cannot escape the prefix.
  return `${prefix}dt=${day}/${encodeURIComponent(eventId)}.json`;
}
