/**
 * Reconciliation: judge the assumptions the live path missed, and re-judge the ones it could not verify.
 * CloudTrail→EventBridge delivery is best effort, so every assumption from a history source (LookupEvents, Athena,
 * files) is looked up in the decision history:
 * - responders were last told `unverified` (the publisher's standing), or, with no standing, only `unverified`
 *   records: judged again while the event is younger than `unverifiedMaxAgeMs`, so that a verdict GitLab could not
 *   settle resolves (to an UPDATE of the unverified alert) once GitLab answers; older: aged out (counted, left as is);
 * - no standing and no record: judged now (missed by the live path);
 * - any other standing, or a conclusive record: nothing to do, a re-evaluation could not change what was told.
 * Everything judged goes through the same engine and the same publisher as the live path (lib/core/dispatch.ts).
 *
 * History records are appended after publication, so "has a record" implies "what it says was published". When the
 * history cannot answer, the event is judged anyway: the publisher suppresses duplicates, so the worst case is one
 * more record, never a missed or repeated alert.
 * See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html (best-effort delivery)
 */
import type { RoleAssumption } from './assumption';
import { dispatchVerdict } from './dispatch';
import { PublishError, describeError } from './errors';
import type { Logger } from './logger';
import type { AlertPublisher, DecisionLog, EvaluationTrigger, PublicationOutcome } from './ports';
import { isConclusive, type Standing } from './publication';
import type { RecordSource, SourceItem } from './source';
import type { Verdict, VerdictKind } from './verdict';

export interface ReconcileDeps {
  /** The engine (createEvaluator(...).evaluate): GitLab outages come back as `unverified`, never as a throw. */
  readonly evaluate: (assumption: RoleAssumption) => Promise<Verdict>;
  readonly alerts: AlertPublisher;
  readonly decisions: DecisionLog;
  readonly logger: Logger;
  /** Which path this run is (recorded with each evaluation). */
  readonly trigger: EvaluationTrigger;
  /** `unverified` events older than this (by event time) are no longer re-judged. */
  readonly unverifiedMaxAgeMs: number;
  readonly now?: () => Date;
  /** Assumptions judged at once (GitLab lookups are the slow part). Default 4. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Every source item, as read (progress display). */
  readonly onItem?: (item: SourceItem) => void;
  /** Every verdict dispatched (CLI output). */
  readonly onVerdict?: (verdict: Verdict, publication: PublicationOutcome) => void;
}

export interface ReconcileCounts {
  /** AssumeRoleWithWebIdentity records read. */
  assumptions: number;
  /** Other events the source passed on. */
  skipped: number;
  /** Records the source could not read (reported, not judged). */
  inputErrors: number;
  /** The same eventID seen again in this run. */
  duplicates: number;
  /** A conclusive verdict is in the decision history: nothing to do. */
  alreadyJudged: number;
  /** Only `unverified` verdicts in the history: judged again. */
  rejudged: number;
  /** Only `unverified` verdicts, and the event is older than the re-judging window: left as it is. */
  agedOut: number;
  /** The decision log could not answer; judged anyway. */
  decisionLookupFailures: number;
  /** Judged and dispatched now. */
  dispatched: number;
  /** Judged but not dispatched (publish or record failed): must be retried. */
  failed: number;
  verdicts: Record<VerdictKind, number>;
}

export interface ReconcileFailure {
  readonly eventId: string;
  readonly error: string;
}

export interface ReconcileResult {
  readonly counts: ReconcileCounts;
  /** The first failures (at most 100), for the report. */
  readonly failures: readonly ReconcileFailure[];
  /** Input errors as reported by the source (at most 100). */
  readonly inputErrors: readonly string[];
}

const MAX_REPORTED = 100;

export function emptyReconcileCounts(): ReconcileCounts {
  return {
    assumptions: 0,
    skipped: 0,
    inputErrors: 0,
    duplicates: 0,
    alreadyJudged: 0,
    rejudged: 0,
    agedOut: 0,
    decisionLookupFailures: 0,
    dispatched: 0,
    failed: 0,
    verdicts: { alert: 0, unverified: 0, ok: 0, ignored: 0 },
  };
}

/**
 * Reads the whole source; for each assumption without a verdict: evaluate, then dispatch. Per-event publish
 * failures are counted and reported (the caller decides whether the run failed); anything else (a source that
 * cannot be read, a bug) stops the run once in-flight work has settled, and is rethrown.
 */
/** What one run accumulates. */
interface RunState {
  readonly counts: ReconcileCounts;
  readonly failures: ReconcileFailure[];
  readonly inputErrors: string[];
}

type Plan = 'judge' | 'rejudge' | 'done' | 'aged-out';

