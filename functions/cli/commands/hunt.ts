/**
 * `oidc-watch hunt`: the same engine over history. Sources: Athena (the CloudTrail table, filters as execution
 * parameters), CloudTrail LookupEvents (90 days, 2 requests/s per region), or local files (a synced trail bucket).
 * With --reconcile, events that already have a verdict in the decision log are skipped and the rest are dispatched
 * through the service's publishers (SNS alert topic, decision log), exactly as the live path would.
 */
import { parseArgs } from 'node:util';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { AthenaQueryRunner } from '../../../lib/adapters/athena';
import { createIdempotentPublisher } from '../../../lib/adapters/idempotent-publisher';
import { createS3DecisionLog } from '../../../lib/adapters/s3-decision-log';
import { createSnsAlertPublisher } from '../../../lib/adapters/sns-alert-publisher';
import { CLOUDTRAIL_TABLE, DEFAULT_DATABASE, DEFAULT_WORKGROUP } from '../../../lib/athena';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, roleGlobs } from '../../../lib/core/aws-names';
import type { OidcWatchError } from '../../../lib/core/errors';
import type { Logger } from '../../../lib/core/logger';
import type { AlertPublisher } from '../../../lib/core/ports';
import { reconcile } from '../../../lib/core/reconcile';
import type { RecordSource, SourceItem } from '../../../lib/core/source';
import { athenaSource } from '../../../lib/sources/athena';
import { readFiles } from '../../../lib/sources/files';
import { LOOKUP_EVENTS_RETENTION_DAYS, lookupEventsSource } from '../../../lib/sources/lookup-events';
import { DeploymentSchema } from '../../../lib/core/config';
import { loadCliConfig } from '../config';
import { buildEngine, judgeSource } from '../engine';
import { type CliIo, EXIT, UsageError } from '../io';
import { emptyCounts, renderSummary, VerdictWriter } from '../output';
import { filterSource, type HuntFilters } from '../../../lib/core/source-filter';
import { ProgressLine } from '../progress';
import { describeError, parseFormat, parsePositiveInt, resolveInputs } from './evaluate';

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
  -f, --format FMT         json (default when stdout is not a terminal) | table (default on a terminal) | csv
      --concurrency N      records judged at once (default 64; 4 with --reconcile)
  -h, --help               this help

AWS credentials and the region of Athena and S3 come from the usual AWS SDK sources (AWS_PROFILE, AWS_REGION...).
On a terminal, a progress line on stderr shows records scanned, verdicts, GitLab requests, rate and ETA.

Exit status: 0 no alert or unverified verdict; 1 at least one; 2 usage, configuration, input or dispatch errors.

Examples:
  oidc-watch hunt -s athena --since 90d --role prod-deploy --format csv > prod-deploy.csv
  oidc-watch hunt -s lookup-events --since 24h --region us-east-1 --region eu-west-1
  oidc-watch hunt -s files ./trail-bucket/AWSLogs/ --since 2025-04-01T00:00:00Z
  oidc-watch hunt -s lookup-events --since 48h --reconcile --decision-bucket my-decisions --alert-topic arn:aws:sns:...
