/**
 * `oidc-watch hunt`: the same engine over history. Sources: Athena (the CloudTrail table, filters as execution
 * parameters), CloudTrail LookupEvents (90 days, 2 requests/s per region), or local files (a synced trail bucket).
 * With --reconcile, events with no verdict in the decision history, or only `unverified` ones, are judged and
 * dispatched through the service's publishers (SNS alerts and updates, decision history), exactly as the live path
 * would; the rest are skipped.
 *
 * plan (hunt-plan.ts: the arguments, checked; pure) -> build (hunt-build.ts: config, engine, publishers, source)
 * -> run (here: judge or reconcile, print verdicts, progress and a summary).
 */
import { FILE_WORKERS_HELP } from '../file-workers';
import { CLOUDTRAIL_TABLE, DEFAULT_DATABASE, DEFAULT_WORKGROUP } from '../../../lib/athena';
import type { OidcWatchError } from '../../../lib/core/errors';
import { reconcile } from '../../../lib/core/reconcile';
import { LOOKUP_EVENTS_RETENTION_DAYS } from '../../../lib/sources/lookup-events';
import { describeCliError, resolveInputs, secondsSince } from '../args';
import { type CliIo, EXIT, EXIT_HELP, UsageError, runExitCode, stopReason } from '../io';
import { VerdictWriter } from '../output';
import { OUTPUT_HELP, openOutput, selected, stderrLogger } from '../output-options';
import { ProgressLine, tapProgress } from '../progress';
import { runJudging } from '../run-judging';
import { stoppable } from '../stoppable';
import { buildHunt, type HuntRun } from './hunt-build';
import { type HuntPlan, planHunt } from './hunt-plan';

export const HUNT_HELP = `Usage: oidc-watch hunt --source athena|lookup-events|files [options] [PATH...]

Runs the same engine as 'evaluate' over history, and prints one verdict per AssumeRoleWithWebIdentity record.

Sources:
  athena          the CloudTrail table the stack creates (Glue database ${DEFAULT_DATABASE}, workgroup ${DEFAULT_WORKGROUP});
                  time range and filters are sent as query execution parameters, never spliced into SQL
  lookup-events   CloudTrail event history of the current account (last ${LOOKUP_EVENTS_RETENTION_DAYS} days), 2 requests/s per region
  files           PATH... : CloudTrail log files or a synced trail bucket (gzip detected), as for 'evaluate'

Options:
  -c, --config FILE        policy file (YAML or JSON). Default: $OIDC_WATCH_CONFIG_FILE, else ./oidc-watch.config.yaml
  -s, --source SOURCE      athena | lookup-events | files (required)
      --since WHEN         ISO 8601 time or relative (30m, 24h, 7d, 2w). Default 7d for athena and lookup-events;
                           files: no lower bound
      --until WHEN         ISO 8601 time or relative. Default: now
      --region REGION      repeatable. lookup-events: the regions to read (default $AWS_REGION); athena: partition filter;
                           files: filter. Calls to the global STS endpoint are logged in us-east-1
      --role ROLE          repeatable. A role name (any account, any path), an ARN, or an ARN glob with *
      --account ID         repeatable. The account that owns the role
      --workgroup NAME     athena workgroup (default ${DEFAULT_WORKGROUP})
      --database NAME      athena database (default ${DEFAULT_DATABASE})
      --table NAME         athena CloudTrail table (default ${CLOUDTRAIL_TABLE})
      --reconcile          judge events with no verdict in the decision history, re-judge those whose only verdicts
                           are unverified (until deployment.reconcile.unverifiedMaxAgeHours), and dispatch them
                           through the service's publishers (alerts and updates to SNS, records to the history)
      --decision-bucket B  decision-log bucket (default $DECISION_LOG_BUCKET); with --reconcile
      --decision-prefix P  decision-log key prefix (default $DECISION_LOG_PREFIX, else decisions/)
      --alert-topic ARN    alert topic (default $ALERT_TOPIC_ARN); with --reconcile
      --idempotency-table T  the service's idempotency table (default $IDEMPOTENCY_TABLE): shares each event's
                           standing verdict with the live path. Required with --reconcile
      --concurrency N      records judged at once (default 64; 4 with --reconcile)
      --no-self-check      judge even when the self-check (oidc-watch doctor) finds the config or token broken
      ${FILE_WORKERS_HELP}
  -h, --help               this help

${OUTPUT_HELP}
AWS credentials and the region of Athena and S3 come from the usual AWS SDK sources (AWS_PROFILE, AWS_REGION...).
On a terminal, a progress line on stderr shows files done (files), records scanned, verdicts, GitLab requests, rate
and ETA. Before judging, the same self-check as 'oidc-watch doctor' runs (see 'oidc-watch evaluate --help').
Ctrl-C stops every source, finishes the records in flight and prints them with the summary; a second exits at once.

${EXIT_HELP}With --reconcile, events that could not be dispatched count as errors (2 or 3).

Examples:
  oidc-watch hunt -s athena --since 90d --role prod-deploy --format csv > prod-deploy.csv
  oidc-watch hunt -s lookup-events --since 24h --region us-east-1 --region eu-west-1
  oidc-watch hunt -s files ./trail-bucket/AWSLogs/ --since 2025-04-01T00:00:00Z
  oidc-watch hunt -s lookup-events --since 48h --reconcile --decision-bucket my-decisions --alert-topic arn:aws:sns:...
`;

