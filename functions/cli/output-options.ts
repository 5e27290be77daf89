/**
 * The options every judging command shares (evaluate, hunt): format, --output FILE, filters by verdict and severity,
 * sorting, colour (NO_COLOR, --no-color), --quiet / --verbose. Parsed once, validated before any GitLab or AWS call.
 * See: https://no-color.org/ (NO_COLOR present and not empty disables colour)
 */
import { createWriteStream, openSync } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { OidcWatchError } from '../../lib/core/errors';
import type { Logger } from '../../lib/core/logger';
import type { Severity, Verdict, VerdictKind } from '../../lib/core/verdict';
import { UsageError, type CliIo } from './io';
import type { OutputFormat } from './output';

/** node:util parseArgs option definitions, spread into each command's own. */
export const OUTPUT_OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  verdict: { type: 'string', multiple: true },
  severity: { type: 'string', multiple: true },
  sort: { type: 'string' },
  'no-color': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

export const OUTPUT_HELP = `Output:
  -f, --format FMT     json (JSON Lines; default when not writing to a terminal) | table (default on a terminal) | csv
  -o, --output FILE    write verdicts to FILE instead of stdout (format from --format, else .csv -> csv, else json)
      --verdict V      only verdicts V (alert, unverified, ok, ignored); repeatable or comma-separated
      --severity S     only severities S (critical, high, medium, low, info); repeatable or comma-separated.
                       Filters decide what is printed and the exit status; the summary counts every record
      --sort ORDER     time (by event time; the table always is) | input (as read; json and csv stream, default)
      --no-color       no colour in the table (also when NO_COLOR is set, or the output is not a terminal)
  -q, --quiet          no summary, progress or warnings on stderr (errors are still printed)
  -v, --verbose        also GitLab retries and the config and token sources in use (never token values)
`;

const VERDICTS: readonly VerdictKind[] = ['alert', 'unverified', 'ok', 'ignored'];
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface OutputValues {
  format?: string;
  output?: string;
  verdict?: string[];
  severity?: string[];
  sort?: string;
  'no-color'?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export interface OutputPlan {
  readonly format: OutputFormat;
  /** Absolute path of --output, or null for stdout. */
  readonly outputFile: string | null;
  readonly verdicts: ReadonlySet<VerdictKind> | null;
  readonly severities: ReadonlySet<Severity> | null;
  readonly sortByTime: boolean;
  readonly colour: boolean;
  /** Terminal width for the table, or null when not writing to a terminal. */
  readonly width: number | null;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

function listOf<T extends string>(
  flag: string,
  values: readonly string[] | undefined,
  allowed: readonly T[],
) {
  if (values === undefined) return null;
  const chosen = new Set<T>();
  for (const v of values.flatMap((x) => x.split(','))) {
    const value = v.trim().toLowerCase();
    const match = allowed.find((a) => a === value);
    if (match === undefined) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not '${v}'`);
    chosen.add(match);
  }
  return chosen;
}

function formatOf(value: string | undefined, outputFile: string | null, tty: boolean): OutputFormat {
  if (value === 'json' || value === 'table' || value === 'csv') return value;
  if (value !== undefined) throw new UsageError(`--format must be json, table or csv, not '${value}'`);
  if (outputFile !== null) return outputFile.toLowerCase().endsWith('.csv') ? 'csv' : 'json';
  return tty ? 'table' : 'json';
}

/** Validates the shared options (pure apart from reading the environment and the terminal's width). */
export function planOutput(
  values: OutputValues,
  io: Pick<CliIo, 'env' | 'cwd'> & {
    readonly stdout: { readonly isTTY?: boolean; readonly columns?: number };
  },
): OutputPlan {
  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose cannot be combined');
  const outputFile = values.output === undefined ? null : resolve(io.cwd, values.output);
  if (values.output === '') throw new UsageError('--output needs a file name');
  const toTerminal = outputFile === null && io.stdout.isTTY === true;
  const format = formatOf(values.format, outputFile, toTerminal);
  if (values.sort !== undefined && values.sort !== 'time' && values.sort !== 'input')
    throw new UsageError(`--sort must be time or input, not '${values.sort}'`);
  const noColourEnv = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return {
    format,
    outputFile,
    verdicts: listOf('--verdict', values.verdict, VERDICTS),
    severities: listOf('--severity', values.severity, SEVERITIES),
    sortByTime: format === 'table' || values.sort === 'time',
    colour: toTerminal && !noColourEnv && values['no-color'] !== true,
    width: toTerminal && typeof io.stdout.columns === 'number' ? io.stdout.columns : null,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
  };
}

/** True when the verdict passes --verdict and --severity. */
export function selected(plan: OutputPlan, v: Verdict): boolean {
  return (plan.verdicts?.has(v.verdict) ?? true) && (plan.severities?.has(v.severity) ?? true);
}

/** A short note for the summary when filters hide verdicts. */
export function filterNote(plan: OutputPlan, shown: number): string {
  const parts = [
    plan.verdicts ? `--verdict ${[...plan.verdicts].join(',')}` : '',
    plan.severities ? `--severity ${[...plan.severities].join(',')}` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? '' : `shown: ${shown} verdict(s) matching ${parts.join(' ')}\n`;
}

export interface OutputTarget {
  readonly stream: CliIo['stdout'];
  /** Flushes and closes a file; nothing for stdout. */
  close(): Promise<void>;
}

/**
 * stdout, or --output FILE opened now (so a bad path is a usage error before any work) and closed at the end.
 */
export function openOutput(plan: OutputPlan, io: CliIo): OutputTarget {
  if (plan.outputFile === null) return { stream: io.stdout, close: () => Promise.resolve() };
  let fd: number;
  try {
    fd = openSync(plan.outputFile, 'w');
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'error';
    throw new UsageError(`--output: cannot write ${plan.outputFile} (${code})`);
  }
  const stream = createWriteStream('', { fd, autoClose: true });
  let failure: string | null = null;
  // Without a listener a failed write (disk full) would crash the process; it is reported at close instead.
  stream.on('error', (e: NodeJS.ErrnoException) => {
    failure ??= e.code ?? e.message;
  });
  return {
    stream,
    close: async () => {
      if (!stream.closed) {
        stream.end();
        await once(stream, 'close').catch(() => undefined);
      }
      if (failure !== null)
        throw new OidcWatchError(`--output: writing ${plan.outputFile ?? ''} failed (${failure})`);
    },
  };
}

/** --verbose: the adapters' debug and info lines on stderr; otherwise warnings and errors only (--quiet: errors). */
export function stderrLogger(io: CliIo, plan: Pick<OutputPlan, 'quiet' | 'verbose'>): Logger {
  const line = (level: string) => (obj: object, msg?: string) => {
    const fields = Object.entries(obj)
      .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    io.stderr.write(`${level}: ${msg ?? ''}${fields ? ` (${fields})` : ''}\n`);
  };
  const off = () => undefined;
  return {
    debug: plan.verbose ? line('debug') : off,
    info: plan.verbose ? line('info') : off,
    warn: plan.quiet ? off : line('warning'),
    error: line('error'),
  };
}
