/**
 * The loop that judges a record source for `evaluate`, `hunt` and the demo with bounded concurrency while keeping the
 * source's order in the output. The engine itself comes from the composition module (lib/composition).
 */
import type { RoleAssumption } from '../../lib/core/assumption';
import { InputError, type OidcWatchError, errorMessage } from '../../lib/core/errors';
import type { RecordSource } from '../../lib/core/source';
import type { Verdict } from '../../lib/core/verdict';
import type { Engine } from '../../lib/composition';
import type { RunCounts } from './output';

export interface JudgeHandlers {
  onVerdict(v: Verdict): void | Promise<void>;
  onError(e: OidcWatchError): void;
  /** Called after each item; for progress displays. */
  onProgress?(counts: RunCounts): void;
}

type Settled = { ok: true; verdict: Verdict } | { ok: false; error: unknown; assumption: RoleAssumption };

/** Reports one settled evaluation: a verdict is counted and handed on; a failure is an input error for that record. */
function emitter(counts: RunCounts, handlers: JudgeHandlers): (s: Settled) => Promise<void> {
  return async (s) => {
    if (s.ok) {
      counts.verdicts[s.verdict.verdict] += 1;
      await handlers.onVerdict(s.verdict);
      return;
    }
    counts.errors += 1;
    const { eventId } = s.assumption;
    handlers.onError(
      new InputError(`evaluation failed for event ${eventId}: ${errorMessage(s.error)}`, eventId, undefined, {
        cause: s.error,
      }),
    );
  };
}

function settle(engine: Engine, assumption: RoleAssumption, quick: Verdict | null): Promise<Settled> {
  if (quick) return Promise.resolve({ ok: true, verdict: quick });
  return engine.evaluator.evaluate(assumption).then(
    (verdict): Settled => ({ ok: true, verdict }),
    (error: unknown): Settled => ({ ok: false, error, assumption }),
  );
}

/**
 * Judges every record of a source. Records that need no GitLab lookup are judged synchronously; the others run
 * concurrently (at most `concurrency` in flight; the GitLab adapter bounds its own requests), and verdicts are
 * emitted in source order. An evaluation that throws is an error for that record, never a silent pass.
 */
export async function judgeSource(
  source: RecordSource,
  engine: Engine,
  counts: RunCounts,
  handlers: JudgeHandlers,
  concurrency = 64,
): Promise<void> {
  const window: Promise<Settled>[] = [];
  const emit = emitter(counts, handlers);
  try {
    for await (const item of source) {
      if (item.kind === 'skipped') counts.skipped += item.count;
      else if (item.kind === 'error') {
        counts.errors += 1;
        handlers.onError(item.error);
      } else {
        counts.records += 1;
        const quick = engine.evaluator.triage(item.assumption);
        if (quick && window.length === 0) await emit({ ok: true, verdict: quick });
        else window.push(settle(engine, item.assumption, quick));
        if (window.length >= concurrency) {
          const head = window.shift();
          if (head) await emit(await head);
        }
      }
      handlers.onProgress?.(counts);
    }
  } finally {
    // Even when the source fails, every record already read is judged and reported: nothing is lost.
    for (let head = window.shift(); head; head = window.shift()) {
      await emit(await head);
      handlers.onProgress?.(counts);
    }
  }
  const stats = engine.gitlabStats();
  counts.gitlabRequests = stats.requests;
  counts.gitlabCacheHits = stats.cacheHits;
}
