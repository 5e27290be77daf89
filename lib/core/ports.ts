/**
 * Outbound ports of the service, implemented by lib/adapters (SNS, S3, DynamoDB) and used by the correlator
 * Lambda, the reconcile function and the CLI's reconcile mode.
 */
import type { PublicationContext, PublicationReason, Standing } from './publication';
import type { Verdict, VerdictKind } from './verdict';

/** One message to send: the verdict and where it stands in the event's chain of messages. */
export interface AlertMessage {
  readonly verdict: Verdict;
  readonly publication: PublicationContext;
}

/** Sends one rendered message (SNS). Not idempotent by itself. Returns the transport's message id. */
export interface AlertSender {
  send(message: AlertMessage): Promise<string>;
}

/** What an evaluation meant for responders (recorded with it in the decision history). */
export interface PublicationOutcome {
  readonly action: 'initial' | 'update' | 'none';
  readonly reason: PublicationReason;
  /** The message's sequence number when one was published by this evaluation, else the standing's. */
  readonly sequence: number;
  readonly messageId: string | null;
  /** The first message of the event, when this one is an update (or a repeat of one). */
  readonly refersTo: string | null;
  /** The standing after this evaluation (null: nothing to tell, nothing remembered). */
  readonly standing: Standing | null;
}

/**
 * Decides what a new evaluation of an event means for responders (lib/core/publication.ts) and publishes it exactly
 * once: a duplicate never publishes, an update always does. Throws PublishError when the outcome is not known to be
 * settled (the event must then be retried; never swallow).
 */
export interface AlertPublisher {
  publish(verdict: Verdict): Promise<PublicationOutcome>;
  /** What responders were last told about an event (null: nothing known). Throws when the store cannot answer. */
  standingOf(eventId: string): Promise<Standing | null>;
}

/** Which path evaluated the event. */
export type EvaluationTrigger = 'live' | 'reconcile' | 'cli';

/** One evaluation as the decision history stores it: the verdict, why it was (not) published, the standing after. */
export interface DecisionEntry extends Verdict {
  readonly recordedAt: string;
  readonly trigger: EvaluationTrigger;
  readonly publication: {
    readonly action: PublicationOutcome['action'];
    readonly reason: PublicationReason;
    readonly sequence: number;
    readonly messageId: string | null;
    readonly refersTo: string | null;
  };
  readonly standing: {
    readonly verdict: VerdictKind;
    readonly severity: string;
    readonly sequence: number;
    readonly alertCodes: readonly string[];
  } | null;
}

/**
 * The decision history: every evaluation appended, never overwritten (layout: decisionRecordKey). The adapter adds
 * `recordId` (the unique part of the key) to the stored body.
 */
export interface DecisionLog {
  append(entry: DecisionEntry): Promise<void>;
  /** The verdicts of every recorded evaluation of one event, oldest first (reconciliation). */
  history(eventId: string, eventTime: string): Promise<readonly VerdictKind[]>;
}

const DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

function eventDay(eventTime: string): string {
  const day = eventTime.slice(0, 10);
  if (!DAY.test(day)) throw new RangeError(`eventTime is not ISO 8601: ${eventTime}`);
  return day;
}

/**
 * eventIDs are UUIDs; anything else is encoded so that a crafted id cannot escape the prefix, and `.` is encoded too
 * so that `<eventId>.` is an exact listing prefix (no other event's keys start with it).
 */
function encodeEventId(eventId: string): string {
  return encodeURIComponent(eventId).replace(/\./g, '%2E');
}

/**
 * Where the history of one event lives: `<prefix>dt=<event day, UTC>/<eventId>.`. Every record of the event (and
 * the single object of the layout before histories, `<eventId>.json`) starts with it.
 */
export function decisionHistoryPrefix(prefix: string, eventId: string, eventTime: string): string {
  return `${prefix}dt=${eventDay(eventTime)}/${encodeEventId(eventId)}.`;
}

/** `2025-04-16T02:46:56.123Z` -> `20250416T024656123Z`: sortable, no characters that need encoding. */
export function compactTimestamp(iso: string): string {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,3}))?/.exec(
    iso,
  );
  if (!match) throw new RangeError(`not an ISO 8601 UTC timestamp: ${iso}`);
  const [, y, mo, d, h, mi, s, ms] = match;
  return `${y}${mo}${d}T${h}${mi}${s}${(ms ?? '').padEnd(3, '0')}Z`;
}

/**
 * The S3 key of one evaluation: `<prefix>dt=YYYY-MM-DD/<eventId>.<recordedAt compact>.<verdict>.<nonce>.json`. The
 * verdict is in the key so that reconciliation reads a history with one listing and no GETs. Pure: shared by the
 * writer, the reader and the Athena DDL.
 */
export function decisionRecordKey(
  prefix: string,
  entry: Pick<DecisionEntry, 'eventId' | 'eventTime' | 'recordedAt' | 'verdict'>,
  nonce: string,
): string {
  if (!/^[a-z0-9]{4,32}$/.test(nonce)) throw new RangeError(`nonce must be 4-32 of [a-z0-9]: ${nonce}`);
  return `${decisionHistoryPrefix(prefix, entry.eventId, entry.eventTime)}${recordIdOf(entry, nonce)}.json`;
}

/** The unique part of a record's key, also stored in its body as `recordId`. */
export function recordIdOf(entry: Pick<DecisionEntry, 'recordedAt' | 'verdict'>, nonce: string): string {
  return `${compactTimestamp(entry.recordedAt)}.${entry.verdict}.${nonce}`;
}

const VERDICT_KINDS: readonly VerdictKind[] = ['alert', 'unverified', 'ok', 'ignored'];

/**
 * Reads a key under a history prefix: `{verdict}` for a record of this layout, `legacy` for the single object of the
 * layout before histories (its verdict is in the body), null for anything else.
 */
export function parseDecisionKey(
  historyPrefix: string,
  key: string,
): { readonly verdict: VerdictKind } | 'legacy' | null {
  if (!key.startsWith(historyPrefix)) return null;
  const rest = key.slice(historyPrefix.length);
  if (rest === 'json') return 'legacy';
  const match = /^[0-9]{8}T[0-9]{9}Z\.([a-z]+)\.[a-z0-9]{4,32}\.json$/.exec(rest);
  const verdict = VERDICT_KINDS.find((v) => v === match?.[1]);
  return verdict === undefined ? null : { verdict };
}
