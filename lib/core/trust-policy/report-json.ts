/** The JSON Lines contract of the audit (CLI `--format json`, the scheduled audit's report): one role per line. */
import type { RoleReport } from './audit';

/** One audited role as a JSON Lines row: the stable, documented shape. */
export function reportJson(r: RoleReport): string {
  return JSON.stringify({
    roleArn: r.roleArn,
    accountId: r.accountId,
    roleName: r.roleName,
    watched: r.watched,
    productionRole: r.productionRole,
    status: r.status,
    severity: r.severity,
    admits: r.admits,
    findings: r.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      statement: f.statement,
    })),
    ...(r.suggestedTrustPolicy ? { suggestedTrustPolicy: r.suggestedTrustPolicy } : {}),
    ...(r.suggestionNotes ? { suggestionNotes: r.suggestionNotes } : {}),
  });
}
