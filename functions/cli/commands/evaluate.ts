/**
 * `oidc-watch evaluate`: plan (the arguments, checked; pure) -> build (config and engine from lib/composition) ->
 * run (judge the files or stdin, print verdicts and a summary).
 */
import { parseArgs } from 'node:util';
import { buildEngine } from '../../../lib/composition';
import { readFiles } from '../../../lib/sources/files';
import { describeCliError, parseFormat, parsePositiveInt, resolveInputs, secondsSince } from '../args';
import { loadCliConfig } from '../config';
import { judgeSource } from '../engine';
import { EXIT, UsageError, type CliIo } from '../io';
import { emptyCounts, renderSummary, VerdictWriter, type OutputFormat } from '../output';

export const EVALUATE_HELP = `Usage: oidc-watch evaluate [--config FILE] [--format json|table] [PATH... | -]

Judges every AssumeRoleWithWebIdentity record in the input against the policy in the config file and
GitLab's record of the pipeline, and prints one verdict per record.

Input (any mix; other CloudTrail events are skipped and counted):
  PATH           a CloudTrail record, an EventBridge event, a CloudTrail log file ({"Records":[...]}),
                 JSON Lines, or a directory searched recursively (e.g. an 'aws s3 sync' of a trail bucket);
                 gzip is detected automatically
  -              read standard input (the default when no PATH is given and stdin is not a terminal)

Options:
  -c, --config FILE   policy file (YAML or JSON). Default: $OIDC_WATCH_CONFIG_FILE, else ./oidc-watch.config.yaml
  -f, --format FMT    json (JSON Lines, default when stdout is not a terminal) | table (default on a terminal) | csv
      --concurrency N records judged at once (default 64; GitLab requests are bounded per instance by the config)
  -h, --help          this help

GitLab token: per trusted issuer in the config, token: {env: NAME} or {file: PATH}; without one, GITLAB_TOKEN.
The token needs only the read_api scope and never appears in output or logs.

Verdicts: alert (breaks policy), unverified (a check could not be completed: never treated as ok), ok, ignored
(not a production role, or an ignored issuer). A summary goes to stderr.

Exit status: 0 no alert or unverified verdict; 1 at least one alert or unverified; 2 usage, configuration or
input errors (some input could not be judged; verdicts for the rest are still printed).

Examples:
  oidc-watch evaluate --config oidc-watch.config.yaml ./trail-bucket/AWSLogs/
  aws s3 cp s3://trail/AWSLogs/.../file.json.gz - | oidc-watch evaluate -c policy.yaml -
  oidc-watch evaluate -c policy.yaml --format json event.json | jq 'select(.verdict=="alert")'
`;

export interface EvaluatePlan {
  readonly format: OutputFormat;
  readonly concurrency: number;
  readonly configFlag: string | undefined;
  readonly paths: readonly string[];
}

/** Pure: the arguments, checked, as what the run will do (`help` when only the help text is wanted). */
export function planEvaluate(
  argv: readonly string[],
  io: Pick<CliIo, 'stdin' | 'stdout'>,
): EvaluatePlan | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      format: { type: 'string', short: 'f' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const format = parseFormat(values.format, io.stdout.isTTY === true);
  const concurrency = parsePositiveInt('--concurrency', values.concurrency, 64);
  if (positionals.length === 0 && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    throw new UsageError('no input: give PATH... or pipe records on stdin (oidc-watch evaluate --help)');
  }
  return {
    format,
    concurrency,
    configFlag: values.config,
    paths: positionals.length > 0 ? positionals : ['-'],
  };
}

export async function runEvaluate(argv: readonly string[], io: CliIo): Promise<number> {
  const plan = planEvaluate(argv, io);
  if (plan === 'help') {
    io.stdout.write(EVALUATE_HELP);
    return EXIT.clean;
  }
  // Build: config, then the engine (tokens, GitLab directory, evaluator) from the composition module.
  const { config } = loadCliConfig(plan.configFlag, io.env, io.cwd);
  const started = process.hrtime.bigint();
  const engine = await buildEngine(config, { env: io.env });
  const writer = new VerdictWriter(plan.format, io.stdout);
  const counts = emptyCounts();
  // Run.
  await judgeSource(
    readFiles(resolveInputs(plan.paths, io.cwd), { stdin: io.stdin }),
    engine,
    counts,
    {
      onVerdict: (v) => writer.write(v),
      onError: (e) => io.stderr.write(`error: ${describeCliError(e)}\n`),
    },
    plan.concurrency,
  );
  writer.end();
  io.stderr.write(renderSummary(counts, secondsSince(started)));
  if (counts.errors > 0) return EXIT.error;
  return counts.verdicts.alert + counts.verdicts.unverified > 0 ? EXIT.findings : EXIT.clean;
}
