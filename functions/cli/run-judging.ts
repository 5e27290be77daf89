/**
 * The run step shared by `evaluate` and `hunt` (without --reconcile): judge a source, print the selected verdicts in
 * the planned format and place, then the summary, and map the outcome to the exit status.
 */
import type { OidcWatchError } from '../../lib/core/errors';
import type { RecordSource } from '../../lib/core/source';
import type { Verdict } from '../../lib/core/verdict';
import type { Engine } from '../../lib/composition';
import { describeCliError, secondsSince } from './args';
import { judgeSource } from './judge';
import { EXIT, runExitCode, stopReason, type CliIo } from './io';
import { emptyCounts, renderSummary, VerdictWriter } from './output';
import { filterNote, openOutput, selected, type OutputPlan } from './output-options';
import { stoppable } from './stoppable';

/** What a progress display needs to hear about; ProgressLine implements it. */
export interface RunObserver {
  verdict(kind: string): void;
  /** Clears the progress line before anything else is written to stderr. */
  done(): void;
}

export interface JudgingRun {
  readonly source: RecordSource;
  readonly engine: Engine;
  readonly plan: OutputPlan;
  readonly concurrency: number;
  readonly progress?: RunObserver;
  /** Written to stderr after the verdicts and before the summary (e.g. the Athena query's scanned bytes). */
  readonly report?: () => string | null;
}

export async function runJudging(run: JudgingRun, io: CliIo): Promise<number> {
  const started = process.hrtime.bigint();
  const { plan, progress } = run;
  const target = openOutput(plan, io);
  const writer = new VerdictWriter(plan.format, target.stream, {
    colour: plan.colour,
    width: plan.width,
    sortByTime: plan.sortByTime,
  });
  const counts = emptyCounts();
  let shown = 0;
  let shownFindings = 0;
  const onVerdict = (v: Verdict) => {
    progress?.verdict(v.verdict);
    if (!selected(plan, v)) return;
    shown += 1;
    if (v.verdict === 'alert' || v.verdict === 'unverified') shownFindings += 1;
    return writer.write(v);
  };
  const onError = (e: OidcWatchError) => {
    progress?.done();
    io.stderr.write(`error: ${describeCliError(e)}\n`);
  };
  try {
    await judgeSource(
      stoppable(run.source, io.stop),
      run.engine,
      counts,
      { onVerdict, onError },
      run.concurrency,
    );
  } finally {
    progress?.done();
    const stopped = stopReason(io.stop);
    // The reader of stdout is gone (`| head`): nothing more to print, not even the summary.
    if (stopped !== 'output-closed') {
      // A source that failed part-way (Athena, LookupEvents) still gets the verdicts already judged printed.
      await writer.end();
      await target.close();
    }
  }
  const stopped = stopReason(io.stop);
  if (stopped === 'output-closed') return EXIT.outputClosed;
  const report = run.report?.();
  if (report) io.stderr.write(report);
  if (!plan.quiet || stopped === 'interrupted') {
    io.stderr.write(renderSummary(counts, secondsSince(started), stopped));
    io.stderr.write(filterNote(plan, shown));
  }
  return runExitCode(shownFindings, counts.errors, io.stop);
}