/** `unverified` to be judged again, unless the event is older than the re-judging window. */
function rejudgeOrAgedOut(a: RoleAssumption, deps: ReconcileDeps): Plan {
  const now = (deps.now ?? (() => new Date()))().getTime();
  return now - Date.parse(a.eventTime) > deps.unverifiedMaxAgeMs ? 'aged-out' : 'rejudge';
}

/**
 * What to do with one event. The standing (what responders were told, kept by the publisher) decides when there is
 * one: told `unverified` means "judge again"; anything else is settled. Without a standing (nothing ever published,
 * records older than the standing store), the decision history decides: no record -> judge; only `unverified`
 * records -> judge again; a conclusive record -> settled.
 */
async function planFor(a: RoleAssumption, deps: ReconcileDeps, state: RunState): Promise<Plan> {
  let standing: Standing | null;
  let history: readonly VerdictKind[];
  try {
    standing = await deps.alerts.standingOf(a.eventId);
    history = standing === null ? await deps.decisions.history(a.eventId, a.eventTime) : [];
  } catch (error) {
    // "Could not tell" must not become "nothing to do": judge it; the idempotent publisher absorbs a repeat.
    state.counts.decisionLookupFailures += 1;
    deps.logger.warn(
      { eventId: a.eventId, error: describeError(error) },
      'decision history lookup failed; judging the event anyway',
    );
    return 'judge';
  }
  if (standing !== null) return standing.verdict === 'unverified' ? rejudgeOrAgedOut(a, deps) : 'done';
  if (history.length === 0) return 'judge';
  if (history.some(isConclusive)) return 'done';
  return rejudgeOrAgedOut(a, deps);
}

/** Plans, and when there is something to do, evaluates and dispatches one event. */
async function judge(a: RoleAssumption, deps: ReconcileDeps, state: RunState): Promise<void> {
  const { counts } = state;
  switch (await planFor(a, deps, state)) {
    case 'done':
      counts.alreadyJudged += 1;
      return;
    case 'aged-out':
      counts.agedOut += 1;
      return;
    case 'rejudge':
      counts.rejudged += 1;
      break;
    case 'judge':
      break;
  }
  const verdict = await deps.evaluate(a);
  let publication: PublicationOutcome;
  try {
    publication = await dispatchVerdict(verdict, {
      alerts: deps.alerts,
      decisions: deps.decisions,
      logger: deps.logger,
      trigger: deps.trigger,
      now: deps.now,
    });
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    counts.failed += 1;
    if (state.failures.length < MAX_REPORTED)
      state.failures.push({ eventId: a.eventId, error: error.message });
    return;
  }
  counts.dispatched += 1;
  counts.verdicts[verdict.verdict] += 1;
  deps.onVerdict?.(verdict, publication);
}

/** Counts a non-assumption item; returns the assumption to judge, if the item is one. */
function take(item: SourceItem, state: RunState): RoleAssumption | null {
  switch (item.kind) {
    case 'skipped':
      state.counts.skipped += item.count;
      return null;
    case 'error':
      state.counts.inputErrors += 1;
      if (state.inputErrors.length < MAX_REPORTED) state.inputErrors.push(item.error.message);
      return null;
    case 'assumption':
      state.counts.assumptions += 1;
      return item.assumption;
  }
}

export async function reconcile(source: RecordSource, deps: ReconcileDeps): Promise<ReconcileResult> {
  const state: RunState = { counts: emptyReconcileCounts(), failures: [], inputErrors: [] };
  const { counts } = state;
  const seen = new Set<string>();
  const concurrency = Math.max(1, deps.concurrency ?? 4);
  const inflight = new Set<Promise<void>>();
  let fatal: { error: unknown } | null = null;
  try {
    for await (const item of source) {
      deps.onItem?.(item);
      if (fatal !== null || deps.signal?.aborted) break;
      const a = take(item, state);
      if (a === null) continue;
      if (seen.has(a.eventId)) {
        counts.duplicates += 1;
        continue;
      }
      seen.add(a.eventId);
      const task: Promise<void> = judge(a, deps, state)
        .catch((error: unknown) => {
          fatal ??= { error };
        })
        .finally(() => inflight.delete(task));
      inflight.add(task);
      if (inflight.size >= concurrency) await Promise.race(inflight);
    }
  } finally {
    // Whether the source ended, failed or we stopped reading: let the events already being judged finish.
    await Promise.all(inflight);
  }
  if (fatal !== null) throw (fatal as { error: unknown }).error;
  if (deps.signal?.aborted) throw deps.signal.reason;
  deps.logger.info({ ...counts, verdicts: { ...counts.verdicts } }, 'reconciliation finished');
  return { counts, failures: state.failures, inputErrors: state.inputErrors };
}
