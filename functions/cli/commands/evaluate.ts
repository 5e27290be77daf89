/**
 * `oidc-watch evaluate`: plan (the arguments, checked; pure) -> build (config, self-check, engine from
 * lib/composition) -> run (judge the files or stdin, print the selected verdicts, progress and a summary).
 */
import { parseArgs } from 'node:util';
import { buildEngine } from '../../../lib/composition';
import { readFiles } from '../../../lib/sources/files';
import { parsePositiveInt, resolveInputs } from '../args';
import { loadCliConfig } from '../config';
import { EXIT, EXIT_HELP, UsageError, type CliIo } from '../io';
import { OUTPUT_HELP, OUTPUT_OPTIONS, planOutput, stderrLogger, type OutputPlan } from '../output-options';
import { ProgressLine, tapProgress } from '../progress';
import { runJudging } from '../run-judging';
import { preflight } from '../self-check';

export const EVALUATE_HELP = `Usage: oidc-watch evaluate [--config FILE] [options] [PATH... | -]

Judges every AssumeRoleWithWebIdentity record in the input against the policy in the config file and
GitLab's record of the pipeline, and prints one verdict per record.

Input (any mix; other CloudTrail events are skipped and counted):
  PATH           a CloudTrail record, an EventBridge event, a CloudTrail log file ({"Records":[...]}),
                 JSON Lines, or a directory searched recursively (e.g. an 'aws s3 sync' of a trail bucket);
                 gzip is detected automatically
  -              read standard input (the default when no PATH is given and stdin is not a terminal)

Options:
  -c, --config FILE   policy file (YAML or JSON). Default: $OIDC_WATCH_CONFIG_FILE, else ./oidc-watch.config.yaml
      --concurrency N records judged at once (default 64; GitLab requests are bounded per instance by the config)
      --no-self-check judge even when the self-check (oidc-watch doctor) finds the config or token broken
  -h, --help          this help

${OUTPUT_HELP}
GitLab token: per trusted issuer in the config, token: {env: NAME} or {file: PATH}; without one, GITLAB_TOKEN.
The token needs only the read_api scope and never appears in output or logs. A missing token variable affects
only its issuer: its verdicts are unverified and say why; everything else is judged as usual.

Before judging, the CLI checks each issuer (as oidc-watch doctor does): an API at apiUrl that is not GitLab's, a
rejected or placeholder token, a token without read_api, or a pinned project the token cannot see would turn into
false alerts or unverified verdicts, so it stops with exit 2 instead and says why.

Verdicts: alert (breaks policy), unverified (a check could not be completed: never treated as ok), ok, ignored
(not a production role, or an ignored issuer). A summary goes to stderr; on a terminal, a progress line shows
files done, records, rate and ETA. Ctrl-C stops reading, finishes the records in flight and prints them.

${EXIT_HELP}
Examples:
  oidc-watch evaluate --config oidc-watch.config.yaml ./trail-bucket/AWSLogs/
  aws s3 cp s3://trail/AWSLogs/.../file.json.gz - | oidc-watch evaluate -c policy.yaml -
  oidc-watch evaluate -c policy.yaml --verdict alert --severity critical -o alerts.csv ./trail-bucket/
`;

export interface EvaluatePlan {
  readonly output: OutputPlan;
  readonly concurrency: number;
  readonly configFlag: string | undefined;
  readonly paths: readonly string[];
  readonly selfCheck: boolean;
}

/** Pure: the arguments, checked, as what the run will do (`help` when only the help text is wanted). */
export function planEvaluate(
  argv: readonly string[],
  io: Pick<CliIo, 'stdin' | 'stdout' | 'env' | 'cwd'>,
): EvaluatePlan | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      concurrency: { type: 'string' },
      'no-self-check': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...OUTPUT_OPTIONS,
    },
  });
  if (values.help) return 'help';
  const output = planOutput(values, io);
  const concurrency = parsePositiveInt('--concurrency', values.concurrency, 64);
  if (positionals.length === 0 && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    throw new UsageError('no input: give PATH... or pipe records on stdin (oidc-watch evaluate --help)');
  }
  return {
    output,
    concurrency,
    configFlag: values.config,
    paths: positionals.length > 0 ? positionals : ['-'],
    selfCheck: values['no-self-check'] !== true,
  };
}

/** A missing token variable is not fatal: say once what it means for that issuer's verdicts. */
export function warnMissingToken(io: CliIo): (issuer: string, e: Error) => void {
  return (issuer, e) =>
    io.stderr.write(
      `warning: no GitLab token for ${issuer} (${e.message}): its verdicts that need GitLab will be unverified, ` +
        `saying why; checks that need no GitLab and other issuers are judged as usual\n`,
    );
}

export async function runEvaluate(argv: readonly string[], io: CliIo): Promise<number> {
  const plan = planEvaluate(argv, io);
  if (plan === 'help') {
    io.stdout.write(EVALUATE_HELP);
    return EXIT.clean;
  }
  const { output } = plan;
  // Build: config, the self-check, then the engine (tokens, GitLab directory, evaluator) from lib/composition.
  const { config, path } = loadCliConfig(plan.configFlag, io.env, io.cwd);
  if (output.verbose) io.stderr.write(`config: ${path}\n`);
  await preflight(config, io, { skip: !plan.selfCheck, quiet: output.quiet, verbose: output.verbose });
  const engine = await buildEngine(config, {
    env: io.env,
    logger: stderrLogger(io, output),
    // The self-check already reported an unset variable; without it, say it here.
    onUnsetTokenVariable: output.quiet || plan.selfCheck ? () => undefined : warnMissingToken(io),
  });
  const inputs = resolveInputs(plan.paths, io.cwd);
  const progress = new ProgressLine(
    io.stderr,
    !output.quiet && io.stderr.isTTY === true,
    () => engine.gitlabStats().requests,
    null,
    Date.now,
    'evaluate',
  );
  progress.countFiles(inputs);
  // Run.
  const source = tapProgress(readFiles(inputs, { stdin: io.stdin }), progress);
  return runJudging({ source, engine, plan: output, concurrency: plan.concurrency, progress }, io);
}
