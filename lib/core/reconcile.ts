/**
 * Reconciliation: judge the assumptions the live path missed. CloudTrail→EventBridge delivery is best effort, so
 * every assumption from a history source (LookupEvents, Athena, files) that has no verdict in the decision log is
 * evaluated by the same engine and dispatched through the same publishers as the live path.
 *
 * The decision log is written after the alert is published (lib/core/dispatch.ts), so "has a verdict" implies
 * "its alert went out". When the decision log cannot answer, the event is judged anyway: the publisher is
 * idempotent per eventId, so the worst case is a repeated record, never a missed alert.
 * See: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html (best-effort delivery)
 */
import type { RoleAssumption } from './assumption';
import { dispatchVerdict } from './dispatch';
import { PublishError, describeError } from './errors';
import type { Logger } from './logger';
import type { AlertPublisher, DecisionLog } from './ports';
import type { RecordSource, SourceItem } from './source';
import type { Verdict, VerdictKind } from './verdict';

export interface ReconcileDeps {
  /** The engine (createEvaluator(...).evaluate): GitLab outages come back as `unverified`, never as a throw. */
  readonly evaluate: (assumption: RoleAssumption) => Promise<Verdict>;
  readonly alerts: AlertPublisher;
  readonly decisions: DecisionLog;
  readonly logger: Logger;
  /** Assumptions judged at once (GitLab lookups are the slow part). Default 4. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Every source item, as read (progress display). */
  readonly onItem?: (item: SourceItem) => void;
  /** Every verdict dispatched (CLI output). */
  readonly onVerdict?: (verdict: Verdict) => void;
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
  /** Already in the decision log: nothing to do. */
  alreadyJudged: number;
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
    decisionLookupFailures: 0,
    dispatched: 0,
    failed: 0,
    verdicts: { alert: 0, unverified: 0, ok: 0, ignored: 0 },
  };
}

interface RunState {
  readonly counts: ReconcileCounts;
  readonly failures: ReconcileFailure[];
  readonly inputErrors: string[];
  readonly seen: Set<string>;
}

/** Whether the decision log already has a verdict; "could not tell" is judged anyway (the publisher dedupes). */
async function alreadyJudged(a: RoleAssumption, deps: ReconcileDeps, state: RunState): Promise<boolean> {
  try {
    return await deps.decisions.has(a.eventId, a.eventTime);
  } catch (error) {
    // "Could not tell" must not become "nothing to do": judge it; the idempotent publisher absorbs a repeat.
    state.counts.decisionLookupFailures += 1;
    deps.logger.warn(
      { eventId: a.eventId, error: describeError(error) },
      'decision log lookup failed; judging the event anyway',
    );
    return false;
  }
}

/** One assumption without a verdict: evaluate, then dispatch; a publish failure is counted for retry. */
async function judgeOne(a: RoleAssumption, deps: ReconcileDeps, state: RunState): Promise<void> {
  const { counts, failures } = state;
  if (await alreadyJudged(a, deps, state)) {
    counts.alreadyJudged += 1;
    return;
  }
  const verdict = await deps.evaluate(a);
  try {
    await dispatchVerdict(verdict, { alerts: deps.alerts, decisions: deps.decisions, logger: deps.logger });
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    counts.failed += 1;
    if (failures.length < MAX_REPORTED) failures.push({ eventId: a.eventId, error: error.message });
    return;
  }
  counts.dispatched += 1;
  counts.verdicts[verdict.verdict] += 1;
  deps.onVerdict?.(verdict);
}

/** Counts an item; returns the assumption when it is one to judge (first time this eventID is seen). */
function admit(item: SourceItem, state: RunState): RoleAssumption | null {
  const { counts } = state;
  if (item.kind === 'skipped') {
    counts.skipped += item.count;
    return null;
  }
  if (item.kind === 'error') {
    counts.inputErrors += 1;
    if (state.inputErrors.length < MAX_REPORTED) state.inputErrors.push(item.error.message);
    return null;
  }
  counts.assumptions += 1;
  const a = item.assumption;
  if (state.seen.has(a.eventId)) {
    counts.duplicates += 1;
    return null;
  }
  state.seen.add(a.eventId);
  return a;
}

/**
 * Reads the whole source; for each assumption without a verdict: evaluate, then dispatch. Per-event publish
 * failures are counted and reported (the caller decides whether the run failed); anything else (a source that
 * cannot be read, a bug) stops the run once in-flight work has settled, and is rethrown.
 */
export async function reconcile(source: RecordSource, deps: ReconcileDeps): Promise<ReconcileResult> {
  const state: RunState = { counts: emptyReconcileCounts(), failures: [], inputErrors: [], seen: new Set() };
  const concurrency = Math.max(1, deps.concurrency ?? 4);
  const inflight = new Set<Promise<void>>();
  let fatal: { error: unknown } | null = null;
  try {
    for await (const item of source) {
      deps.onItem?.(item);
      if (fatal !== null || deps.signal?.aborted) break;
      const a = admit(item, state);
      if (a === null) continue;
      const task: Promise<void> = judgeOne(a, deps, state)
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
  const { counts, failures, inputErrors } = state;
  deps.logger.info({ ...counts, verdicts: { ...counts.verdicts } }, 'reconciliation finished');
  return { counts, failures, inputErrors };
}
