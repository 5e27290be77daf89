/**
 * What the scheduled audit publishes: only findings that are new or changed since the last run, keyed on role and
 * finding (code + statement). A finding whose message changed (another path, another severity) is "changed"; one
 * that disappeared is dropped from the state silently (the report in the decision log keeps the history).
 */
import type { RoleReport } from './audit';
import type { AuditFinding } from './checks';

/** Finding key -> fingerprint, as stored between runs. */
export type AuditState = Readonly<Record<string, string>>;

export function findingKey(roleArn: string, f: AuditFinding): string {
  return `${roleArn}|${f.code}|${f.statement ?? '-'}`;
}

function fingerprint(f: AuditFinding): string {
  return `${f.severity}|${f.message}`;
}

export interface RoleNews {
  readonly report: RoleReport;
  /** The findings of the report that are new or changed. */
  readonly findings: readonly AuditFinding[];
}

export interface AuditDiff {
  readonly news: readonly RoleNews[];
  /** The state to store after the news is published. */
  readonly next: AuditState;
}

export function diffAudit(previous: AuditState, reports: readonly RoleReport[]): AuditDiff {
  const next: Record<string, string> = {};
  const news: RoleNews[] = [];
  for (const report of reports) {
    const fresh = report.findings.filter((f) => {
      const key = findingKey(report.roleArn, f);
      next[key] = fingerprint(f);
      return previous[key] !== next[key];
    });
    if (fresh.length > 0) news.push({ report, findings: fresh });
  }
  return { news, next };
}
