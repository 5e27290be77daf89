/**
 * What the fault soak asserts, over what it observed: the decision history in S3 (one record per evaluation, each
 * with its publication outcome and the event's standing verdict), the alert topic's messages as the SQS, HTTP and
 * HTTPS subscribers got them, the correlator's failure queue and the reconcile run. Returns every violation (not
 * just the first) and the figures.
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { AttemptResult } from './lambda';
import type { ParsedAlert } from './service';
import type { Plan } from './soak';
import type { Delivery } from './subscribers';

export interface SoakObservations {
  readonly plan: Plan;
  readonly expectedVerdict: (pipelineId: number) => 'ok' | 'alert';
  readonly outcomes: ReadonlyArray<{
    readonly delivery: { readonly eventId: string | null; readonly malformed: boolean };
    readonly attempts: number;
    readonly deadLettered: boolean;
    readonly result: unknown;
  }>;
  readonly deadLetters: readonly Message[];
  readonly historyBeforeReconcile: ReadonlyArray<{ key: string; records: Record<string, unknown>[] }>;
  readonly history: ReadonlyArray<{ key: string; records: Record<string, unknown>[] }>;
  readonly reconcile: AttemptResult;
  readonly sqs: readonly ParsedAlert[];
  readonly http: readonly Delivery[];
  readonly https: readonly Delivery[];
}

export interface SoakReport {
  readonly violations: string[];
  readonly figures: Record<string, unknown>;
}

interface SentAlert {
  readonly messageId: string;
  readonly eventId: string;
  readonly verdict: string;
  readonly severity: string;
  readonly codes: string;
  readonly kind: string | undefined;
  readonly sequence: number | undefined;
  readonly firstMessageId: string | undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function attribute(alert: ParsedAlert, name: string): string | undefined {
  const value = record(record(alert.envelope.MessageAttributes)[name]).Value;
  return typeof value === 'string' ? value : undefined;
}

function alertCodes(findings: unknown): string {
  if (!Array.isArray(findings)) return '';
  return findings
    .map((f) => record(f))
    .filter((f) => f.class === undefined || f.class === 'alert')
    .map((f) => String(f.code))
    .sort()
    .join(',');
}

function sentAlert(alert: ParsedAlert): SentAlert {
  const publication = record(alert.message.publication);
  const sequence = attribute(alert, 'sequence') ?? publication.sequence;
  const first = record(publication.first);
  return {
    messageId: String(alert.envelope.MessageId),
    eventId: String(alert.message.eventId),
    verdict: String(alert.message.verdict),
    severity: String(alert.message.severity),
    codes: alertCodes(alert.message.findings),
    kind: attribute(alert, 'kind') ?? (typeof publication.kind === 'string' ? publication.kind : undefined),
    sequence: sequence === undefined ? undefined : Number(sequence),
    firstMessageId: typeof first.messageId === 'string' ? first.messageId : undefined,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k) ?? [];
    list.push(item);
    groups.set(k, list);
  }
  return groups;
}

/** Per event: messages numbered 1..N, first initial, the rest updates pointing at it, no repeat of a message. */
function checkMessages(eventId: string, sent: SentAlert[], violations: string[]): void {
  const ordered = [...sent].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
  ordered.forEach((alert, index) => {
    const where = `event ${eventId} message ${index + 1}/${ordered.length} (${alert.verdict})`;
    if (alert.sequence !== index + 1) violations.push(`${where}: sequence ${alert.sequence ?? 'missing'}`);
    const expectedKind = index === 0 ? 'initial' : 'update';
    if (alert.kind !== expectedKind)
      violations.push(`${where}: kind ${alert.kind ?? 'missing'}, not ${expectedKind}`);
    const first = ordered[0];
    if (index > 0 && first !== undefined && alert.firstMessageId !== first.messageId) {
      violations.push(`${where}: update does not refer to the first alert ${first.messageId}`);
    }
    const previous = ordered[index - 1];
    if (
      previous !== undefined &&
      previous.verdict === alert.verdict &&
      previous.codes === alert.codes &&
      previous.severity === alert.severity
    ) {
      violations.push(
        `${where}: published twice (same verdict, findings and severity as the message before)`,
      );
    }
  });
}

function historyByEvent(
  history: SoakObservations['history'],
): Map<string, Array<Record<string, unknown> & { key: string }>> {
  const records = history.flatMap((o) =>
    o.records.map((r): Record<string, unknown> & { key: string } => ({ ...r, key: o.key })),
  );
  return groupBy(records, (r) => String(r['eventId']));
}

/** The standing verdict after all evaluations: the record with the highest standing sequence, then the latest. */
function standingVerdict(records: ReadonlyArray<Record<string, unknown>>): string | undefined {
  const ranked = [...records].sort((a, b) => {
    const sa = Number(record(a.standing).sequence ?? 0);
    const sb = Number(record(b.standing).sequence ?? 0);
    return sa !== sb ? sa - sb : String(a.recordedAt ?? '').localeCompare(String(b.recordedAt ?? ''));
  });
  const last = ranked.at(-1);
  if (last === undefined) return undefined;
  const standing = record(last.standing).verdict;
  return typeof standing === 'string' ? standing : String(last.verdict);
}

