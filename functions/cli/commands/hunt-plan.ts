/**
 * `oidc-watch hunt`, step one: the arguments (and the few environment variables that stand in for them) checked and
 * turned into a plan. Pure: no AWS, no GitLab, no files; everything the user typed is validated here, before any call.
 */
import { parseWorkersFlag } from '../file-workers';
import { parseArgs } from 'node:util';
import { CLOUDTRAIL_TABLE, DEFAULT_DATABASE, DEFAULT_WORKGROUP } from '../../../lib/athena';
import { normalizePrefix, type PublisherTargets } from '../../../lib/composition';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, roleGlobs } from '../../../lib/core/aws-names';
import type { HuntFilters } from '../../../lib/core/source-filter';
import { LOOKUP_EVENTS_RETENTION_DAYS } from '../../../lib/sources/lookup-events';
import { parsePositiveInt } from '../args';
import { OUTPUT_OPTIONS, planOutput, type OutputPlan } from '../output-options';
import { UsageError } from '../io';
import type { OutputFormat } from '../output';

export type SourceKind = 'athena' | 'lookup-events' | 'files';

/** Where `--reconcile` dispatches: the service's topic, decision history and idempotency table (standing verdicts). */
export interface ReconcileTarget extends PublisherTargets {
  readonly idempotencyTable: string;
}

