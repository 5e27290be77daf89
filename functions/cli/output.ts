/**
 * Output writers shared by `evaluate` and `hunt`: JSON Lines (machine), CSV (spreadsheets), a table (people),
 * and the summary on stderr. Every string from a record may be attacker-controlled: the table and CSV neutralise
 * control characters (terminal escape injection) and CSV formula prefixes.
 */
import { cleanText, truncate } from '../../lib/core/render/escape';
import { parseSubject } from '../../lib/core/subject';
import type { Verdict, VerdictKind } from '../../lib/core/verdict';

export type OutputFormat = 'json' | 'table' | 'csv';

/** One verdict as a JSON Lines row: the stable, documented shape. */
export function verdictJson(v: Verdict): string {
  return JSON.stringify({
    eventId: v.eventId,
    eventTime: v.eventTime,
    accountId: v.accountId,
    region: v.region,
    roleArn: v.roleArn,
    roleSessionName: v.roleSessionName,
    subject: v.subject,
    issuer: v.issuer,
    audience: v.audience,
    sourceIp: v.sourceIp,
    userAgent: v.userAgent,
    errorCode: v.errorCode,
    verdict: v.verdict,
    severity: v.severity,
    policy: v.policy,
    reason: v.reason,
    findings: v.findings.map((f) => ({
      code: f.code,
      class: f.class,
      severity: f.severity,
      message: f.message,
    })),
    projectId: v.projectId,
    pipeline: v.pipeline,
    evaluatedAt: v.evaluatedAt,
  });
}

/**
 * Makes an attacker-controlled string safe to print on a terminal (no ANSI escapes, no bidi tricks: ESC is a
 * control character) and bounds its length.
 */
function terminalSafe(value: string | null | undefined, max = 60): string {
  if (value === null || value === undefined || value === '') return '-';
  return truncate(cleanText(value), max, '…');
}

function roleName(arn: string): string {
  const i = arn.lastIndexOf('/');
  return i >= 0 ? arn.slice(i + 1) : arn;
}

function refOf(v: Verdict): string {
  const s = v.subject ? parseSubject(v.subject) : null;
  if (!s) return '';
  return `${s.refType ?? '?'}:${s.ref ?? '?'}`;
}

export interface TableRow {
  readonly cells: readonly string[];
  readonly verdict: VerdictKind;
  /** Event time (ISO 8601), for sorting. */
  readonly time: string;
}

const TABLE_HEADER = [
  'TIME (UTC)',
  'VERDICT',
  'SEVERITY',
  'ACCOUNT',
  'ROLE',
  'SESSION NAME',
  'TOKEN REF',
  'PIPELINE',
  'FINDINGS',
];

export function tableRow(v: Verdict): TableRow {
  const pipeline = v.pipeline ? `${v.pipeline.id} ${v.pipeline.source ?? '?'}` : '';
  const findings = v.findings.length > 0 ? v.findings.map((f) => f.code).join(',') : (v.reason ?? '');
  return {
    verdict: v.verdict,
    time: v.eventTime,
    cells: [
      v.eventTime.slice(0, 19).replace('T', ' '),
      v.verdict.toUpperCase(),
      v.severity,
      v.accountId,
      terminalSafe(roleName(v.roleArn), 28),
      terminalSafe(v.roleSessionName, 28),
      terminalSafe(refOf(v), 32),
      terminalSafe(pipeline, 24),
      terminalSafe(findings, 80),
    ],
  };
}

const COLOURS: Readonly<Record<VerdictKind, string>> = {
  alert: '\x1b[31m',
  unverified: '\x1b[33m',
  ok: '\x1b[32m',
  ignored: '\x1b[2m',
};

const SEPARATOR = 2;
/** Columns that give up width first on a narrow terminal (index into TABLE_HEADER), with their narrowest width. */
const SHRINKABLE: ReadonlyArray<readonly [number, number]> = [
  [8, 12], // FINDINGS
  [5, 10], // SESSION NAME
  [4, 10], // ROLE
  [6, 10], // TOKEN REF
  [7, 8], // PIPELINE
];
/** Columns left out, in this order, when the shrunk table still does not fit. */
const DROPPABLE: readonly number[] = [3, 7, 2, 6];

function sum(widths: readonly number[], shown: ReadonlySet<number>): number {
  const cols = widths.filter((_, i) => shown.has(i));
  return cols.reduce((a, b) => a + b, 0) + SEPARATOR * Math.max(0, cols.length - 1);
}

/** Column widths (and which columns are shown) so that the table fits `width` characters when given. */
export function fitColumns(
  natural: readonly number[],
  width: number | null,
): { widths: number[]; shown: Set<number> } {
  const widths = [...natural];
  const shown = new Set(widths.map((_, i) => i));
  if (width === null) return { widths, shown };
  for (const drop of [undefined, ...DROPPABLE]) {
    if (drop !== undefined) shown.delete(drop);
    for (;;) {
      if (sum(widths, shown) <= width) return { widths, shown };
      // Take one character from the widest shrinkable column that is still above its minimum.
      const candidates = SHRINKABLE.filter(([i, min]) => shown.has(i) && (widths[i] ?? 0) > min);
      const widest = candidates.sort(([a], [b]) => (widths[b] ?? 0) - (widths[a] ?? 0))[0];
      if (!widest) break;
      widths[widest[0]] = (widths[widest[0]] ?? 1) - 1;
    }
  }
  return { widths, shown };
}

