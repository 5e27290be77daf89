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

/** Renders rows as an aligned table; colour only when asked (a TTY). */
export function renderTable(rows: readonly TableRow[], colour: boolean): string {
  const widths = TABLE_HEADER.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(TABLE_HEADER), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of rows) {
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

/** Writes verdicts in the chosen format. The table is buffered (column widths); JSON and CSV stream. */
export class VerdictWriter {
  private readonly rows: TableRow[] = [];
  private started = false;

  public constructor(
    private readonly format: OutputFormat,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
  ) {}

  /**
   * Resolves when the output can take more (stream backpressure): a slow or closed reader slows the run down instead
   * of piling verdicts up in memory, and a closed pipe (EPIPE) is noticed while the run is still going.
   */
  public write(v: Verdict): void | Promise<void> {
    switch (this.format) {
      case 'json':
        return this.send(`${verdictJson(v)}\n`);
      case 'csv': {
        const header = this.started ? '' : csvHeader();
        this.started = true;
        return this.send(`${header}${csvRow(v)}`);
      }
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

  public end(): void {
    if (this.format === 'table') this.out.write(renderTable(this.rows, this.out.isTTY === true));
    if (this.format === 'csv' && !this.started) this.out.write(csvHeader());
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