export interface HuntPlan {
  readonly kind: SourceKind;
  readonly format: OutputFormat;
  /** Format, --output, filters, sorting, colour, --quiet/--verbose. */
  readonly output: OutputPlan;
  /** false with --no-self-check. */
  readonly selfCheck: boolean;
  readonly concurrency: number;
  /** --workers: threads reading files (undefined: one per core). */
  readonly workers: number | undefined;
  readonly configFlag: string | undefined;
  readonly now: Date;
  readonly filters: HuntFilters;
  /** --source files */
  readonly paths: readonly string[];
  /** --source lookup-events: the regions read (--region, else AWS_REGION). */
  readonly lookupRegions: readonly string[];
  /** --source athena. */
  readonly athena: { readonly workGroup: string; readonly database: string; readonly table: string };
  /** AWS_REGION (or AWS_DEFAULT_REGION), for the Athena client. */
  readonly awsRegion: string | undefined;
  readonly reconcile: ReconcileTarget | null;
}

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  source: { type: 'string', short: 's' },
  since: { type: 'string' },
  until: { type: 'string' },
  region: { type: 'string', multiple: true },
  role: { type: 'string', multiple: true },
  account: { type: 'string', multiple: true },
  workgroup: { type: 'string' },
  database: { type: 'string' },
  table: { type: 'string' },
  reconcile: { type: 'boolean' },
  'decision-bucket': { type: 'string' },
  'decision-prefix': { type: 'string' },
  'alert-topic': { type: 'string' },
  'idempotency-table': { type: 'string' },
  concurrency: { type: 'string' },
  'no-self-check': { type: 'boolean' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...OUTPUT_OPTIONS,
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>
>['values'];

const RELATIVE = /^([0-9]{1,6})([mhdw])$/;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `24h`, `30m`, `2w` before `now`, `now`, or an ISO 8601 date or time (a date alone is midnight UTC). */
export function parseWhen(flag: string, value: string, now: Date): Date {
  if (value === 'now') return now;
  const rel = RELATIVE.exec(value);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * (UNIT_MS[rel[2] ?? 'd'] ?? 0));
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})?)?$/i.test(value)) {
    const ms = Date.parse(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  throw new UsageError(
    `${flag} must be an ISO 8601 time (2025-04-16T00:00:00Z) or relative (30m, 24h, 7d, 2w), not '${value}'`,
  );
}

function parseSource(value: string | undefined): SourceKind {
  if (value === 'athena' || value === 'lookup-events' || value === 'files') return value;
  if (value === undefined) throw new UsageError('--source is required: athena, lookup-events or files');
  throw new UsageError(`--source must be athena, lookup-events or files, not '${value}'`);
}

function checkName(flag: string, value: string | undefined, fallback: string): string {
  const name = value ?? fallback;
  if (!/^[a-z_][a-z0-9_]{0,254}$/.test(name))
    throw new UsageError(`${flag} must be lower-case letters, digits and _, not '${name}'`);
  return name;
}

/** The time window: history sources default to the last 7 days up to now; files have no bounds unless given. */
function planWindow(kind: SourceKind, values: Values, now: Date): { since?: Date; until?: Date } {
  const sinceText = values.since ?? (kind === 'files' ? undefined : '7d');
  const since = sinceText === undefined ? undefined : parseWhen('--since', sinceText, now);
  const until =
    values.until === undefined
      ? kind === 'files'
        ? undefined
        : now
      : parseWhen('--until', values.until, now);
  if (since && until && !(since.getTime() < until.getTime()))
    throw new UsageError('--since must be before --until');
  return { since, until };
}

function planFilters(values: Values, window: { since?: Date; until?: Date }): HuntFilters {
  const accounts = values.account ?? [];
  for (const a of accounts)
    if (!ACCOUNT_ID_PATTERN.test(a))
      throw new UsageError(`--account must be a 12-digit account ID, not '${a}'`);
  const regions = values.region ?? [];
  for (const r of regions)
    if (!REGION_PATTERN.test(r))
      throw new UsageError(`--region must be an AWS region such as us-east-1, not '${r}'`);
  const roles = values.role ?? [];
  for (const r of roles) {
    try {
      roleGlobs(r);
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(`--role: ${e.message}`);
      throw e;
    }
  }
  return { ...window, accounts, regions, roles };
}

function checkSourceArguments(kind: SourceKind, positionals: readonly string[]): void {
  if (kind === 'files' && positionals.length === 0)
    throw new UsageError('--source files needs PATH... (a trail bucket sync or log files)');
  if (kind !== 'files' && positionals.length > 0)
    throw new UsageError(`unexpected argument '${positionals[0] ?? ''}' (PATH is for --source files)`);
}

/** LookupEvents needs a region and cannot reach past its 90 days of event history. */
function planLookupRegions(kind: SourceKind, filters: HuntFilters, awsRegion: string | undefined, now: Date) {
  const lookupRegions = filters.regions.length > 0 ? filters.regions : awsRegion ? [awsRegion] : [];
  if (kind !== 'lookup-events') return lookupRegions;
  if (lookupRegions.length === 0)
    throw new UsageError('--source lookup-events needs --region (or AWS_REGION)');
  const oldest = now.getTime() - LOOKUP_EVENTS_RETENTION_DAYS * 86_400_000;
  if (filters.since && filters.since.getTime() < oldest) {
    throw new UsageError(
      `CloudTrail event history keeps ${LOOKUP_EVENTS_RETENTION_DAYS} days; use --source athena or files for older events`,
    );
  }
  return lookupRegions;
}

function planReconcile(values: Values, env: NodeJS.ProcessEnv): ReconcileTarget | null {
  if (values.reconcile !== true) return null;
  const bucket = values['decision-bucket'] ?? env.DECISION_LOG_BUCKET;
  const topic = values['alert-topic'] ?? env.ALERT_TOPIC_ARN;
  if (!bucket) throw new UsageError('--reconcile needs --decision-bucket (or DECISION_LOG_BUCKET)');
  if (!topic || !topic.startsWith('arn:'))
    throw new UsageError('--reconcile needs --alert-topic ARN (or ALERT_TOPIC_ARN)');
  const table = values['idempotency-table'] ?? env.IDEMPOTENCY_TABLE;
  // The table holds each event's standing verdict: without it an update could not be told from a first alert.
  if (!table)
    throw new UsageError(
      '--reconcile needs --idempotency-table (or IDEMPOTENCY_TABLE): the stack output table',
    );
  return {
    alertTopicArn: topic,
    decisionLogBucket: bucket,
    decisionLogPrefix: normalizePrefix(values['decision-prefix'] ?? env.DECISION_LOG_PREFIX ?? 'decisions/'),
    idempotencyTable: table,
  };
}

/** The whole plan, or `help`. `now` and the environment are inputs, so the same arguments give the same plan. */
export function planHunt(
  argv: readonly string[],
  context: {
    readonly env: NodeJS.ProcessEnv;
    readonly now: Date;
    readonly tty: boolean;
    /** Terminal width for the table, and where a relative --output is taken from. */
    readonly columns?: number;
    readonly cwd?: string;
  },
): HuntPlan | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: OPTIONS,
  });
  if (values.help) return 'help';
  const { env, now } = context;
  const kind = parseSource(values.source);
  const output = planOutput(values, {
    env,
    cwd: context.cwd ?? process.cwd(),
    stdout: { isTTY: context.tty, ...(context.columns === undefined ? {} : { columns: context.columns }) },
  });
  const format = output.format;
  const reconciling = values.reconcile === true;
  const concurrency = parsePositiveInt('--concurrency', values.concurrency, reconciling ? 4 : 64);
  const filters = planFilters(values, planWindow(kind, values, now));
  checkSourceArguments(kind, positionals);
  const awsRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const lookupRegions = planLookupRegions(kind, filters, awsRegion, now);
  const athena = {
    database: checkName('--database', values.database, DEFAULT_DATABASE),
    table: checkName('--table', values.table, CLOUDTRAIL_TABLE),
    workGroup: values.workgroup ?? DEFAULT_WORKGROUP,
  };
  const reconcile = planReconcile(values, env);
  return {
    kind,
    format,
    output,
    selfCheck: values['no-self-check'] !== true,
    concurrency,
    workers: parseWorkersFlag(values.workers),
    configFlag: values.config,
    now,
    filters,
    paths: positionals,
    lookupRegions,
    athena,
    awsRegion,
    reconcile,
  };
}