`;

type SourceKind = 'athena' | 'lookup-events' | 'files';

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

function tap(source: RecordSource, observe: (item: SourceItem) => void): RecordSource {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const item of source) {
        observe(item);
        yield item;
      }
    },
  };
}

function stderrLogger(io: CliIo): Logger {
  const line = (level: string) => (obj: object, msg?: string) => {
    const detail = 'error' in obj && typeof obj.error === 'string' ? `: ${obj.error}` : '';
    io.stderr.write(`${level}: ${msg ?? ''}${detail}\n`);
  };
  return { debug: () => undefined, info: () => undefined, warn: line('warning'), error: line('error') };
}

function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region && REGION_PATTERN.test(region) ? region : undefined;
}

export async function runHunt(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
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
      format: { type: 'string', short: 'f' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(HUNT_HELP);
    return EXIT.clean;
  }

  // Everything the user typed is validated before any AWS or GitLab call.
  const kind = parseSource(values.source);
  const format = parseFormat(values.format, io.stdout.isTTY === true);
  const reconciling = values.reconcile === true;
  const concurrency = parsePositiveInt('--concurrency', values.concurrency, reconciling ? 4 : 64);
  const now = new Date();
  const historyDefault = kind === 'files' ? undefined : '7d';
  const sinceText = values.since ?? historyDefault;
  const since = sinceText === undefined ? undefined : parseWhen('--since', sinceText, now);
  const until =
    values.until === undefined
      ? kind === 'files'
        ? undefined
        : now
      : parseWhen('--until', values.until, now);
  if (since && until && !(since.getTime() < until.getTime()))
    throw new UsageError('--since must be before --until');
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
  if (kind === 'files' && positionals.length === 0)
    throw new UsageError('--source files needs PATH... (a trail bucket sync or log files)');
  if (kind !== 'files' && positionals.length > 0)
    throw new UsageError(`unexpected argument '${positionals[0] ?? ''}' (PATH is for --source files)`);
  const envRegion = io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const lookupRegions = regions.length > 0 ? regions : envRegion ? [envRegion] : [];
  if (kind === 'lookup-events') {
    if (lookupRegions.length === 0)
      throw new UsageError('--source lookup-events needs --region (or AWS_REGION)');
    const oldest = now.getTime() - LOOKUP_EVENTS_RETENTION_DAYS * 86_400_000;
    if (since && since.getTime() < oldest) {
      throw new UsageError(
        `CloudTrail event history keeps ${LOOKUP_EVENTS_RETENTION_DAYS} days; use --source athena or files for older events`,
      );
    }
  }
  const database = checkName('--database', values.database, DEFAULT_DATABASE);
  const table = checkName('--table', values.table, CLOUDTRAIL_TABLE);
  const workGroup = values.workgroup ?? DEFAULT_WORKGROUP;

  let publishers: { alerts: AlertPublisher; decisions: ReturnType<typeof createS3DecisionLog> } | null = null;
  if (reconciling) {
    const bucket = values['decision-bucket'] ?? io.env.DECISION_LOG_BUCKET;
    const topic = values['alert-topic'] ?? io.env.ALERT_TOPIC_ARN;
    if (!bucket) throw new UsageError('--reconcile needs --decision-bucket (or DECISION_LOG_BUCKET)');
    if (!topic || !topic.startsWith('arn:'))
      throw new UsageError('--reconcile needs --alert-topic ARN (or ALERT_TOPIC_ARN)');
    const rawPrefix = values['decision-prefix'] ?? io.env.DECISION_LOG_PREFIX ?? 'decisions/';
    const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`;
    const sns = createSnsAlertPublisher(
      new SNSClient(regionOfArn(topic) ? { region: regionOfArn(topic) } : {}),
      topic,
    );
    const tableName = values['idempotency-table'] ?? io.env.IDEMPOTENCY_TABLE;
    // The table holds each event's standing verdict: without it an update could not be told from a first alert,
    // nor a duplicate from news.
    if (!tableName)
      throw new UsageError(
        '--reconcile needs --idempotency-table (or IDEMPOTENCY_TABLE): the stack output table',
      );
    const alerts = createIdempotentPublisher(sns, {
      client: new DynamoDBClient({}),
      tableName,
      logger: stderrLogger(io),
    });
    const decisions = createS3DecisionLog(new S3Client({ followRegionRedirects: true }), { bucket, prefix });
    publishers = { alerts, decisions };
  }

  const { config } = loadCliConfig(values.config, io.env, io.cwd);
  const engine = await buildEngine(config, { env: io.env });
  const controller = new AbortController();
  const onInterrupt = () => controller.abort(new UsageError('interrupted'));
  process.once('SIGINT', onInterrupt);
  const started = process.hrtime.bigint();
  const progress = new ProgressLine(
    io.stderr,
    io.stderr.isTTY === true,
    () => engine.gitlabStats().requests,
    kind === 'lookup-events' && since && until ? { since, until } : null,
  );
  const filters: HuntFilters = { since, until, accounts, regions, roles };

  let source: RecordSource;
  let athenaReport: string | null = null;
  switch (kind) {
    case 'files':
      source = filterSource(readFiles(resolveInputs(positionals, io.cwd), { stdin: io.stdin }), filters);
      break;
    case 'lookup-events': {
      const clients = new Map<string, CloudTrailClient>();
      source = filterSource(
        lookupEventsSource({
          regions: lookupRegions,
          startTime: since ?? now,
          endTime: until ?? now,
          clientFor: (region) => {
            let c = clients.get(region);
            if (c === undefined) {
              c = new CloudTrailClient({ region });
              clients.set(region, c);
            }
            return c;
          },
          signal: controller.signal,
        }),
        { ...filters, regions: [] },
      );
      break;
    }
    case 'athena':
      source = athenaSource({
        athena: new AthenaQueryRunner(new AthenaClient(envRegion ? { region: envRegion } : {})),
        workGroup,
        database,
        table,
        since: since ?? now,
        until: until ?? now,
        accounts,
        regions,
        roles,
        signal: controller.signal,
        onQueryDone: (q) => {
          const mb = q.dataScannedBytes === null ? '?' : (q.dataScannedBytes / 1_048_576).toFixed(1);
          athenaReport = `athena: query ${q.queryExecutionId} in workgroup ${workGroup} scanned ${mb} MB\n`;
        },
      });
      break;
  }
  source = tap(source, (item) => progress.item(item));
  const writer = new VerdictWriter(format, io.stdout);
  let writerEnded = false;
  const endWriter = () => {
    if (writerEnded) return;
    writerEnded = true;
    writer.end();
  };
  const printError = (e: OidcWatchError) => {
    progress.done();
    io.stderr.write(`error: ${describeError(e)}\n`);
  };

  try {
    if (publishers) {
      const result = await reconcile(source, {
        evaluate: (a) => engine.evaluator.evaluate(a),
        alerts: publishers.alerts,
        decisions: publishers.decisions,
        logger: stderrLogger(io),
        trigger: 'cli',
        unverifiedMaxAgeMs:
          (config.deployment ?? DeploymentSchema.parse({})).reconcile.unverifiedMaxAgeHours * 3600_000,
        concurrency,
        signal: controller.signal,
        onItem: (item) => {
          if (item.kind === 'error') printError(item.error);
        },
        onVerdict: (v) => {
          progress.verdict(v.verdict);
          writer.write(v);
        },
      });
      endWriter();
      progress.done();
      if (athenaReport) io.stderr.write(athenaReport);
      const c = result.counts;
      const v = c.verdicts;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const gitlab = engine.gitlabStats();
      for (const f of result.failures)
        io.stderr.write(`error: event ${f.eventId} not dispatched: ${f.error}\n`);
      io.stderr.write(
        `reconcile: ${c.assumptions} web-identity record(s) read in ${seconds.toFixed(2)} s: ${c.alreadyJudged} already judged, ` +
          `${c.dispatched} judged and dispatched now (${v.alert} alert, ${v.unverified} unverified, ${v.ok} ok, ${v.ignored} ignored), ` +
          `${c.failed} not dispatched; ${c.duplicates} duplicate(s); ${c.skipped} other event(s) skipped; ${c.inputErrors} input error(s); ` +
          `GitLab: ${gitlab.requests} request(s), ${gitlab.cacheHits} cache hit(s)\n`,
      );
      if (c.failed > 0 || c.inputErrors > 0) return EXIT.error;
      return v.alert + v.unverified > 0 ? EXIT.findings : EXIT.clean;
    }

    const counts = emptyCounts();
    await judgeSource(
      source,
      engine,
      counts,
      {
        onVerdict: (v) => {
          progress.verdict(v.verdict);
          writer.write(v);
        },
        onError: printError,
      },
      concurrency,
    );
    endWriter();
    progress.done();
    if (athenaReport) io.stderr.write(athenaReport);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    io.stderr.write(renderSummary(counts, seconds));
    if (counts.errors > 0) return EXIT.error;
    return counts.verdicts.alert + counts.verdicts.unverified > 0 ? EXIT.findings : EXIT.clean;
  } finally {
    // A source that failed part-way (Athena, LookupEvents) still gets the verdicts already judged printed.
    endWriter();
    progress.done();
    process.removeListener('SIGINT', onInterrupt);
  }
}
