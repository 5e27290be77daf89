/**
 * What responders are told about one CloudTrail event over time: the rules that turn a sequence of evaluations of the
 * same event (redeliveries, reconciliation, re-judging an `unverified` verdict) into at most one first alert and a
 * chain of explicit updates. Pure: the adapters (lib/adapters/alert-ledger.ts) keep the standing and publish.
 *
 * The principle (TEAM rule "a verdict that people saw is never silently rewritten"): every evaluation is recorded;
 * only an evaluation that changes what a responder should do is published, and then as an UPDATE that references the
 * first alert. "Could not tell" (`unverified`) never displaces a conclusion (`alert`, `ok`, `ignored`): a GitLab
 * outage during a redelivery cannot contradict the alert people already saw.
 */
import { SEVERITY_RANK, type FindingCode, type Severity, type Verdict, type VerdictKind } from './verdict';

/** The first message published for an event; every update refers to it. */
export interface FirstAlert {
  readonly messageId: string;
  readonly publishedAt: string;
  readonly verdict: VerdictKind;
  readonly severity: Severity;
}

/**
 * The standing verdict of one event: what responders were last told (when `sequence` > 0), else the last conclusion
 * reached without telling anyone (an `ok` or `ignored` nobody needed to hear about).
 */
export interface Standing {
  /** Messages published for the event so far; 0 when none. */
  readonly sequence: number;
  readonly verdict: VerdictKind;
  /** The routing severity of the last message (or the verdict's severity when nothing was published). */
  readonly severity: Severity;
  /** Alert-class finding codes responders have been told about (union over the messages), sorted. */
  readonly alertCodes: readonly FindingCode[];
  readonly first: FirstAlert | null;
}

export type PublicationKind = 'initial' | 'update';

/** Why an evaluation was or was not published; stable strings, recorded in the decision history. */
export type PublicationReason =
  | 'first-alert'
  | 'escalated'
  | 'resolved'
  | 'withdrawn'
  | 'new-findings'
  | 'reopened'
  | 'duplicate'
  | 'conclusion-stands'
  | 'nothing-to-tell';

/** What the renderers need to show an update as one (and route it like the alert it updates). */
export interface PublicationContext {
  readonly kind: PublicationKind;
  /** 1 for the first message of an event, then 2, 3, ... */
  readonly sequence: number;
  readonly reason: PublicationReason;
  /** Severity for routing (SNS attribute): never lower than what the first alert was routed with. */
  readonly routingSeverity: Severity;
  /** What responders had been told before this message (null for the first one). */
  readonly previous: Pick<Standing, 'verdict' | 'severity' | 'alertCodes'> | null;
  /** The first message of the event (null for the first one itself). */
  readonly first: FirstAlert | null;
}

export type PublicationDecision =
  | { readonly action: 'publish'; readonly context: PublicationContext }
  | { readonly action: 'none'; readonly reason: PublicationReason };

/** Conclusive verdicts settle an event; `unverified` never displaces one. */
export function isConclusive(kind: VerdictKind): boolean {
  return kind !== 'unverified';
}

/** Verdicts that alert when nothing was published before. */
export function alerts(kind: VerdictKind): boolean {
  return kind === 'alert' || kind === 'unverified';
}

/** The alert-class finding codes of a verdict, sorted and unique. */
export function alertCodesOf(verdict: Pick<Verdict, 'findings'>): FindingCode[] {
  return [...new Set(verdict.findings.filter((f) => f.class === 'alert').map((f) => f.code))].sort();
}

function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

function publish(standing: Standing | null, next: Verdict, reason: PublicationReason): PublicationDecision {
  const published = standing !== null && standing.sequence > 0 ? standing : null;
  return {
    action: 'publish',
    context: {
      kind: published === null ? 'initial' : 'update',
      sequence: (published?.sequence ?? 0) + 1,
      reason: published === null ? 'first-alert' : reason,
      routingSeverity: published === null ? next.severity : maxSeverity(published.severity, next.severity),
      previous:
        published === null
          ? null
          : { verdict: published.verdict, severity: published.severity, alertCodes: published.alertCodes },
      first: published?.first ?? null,
    },
  };
}

/** An alert that adds an alert-class code or a higher severity to what responders were told. */
function addsToAlert(standing: Standing, next: Verdict): boolean {
  const told = new Set(standing.alertCodes);
  return (
    alertCodesOf(next).some((code) => !told.has(code)) ||
    SEVERITY_RANK[next.severity] > SEVERITY_RANK[standing.severity]
  );
}

/**
 * The decision for one new evaluation of an event, given its standing (null: never evaluated, or forgotten).
 * The table is in README "Exactly one alert per event"; each branch names its reason.
 */
export function decidePublication(standing: Standing | null, next: Verdict): PublicationDecision {
  if (standing === null || standing.sequence === 0) {
    // Nothing published yet: an alerting verdict is the first alert, unless a conclusion already stands and this
    // evaluation could not tell.
    if (!alerts(next.verdict)) return { action: 'none', reason: 'nothing-to-tell' };
    if (next.verdict === 'unverified' && standing !== null && isConclusive(standing.verdict))
      return { action: 'none', reason: 'conclusion-stands' };
    return publish(standing, next, 'first-alert');
  }
  const told = standing.verdict;
  if (next.verdict === 'unverified') {
    return { action: 'none', reason: told === 'unverified' ? 'duplicate' : 'conclusion-stands' };
  }
  switch (told) {
    case 'unverified':
      return publish(standing, next, next.verdict === 'alert' ? 'escalated' : 'resolved');
    case 'alert':
      if (next.verdict !== 'alert') return publish(standing, next, 'withdrawn');
      return addsToAlert(standing, next)
        ? publish(standing, next, 'new-findings')
        : { action: 'none', reason: 'duplicate' };
    case 'ok':
    case 'ignored':
      return next.verdict === 'alert'
        ? publish(standing, next, 'reopened')
        : { action: 'none', reason: 'duplicate' };
  }
}

/** What a published message establishes about the event (also rebuilt from an idempotency record). */
export interface PublishedMessage {
  readonly messageId: string;
  readonly publishedAt: string;
  readonly sequence: number;
  readonly verdict: VerdictKind;
  readonly routingSeverity: Severity;
  readonly alertCodes: readonly FindingCode[];
}

/** The standing after message `m` went out. */
export function standingAfterPublish(standing: Standing | null, m: PublishedMessage): Standing {
  const previousCodes = standing !== null && standing.sequence > 0 ? standing.alertCodes : [];
  return {
    sequence: m.sequence,
    verdict: m.verdict,
    severity: m.routingSeverity,
    alertCodes: [...new Set([...previousCodes, ...m.alertCodes])].sort(),
    first: standing?.first ?? {
      messageId: m.messageId,
      publishedAt: m.publishedAt,
      verdict: m.verdict,
      severity: m.routingSeverity,
    },
  };
}

/**
 * The standing after an evaluation that published nothing: an `ok` is remembered when nothing was published yet (so
 * that a later `unverified` cannot alert over it); otherwise the standing is unchanged. `ignored` is not remembered:
 * it is most of the traffic, and only a config change can turn it into anything else.
 */
export function standingWithoutPublish(standing: Standing | null, next: Verdict): Standing | null {
  if (standing !== null && standing.sequence > 0) return standing;
  if (next.verdict !== 'ok') return standing;
  return { sequence: 0, verdict: next.verdict, severity: next.severity, alertCodes: [], first: null };
}

/** Whether two standings are the same (nothing to write). */
export function sameStanding(a: Standing | null, b: Standing | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