/** What a --reconcile run writes to: verdicts to stdout or --output, progress and errors on stderr. */
interface Output {
  readonly writer: VerdictWriter;
  readonly progress: ProgressLine;
  /** Ends the verdict output once (a table is printed at the end), also when the source failed part-way. */
  end(): Promise<void>;
  printError(e: OidcWatchError): void;
}

function progressLine(plan: HuntPlan, run: HuntRun, io: CliIo): ProgressLine {
  const { since, until } = plan.filters;
  const progress = new ProgressLine(
    io.stderr,
    !plan.output.quiet && io.stderr.isTTY === true,
    () => run.engine.gitlabStats().requests,
    plan.kind === 'lookup-events' && since && until ? { since, until } : null,
  );
  if (plan.kind === 'files') progress.countFiles(resolveInputs(plan.paths, io.cwd));
  return progress;
}

function openReconcileOutput(plan: HuntPlan, progress: ProgressLine, io: CliIo): Output {
  const target = openOutput(plan.output, io);
  const { colour, width, sortByTime } = plan.output;
  const writer = new VerdictWriter(plan.output.format, target.stream, { colour, width, sortByTime });
  let ended = false;
  return {
    writer,
    progress,
    end: async () => {
      progress.done();
      // The reader of stdout is gone (`| head`): nothing more to write.
      if (ended || stopReason(io.stop) === 'output-closed') return;
      ended = true;
      await writer.end();
      await target.close();
    },
    printError: (e) => {
      progress.done();
      io.stderr.write(`error: ${describeCliError(e)}\n`);
    },
  };
}

function writeAthenaReport(run: HuntRun, io: CliIo): void {
  const report = run.athenaReport();
  if (report) io.stderr.write(report);
}

async function runReconcile(
  plan: HuntPlan,
  run: HuntRun & { publishers: NonNullable<HuntRun['publishers']> },
  out: Output,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  const started = process.hrtime.bigint();
  const result = await reconcile(tapProgress(stoppable(run.source, io.stop), out.progress), {
    evaluate: (a) => run.engine.evaluator.evaluate(a),
    alerts: run.publishers.alerts,
    decisions: run.publishers.decisions,
    logger: stderrLogger(io, plan.output),
    trigger: 'cli',
    unverifiedMaxAgeMs: run.unverifiedMaxAgeHours * 3600_000,
    concurrency: plan.concurrency,
    signal,
    onItem: (item) => {
      if (item.kind === 'error') out.printError(item.error);
    },
    onVerdict: (v) => {
      out.progress.verdict(v.verdict);
      // reconcile does not wait for output: a slow reader never delays dispatching alerts.
      if (selected(plan.output, v)) void out.writer.write(v);
    },
  });
  await out.end();
  if (stopReason(io.stop) === 'output-closed') return EXIT.outputClosed;
  writeAthenaReport(run, io);
  const c = result.counts;
  const v = c.verdicts;
  const gitlab = run.engine.gitlabStats();
  for (const f of result.failures) io.stderr.write(`error: event ${f.eventId} not dispatched: ${f.error}\n`);
  const interrupted = stopReason(io.stop) === 'interrupted';
  if (!plan.output.quiet || interrupted)
    io.stderr.write(
      `reconcile${interrupted ? ' (interrupted, the rest of the input was not read)' : ''}: ${c.assumptions} web-identity record(s) read in ${secondsSince(started).toFixed(2)} s: ${c.alreadyJudged} already judged, ` +
        `${c.dispatched} judged and dispatched now (${v.alert} alert, ${v.unverified} unverified, ${v.ok} ok, ${v.ignored} ignored), ` +
        `${c.failed} not dispatched; ${c.duplicates} duplicate(s); ${c.skipped} other event(s) skipped; ${c.inputErrors} input error(s); ` +
        `GitLab: ${gitlab.requests} request(s), ${gitlab.cacheHits} cache hit(s)\n`,
    );
  return runExitCode(v.alert + v.unverified, c.failed + c.inputErrors, io.stop);
}

export async function runHunt(argv: readonly string[], io: CliIo): Promise<number> {
  const plan = planHunt(argv, {
    env: io.env,
    now: new Date(),
    tty: io.stdout.isTTY === true,
    cwd: io.cwd,
    ...(typeof io.stdout.columns === 'number' ? { columns: io.stdout.columns } : {}),
  });
  if (plan === 'help') {
    io.stdout.write(HUNT_HELP);
    return EXIT.clean;
  }
  // The process edge (process.ts) turns Ctrl-C and a closed stdout into io.stop; AWS sources stop polling on it.
  const controller = new AbortController();
  const onStop = () => controller.abort(new UsageError('interrupted'));
  io.stop?.addEventListener('abort', onStop, { once: true });
  try {
    const run = await buildHunt(plan, io, controller.signal);
    const progress = progressLine(plan, run, io);
    const { publishers } = run;
    if (!publishers) {
      const source = tapProgress(run.source, progress);
      const judging = {
        source,
        engine: run.engine,
        plan: plan.output,
        concurrency: plan.concurrency,
        progress,
      };
      return await runJudging({ ...judging, report: () => run.athenaReport() }, io);
    }
    const out = openReconcileOutput(plan, progress, io);
    try {
      return await runReconcile(plan, { ...run, publishers }, out, io, controller.signal);
    } finally {
      // A source that failed part-way (Athena, LookupEvents) still gets the verdicts already judged printed.
      await out.end();
    }
  } finally {
    io.stop?.removeEventListener('abort', onStop);
  }
}
