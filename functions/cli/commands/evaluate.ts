import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError, type OidcWatchError } from '../../../lib/core/errors';
import { readFiles } from '../../../lib/sources/files';
import { loadCliConfig } from '../config';
import { buildEngine, judgeSource } from '../engine';
import { EXIT, UsageError, runExitCode, stopReason, type CliIo } from '../io';
import { stoppable } from '../stoppable';
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

export function describeError(e: OidcWatchError): string {
  if (e instanceof InputError) {
    const where = e.record === undefined ? e.source : `${e.source}: record ${e.record}`;
    return e.message.startsWith(e.source) ? e.message : `${where}: ${e.message}`;
  }
  return e.message;
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
      format: { type: 'string', short: 'f' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(EVALUATE_HELP);
    return EXIT.clean;
  }
  const format = parseFormat(values.format, io.stdout.isTTY === true);
  const concurrency = parsePositiveInt('--concurrency', values.concurrency, 64);
  const { config } = loadCliConfig(values.config, io.env, io.cwd);
  const paths = positionals.length > 0 ? positionals : ['-'];
  if (positionals.length === 0 && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    throw new UsageError('no input: give PATH... or pipe records on stdin (oidc-watch evaluate --help)');
  }

  const started = process.hrtime.bigint();
  const engine = await buildEngine(config, { env: io.env, onMissingToken: warnMissingToken(io) });
  const writer = new VerdictWriter(format, io.stdout);
  const counts = emptyCounts();
  await judgeSource(
    stoppable(readFiles(resolveInputs(paths, io.cwd), { stdin: io.stdin }), io.stop),
    engine,
    counts,
    {
      onVerdict: (v) => writer.write(v),
      onError: (e) => io.stderr.write(`error: ${describeError(e)}\n`),
    },
    concurrency,
  );
  const stopped = stopReason(io.stop);
  // The reader of stdout is gone (`| head`): nothing more to print, not even the summary.
  if (stopped === 'output-closed') return EXIT.outputClosed;
  writer.end();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  io.stderr.write(renderSummary(counts, seconds, stopped));
  return runExitCode(counts.verdicts.alert + counts.verdicts.unverified, counts.errors, io.stop);
}