function fit(cell: string, width: number): string {
  return cell.length <= width ? cell.padEnd(width) : `${cell.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Renders rows as an aligned table, sorted by event time; colour only when asked; narrowed to `width` (the
 * terminal's columns) by shortening the long free-text columns, then leaving out the least useful ones.
 */
export function renderTable(rows: readonly TableRow[], colour: boolean, width: number | null = null): string {
  const sorted = [...rows].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const natural = TABLE_HEADER.map((h, i) =>
    Math.max(h.length, ...sorted.map((r) => (r.cells[i] ?? '').length)),
  );
  const { widths, shown } = fitColumns(natural, width);
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (shown.has(i) ? fit(c, widths[i] ?? 0) : null))
      .filter((c): c is string => c !== null)
      .join(' '.repeat(SEPARATOR))
      .trimEnd();
  const out = [line(TABLE_HEADER), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of sorted) {
    const text = line(r.cells);
    out.push(colour ? `${COLOURS[r.verdict]}${text}\x1b[0m` : text);
  }
  return `${out.join('\n')}\n`;
}

const CSV_HEADER = [
  'event_id',
  'event_time',
  'account_id',
  'region',
  'role_arn',
  'role_session_name',
  'subject',
  'issuer',
  'verdict',
  'severity',
  'policy',
  'finding_codes',
  'pipeline_id',
  'pipeline_project_id',
  'pipeline_ref',
  'pipeline_source',
  'pipeline_user',
  'pipeline_web_url',
];

/** RFC 4180 field; cells starting with = + - @ are prefixed with ' so spreadsheets do not run them as formulas. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = cleanText(String(value));
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return `${CSV_HEADER.join(',')}\n`;
}

export function csvRow(v: Verdict): string {
  const p = v.pipeline;
  const cells = [
    v.eventId,
    v.eventTime,
    v.accountId,
    v.region,
    v.roleArn,
    v.roleSessionName,
    v.subject,
    v.issuer,
    v.verdict,
    v.severity,
    v.policy,
    v.findings.map((f) => f.code).join(' '),
    p?.id ?? null,
    p?.projectId ?? null,
    p?.ref ?? null,
    p?.source ?? null,
    p?.username ?? null,
    p?.webUrl ?? null,
  ];
  return `${cells.map(csvField).join(',')}\n`;
}

export interface WriterOptions {
  /** Colour the table by verdict. Default: when the output is a terminal. */
  readonly colour?: boolean;
  /** Fit the table to this many columns. */
  readonly width?: number | null;
  /** Buffer JSON and CSV and write them sorted by event time at the end (the table always is). */
  readonly sortByTime?: boolean;
}

/** Writes verdicts in the chosen format. The table is buffered (column widths); JSON and CSV stream unless sorted. */
export class VerdictWriter {
  private readonly rows: TableRow[] = [];
  private readonly held: Verdict[] = [];
  private started = false;

  public constructor(
    private readonly format: OutputFormat,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly options: WriterOptions = {},
  ) {}

  /**
   * Resolves when the output can take more (stream backpressure): a slow or closed reader slows the run down instead
   * of piling verdicts up in memory, and a closed pipe (EPIPE) is noticed while the run is still going.
   */
  public write(v: Verdict): void | Promise<void> {
    if (this.options.sortByTime && this.format !== 'table') {
      this.held.push(v);
      return;
    }
    switch (this.format) {
      case 'json':
        return this.send(`${verdictJson(v)}\n`);
      case 'csv':
        return this.writeCsv(v);
      case 'table':
        this.rows.push(tableRow(v));
        return;
    }
  }

  private send(text: string): void | Promise<void> {
    if (this.out.write(text)) return;
    const out = this.out;
    return new Promise((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        out.off('error', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
      out.on('error', done);
    });
  }

  /** Writes what was held back (the table, sorted rows) and resolves when the output took it. */
  public async end(): Promise<void> {
    const colour = this.options.colour ?? this.out.isTTY === true;
    if (this.format === 'table') await this.send(renderTable(this.rows, colour, this.options.width ?? null));
    const held = this.held
      .splice(0)
      .sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
    for (const v of held) {
      const written = this.format === 'json' ? this.send(`${verdictJson(v)}\n`) : this.writeCsv(v);
      if (written) await written;
    }
    if (this.format === 'csv' && !this.started) await this.send(csvHeader());
  }

  private writeCsv(v: Verdict): void | Promise<void> {
    const header = this.started ? '' : csvHeader();
    this.started = true;
    return this.send(`${header}${csvRow(v)}`);
  }
}

export interface RunCounts {
  records: number;
  skipped: number;
  errors: number;
  verdicts: Record<VerdictKind, number>;
  gitlabRequests: number;
  gitlabCacheHits: number;
}

export function emptyCounts(): RunCounts {
  return {
    records: 0,
    skipped: 0,
    errors: 0,
    verdicts: { alert: 0, unverified: 0, ok: 0, ignored: 0 },
    gitlabRequests: 0,
    gitlabCacheHits: 0,
  };
}

export function renderSummary(c: RunCounts, seconds: number, stopped: 'interrupted' | null = null): string {
  const v = c.verdicts;
  const head =
    stopped === 'interrupted' ? 'summary (interrupted, the rest of the input was not read)' : 'summary';
  return (
    `${head}: ${c.records} web-identity record(s) judged in ${seconds.toFixed(2)} s: ` +
    `${v.alert} alert, ${v.unverified} unverified, ${v.ok} ok, ${v.ignored} ignored; ` +
    `${c.skipped} other event(s) skipped; ${c.errors} input error(s); ` +
    `GitLab: ${c.gitlabRequests} request(s), ${c.gitlabCacheHits} cache hit(s)\n`
  );
}
