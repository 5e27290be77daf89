/**
 * Output of `oidc-watch audit`: JSON Lines (one object per audited role, the documented contract), CSV, a table for
 * people, and the summary on stderr. Role names, paths and policy values are input: the table and CSV neutralise
 * control characters and spreadsheet formula prefixes.
 */
import { cleanText, truncate } from '../../lib/core/render/escape';
import type { Admitted } from '../../lib/core/trust-policy/admits';
import type { AuditCounts, RoleReport, RoleStatus } from '../../lib/core/trust-policy/audit';
import { reportJson } from '../../lib/core/trust-policy/report-json';

export { reportJson };
import type { OutputFormat } from './output';

function safe(value: string, max: number): string {
  return value === '' ? '-' : truncate(cleanText(value), max, '…');
}

function joinAdmitted(values: readonly Admitted[]): string {
  if (values.some((v) => v === 'any')) return 'ANY';
  return [...new Set(values.flatMap((v) => (v === 'any' ? [] : v)))].join(',');
}

const HEADER = [
  'STATUS',
  'SEVERITY',
  'ACCOUNT',
  'ROLE',
  'WATCHED',
  'PROJECTS',
  'REFS',
  'AUDIENCES',
  'FINDINGS',
];

export function reportCells(r: RoleReport): string[] {
  return [
    r.status.toUpperCase(),
    r.severity ?? '-',
    r.accountId,
    safe(r.roleName, 32),
    r.watched ? (r.productionRole ?? 'yes') : 'no',
    safe(joinAdmitted(r.admits.map((a) => a.projects)), 28),
    safe(joinAdmitted(r.admits.map((a) => a.refs)), 24),
    safe(joinAdmitted(r.admits.map((a) => a.audiences)), 24),
    safe([...new Set(r.findings.map((f) => f.code))].join(','), 120),
  ];
}

const COLOURS: Readonly<Record<RoleStatus, string>> = {
  exposed: '\x1b[31m',
  review: '\x1b[33m',
  hardened: '\x1b[32m',
};

export function renderAuditTable(reports: readonly RoleReport[], colour: boolean): string {
  const rows = reports.map((r) => ({ status: r.status, cells: reportCells(r) }));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(HEADER), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of rows) out.push(colour ? `${COLOURS[r.status]}${line(r.cells)}\x1b[0m` : line(r.cells));
  return `${out.join('\n')}\n`;
}

const CSV_HEADER = [
  'account_id',
  'role_arn',
  'role_name',
  'watched',
  'production_role',
  'status',
  'severity',
  'projects',
  'refs',
  'ref_types',
  'audiences',
  'finding_codes',
];

function csvField(value: string): string {
  let s = cleanText(value);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsvHeader(): string {
  return `${CSV_HEADER.join(',')}\n`;
}

export function auditCsvRow(r: RoleReport): string {
  const cells = [
    r.accountId,
    r.roleArn,
    r.roleName,
    String(r.watched),
    r.productionRole ?? '',
    r.status,
    r.severity ?? '',
    joinAdmitted(r.admits.map((a) => a.projects)),
    joinAdmitted(r.admits.map((a) => a.refs)),
    joinAdmitted(r.admits.map((a) => a.refTypes)),
    joinAdmitted(r.admits.map((a) => a.audiences)),
    [...new Set(r.findings.map((f) => f.code))].join(' '),
  ];
  return `${cells.map(csvField).join(',')}\n`;
}

/** Writes reports in the chosen format; the table is buffered for its column widths. */
export class ReportWriter {
  private readonly table: RoleReport[] = [];
  private started = false;

  public constructor(
    private readonly format: OutputFormat,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
  ) {}

  public write(r: RoleReport): void {
    if (this.format === 'json') this.out.write(`${reportJson(r)}\n`);
    else if (this.format === 'table') this.table.push(r);
    else {
      if (!this.started) this.out.write(auditCsvHeader());
      this.started = true;
      this.out.write(auditCsvRow(r));
    }
  }

  public end(): void {
    if (this.format === 'table') this.out.write(renderAuditTable(this.table, this.out.isTTY === true));
    if (this.format === 'csv' && !this.started) this.out.write(auditCsvHeader());
  }
}

export function renderAuditSummary(c: AuditCounts, gitlabRequests: number, seconds: number): string {
  return (
    `audit: ${c.roles} role(s) read; ${c.audited} GitLab role(s) audited: ${c.exposed} exposed, ${c.review} review, ` +
    `${c.hardened} hardened; ${c.otherProviders} role(s) for other identity providers (not audited); ` +
    `${c.errors} error(s); ${gitlabRequests} GitLab request(s); ${seconds.toFixed(1)} s\n`
  );
}