function pipelineOf(plan: Plan): Map<string, number> {
  return new Map(
    plan.records.map((r) => [
      r.eventID,
      Number(r.requestParameters.roleSessionName.replace('pipeline-', '')),
    ]),
  );
}

function deadLetteredIds(deadLetters: readonly Message[]): Set<string> {
  return new Set(
    deadLetters.map((m) => {
      const body = record(JSON.parse(m.Body ?? '{}'));
      return String(record(record(body.requestPayload).detail).eventID);
    }),
  );
}

/** How the dead-lettered invocations failed (the errorType Lambda recorded), counted. */
function errorTypes(deadLetters: readonly Message[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of deadLetters) {
    const body = record(JSON.parse(m.Body ?? '{}'));
    const type = String(record(body.responsePayload).errorType);
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/** One line of what happened to an event: its evaluations in order, then the messages sent. */
function story(records: ReadonlyArray<Record<string, unknown>>, messages: readonly SentAlert[]): string {
  const evaluations = [...records]
    .sort((a, b) => String(a.recordedAt).localeCompare(String(b.recordedAt)))
    .map((r) => {
      const p = record(r.publication);
      const st = record(r.standing);
      return `${String(r.trigger)}:${String(r.verdict)}->${String(p.action)}#${String(p.sequence)} standing ${String(st.verdict)}#${String(st.sequence)}`;
    });
  const sent = messages.map((m) => `#${m.sequence ?? '?'} ${m.kind ?? '?'} ${m.verdict}`);
  return `history [${evaluations.join(', ')}] messages [${sent.join(', ')}]`;
}

export function checkSoak(o: SoakObservations): SoakReport {
  const violations: string[] = [];
  const dlq = deadLetteredIds(o.deadLetters);
  const before = historyByEvent(o.historyBeforeReconcile);
  const after = historyByEvent(o.history);
  const sent = o.sqs.map(sentAlert);
  const sentByEvent = groupBy(sent, (a) => a.eventId);
  const pipelines = pipelineOf(o.plan);
  const historyMessageIds = new Set(
    o.history
      .flatMap((h) => h.records.map((r) => record(r.publication).messageId))
      .filter((id) => id != null),
  );

  if (!o.reconcile.ok) violations.push(`reconcile failed: ${JSON.stringify(o.reconcile.error)}`);
  for (const r of o.plan.records) {
    const id = r.eventID;
    if (!before.has(id) && !dlq.has(id))
      violations.push(`event ${id}: neither judged nor in the failure queue`);
    const expected = o.expectedVerdict(pipelines.get(id) ?? -1);
    const standing = standingVerdict(after.get(id) ?? []);
    if (standing !== expected)
      violations.push(`event ${id}: ends ${standing ?? 'unjudged'}, expected ${expected}`);
    const messages = sentByEvent.get(id) ?? [];
    checkMessages(id, messages, violations);
    const told = [...messages].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0)).at(-1)?.verdict;
    if (told !== undefined && told !== expected) {
      violations.push(`event ${id}: responders last told ${told}; ${story(after.get(id) ?? [], messages)}`);
    }
    if (told === undefined && expected === 'alert') violations.push(`event ${id}: alert never published`);
    for (const m of messages) {
      if (!historyMessageIds.has(m.messageId))
        violations.push(`event ${id}: message ${m.messageId} not in history`);
    }
  }
  for (const outcome of o.outcomes.filter((x) => x.delivery.malformed)) {
    const result = record(outcome.result);
    if (result.outcome !== 'malformed' || outcome.attempts !== 1) {
      violations.push(
        `malformed delivery ${outcome.delivery.eventId ?? '(no id)'}: ${JSON.stringify(outcome)}`,
      );
    }
    const id = outcome.delivery.eventId;
    if (id !== null && (after.has(id) || sentByEvent.has(id)))
      violations.push(`malformed event ${id} was judged`);
  }
  if (o.http.length !== o.sqs.length || o.https.length !== o.sqs.length) {
    violations.push(
      `fan-out: ${o.sqs.length} SQS, ${o.http.length} HTTP, ${o.https.length} HTTPS deliveries`,
    );
  }

  const allRecords = o.history.flatMap((h) => h.records);
  const reconcileSummary = o.reconcile.ok ? record(o.reconcile.result).counts : undefined;
  return {
    violations:
      violations.length > 50
        ? [...violations.slice(0, 50), `... ${violations.length - 50} more`]
        : violations,
    figures: {
      published: sent.length,
      initialAlerts: sent.filter((a) => a.kind === 'initial').length,
      updates: sent.filter((a) => a.kind === 'update').length,
      deadLettered: dlq.size,
      deadLetterErrorTypes: errorTypes(o.deadLetters),
      historyRecords: allRecords.length,
      unverifiedEvaluations: allRecords.filter((r) => r.verdict === 'unverified').length,
      reconcile: reconcileSummary,
      violations: violations.length,
    },
  };
}
