import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readFiles } from '../../../lib/sources/files';
import { loadCliConfig } from '../config';
import { buildEngine } from '../engine';
import { EXIT, EXIT_HELP, UsageError, type CliIo } from '../io';
import { OUTPUT_HELP, OUTPUT_OPTIONS, planOutput, stderrLogger } from '../output-options';
import { ProgressLine, tapProgress } from '../progress';
import { runJudging } from '../run-judging';
import { preflight } from '../self-check';

export { describeError } from '../describe-error';
import type { OutputFormat } from '../output';

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

Before judging, the CLI checks each issuer (oidc-watch doctor): an API that is not GitLab's at apiUrl, a rejected
token, or a pinned project the token cannot see would turn into false alerts, so it stops with exit 2 instead.

Verdicts: alert (breaks policy), unverified (a check could not be completed: never treated as ok), ok, ignored
(not a production role, or an ignored issuer). A summary goes to stderr; on a terminal, a progress line shows
files done, records, rate and ETA.

${EXIT_HELP}
Examples:
  oidc-watch evaluate --config oidc-watch.config.yaml ./trail-bucket/AWSLogs/
  aws s3 cp s3://trail/AWSLogs/.../file.json.gz - | oidc-watch evaluate -c policy.yaml -
  oidc-watch evaluate -c policy.yaml --verdict alert --severity critical -o alerts.csv ./trail-bucket/
`;

export function parseFormat(value: string | undefined, tty: boolean): OutputFormat {
  if (value === undefined) return tty ? 'table' : 'json';
  if (value === 'json' || value === 'table' || value === 'csv') return value;
  throw new UsageError(`--format must be json, table or csv, not '${value}'`);
}

export function parsePositiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new UsageError(`${name} must be a whole number from 1 to 10000, not '${value}'`);
  return n;
}

/** A missing token variable is not fatal: say once what it means for that issuer's verdicts. */
export function warnMissingToken(io: CliIo): (issuer: string, reason: string) => void {
  return (issuer, reason) =>
    io.stderr.write(
      `warning: ${reason}: verdicts that need GitLab ${issuer} will be unverified (GITLAB_UNAVAILABLE, saying why); ` +
        `checks that need no GitLab and other issuers are judged as usual\n`,
    );
}

/** Relative paths are taken from the CLI's working directory (io.cwd), kept relative for readable messages. */
export function resolveInputs(paths: readonly string[], cwd: string): string[] {
  return paths.map((p) => (p === '-' || isAbsolute(p) || cwd === process.cwd() ? p : resolve(cwd, p)));
}

export async function runEvaluate(argv: readonly string[], io: CliIo): Promise<number> {
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
  if (values.help) {
    io.stdout.write(EVALUATE_HELP);
    return EXIT.clean;
  }
  const plan = planOutput(values, io);
  const concurrency = parsePositiveInt('--concurrency', values.concurrency, 64);
  const { config, path } = loadCliConfig(values.config, io.env, io.cwd);
  const paths = positionals.length > 0 ? positionals : ['-'];
  if (positionals.length === 0 && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    throw new UsageError('no input: give PATH... or pipe records on stdin (oidc-watch evaluate --help)');
  }
  if (plan.verbose) io.stderr.write(`config: ${path}\n`);
  const skipSelfCheck = values['no-self-check'] === true;
  await preflight(config, io, { skip: skipSelfCheck, quiet: plan.quiet, verbose: plan.verbose });
  const engine = await buildEngine(config, {
    env: io.env,
    logger: stderrLogger(io, plan),
    // The self-check already said it; without it, say it here.
    ...(plan.quiet || !skipSelfCheck ? {} : { onMissingToken: warnMissingToken(io) }),
  });
  const inputs = resolveInputs(paths, io.cwd);
  const progress = new ProgressLine(
    io.stderr,
    !plan.quiet && io.stderr.isTTY === true,
    () => engine.gitlabStats().requests,
    null,
    Date.now,
    'evaluate',
  );
  progress.countFiles(inputs);
  const source = tapProgress(readFiles(inputs, { stdin: io.stdin }), progress);
  return runJudging({ source, engine, plan, concurrency, progress }, io);
}
