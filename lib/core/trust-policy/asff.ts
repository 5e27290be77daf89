/**
 * The scheduled audit's findings as ASFF (lib/core/asff.ts): one finding per (role, finding code), whatever the
 * number of statements it was found in, with an Id derived from the role ARN and the code only, so every run updates
 * the same finding. Findings of the previous run (the audit state) that this run no longer reports are re-imported
 * with RecordState ARCHIVED and Workflow RESOLVED. Pure, no SDK.
 */
import { type AsffContext, type AsffFinding, toAsffFinding } from '../asff';
import { safeHttpUrl } from '../render/escape';
import type { Severity } from '../verdict';
import type { RoleReport } from './audit';
import { AUDIT_CHECKS_BY_CODE, AUDIT_FINDING_CODES, type AuditFindingCode } from './checks';
import type { AuditState } from './state';

export const AUDIT_ASFF_GENERATOR = 'trust-policy-audit';
const ASFF_TYPE = 'Software and Configuration Checks/AWS Security Best Practices/GitLab OIDC trust policy';
const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** The ASFF Id parts of the finding `code` on `roleArn`: stable across runs. */
export function auditAsffIdParts(roleArn: string, code: AuditFindingCode): string[] {
  return [AUDIT_ASFF_GENERATOR, roleArn, code];
}

interface Grouped {
  readonly roleArn: string;
  readonly code: AuditFindingCode;
  readonly severity: Severity;
  readonly messages: string[];
  readonly productionRole: string | null;
}

function higher(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b;
}

function roleName(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

function partitionOf(roleArn: string): 'aws' | 'aws-cn' | 'aws-us-gov' | undefined {
  const p = roleArn.split(':')[1];
  return p === 'aws' || p === 'aws-cn' || p === 'aws-us-gov' ? p : undefined;
}

function asFinding(g: Grouped, at: string, ctx: AsffContext, active: boolean): AsffFinding {
  const check = AUDIT_CHECKS_BY_CODE.get(g.code);
  const partition = partitionOf(g.roleArn);
  const reference = safeHttpUrl(check?.reference ?? null) ?? undefined;
  const finding = toAsffFinding(
    {
      idParts: auditAsffIdParts(g.roleArn, g.code),
      generator: `${AUDIT_ASFF_GENERATOR}/${g.code}`,
      title: `${check?.title ?? g.code}: IAM role ${roleName(g.roleArn)} (${g.code})`,
      description: g.messages.join('; '),
      severity: g.severity,
      types: [ASFF_TYPE],
      createdAt: at,
      updatedAt: at,
      resources: [
        { Type: 'AwsIamRole', Id: g.roleArn, ...(partition === undefined ? {} : { Partition: partition }) },
      ],
      productFields: { findingCode: g.code, roleArn: g.roleArn, productionRole: g.productionRole },
      ...(check === undefined
        ? {}
        : {
            remediation: { text: check.remediation, ...(reference === undefined ? {} : { url: reference }) },
          }),
      active,
    },
    ctx,
  );
  return active ? finding : { ...finding, Workflow: { Status: 'RESOLVED' } };
}

function isCode(code: string): code is AuditFindingCode {
  return (AUDIT_FINDING_CODES as readonly string[]).includes(code);
}

/** Parses a state entry (`role|code|statement` -> `severity|message`, lib/core/trust-policy/state.ts). */
function fromState(key: string, fingerprint: string): Grouped | null {
  const [roleArn, code] = key.split('|');
  const bar = fingerprint.indexOf('|');
  const severity = fingerprint.slice(0, bar);
  if (roleArn === undefined || code === undefined || !isCode(code) || bar < 0) return null;
  if (!(SEVERITY_ORDER as readonly string[]).includes(severity)) return null;
  return {
    roleArn,
    code,
    severity: severity as Severity,
    messages: [fingerprint.slice(bar + 1)],
    productionRole: null,
  };
}

function merge(groups: Map<string, Grouped>, g: Grouped): void {
  const key = `${g.roleArn}|${g.code}`;
  const seen = groups.get(key);
  if (seen === undefined) groups.set(key, { ...g, messages: [...g.messages] });
  else
    groups.set(key, {
      ...seen,
      severity: higher(seen.severity, g.severity),
      messages: [...seen.messages, ...g.messages],
    });
}

export interface AuditAsffOptions {
  /** The run time, ISO 8601. */
  readonly at: string;
  /**
   * Archive the findings of `previous` that this run no longer reports. Only when the run read every account: a
   * role that could not be read is "could not tell", never "resolved".
   */
  readonly archiveVanished: boolean;
}

/** Every finding of this run as ACTIVE, then the vanished ones of the previous run as ARCHIVED/RESOLVED. */
export function auditToAsff(
  reports: readonly RoleReport[],
  previous: AuditState,
  options: AuditAsffOptions,
  ctx: AsffContext,
): AsffFinding[] {
  const current = new Map<string, Grouped>();
  for (const r of reports)
    for (const f of r.findings)
      merge(current, {
        roleArn: r.roleArn,
        code: f.code,
        severity: f.severity,
        messages: [f.message],
        productionRole: r.productionRole,
      });
  const out = [...current.values()].map((g) => asFinding(g, options.at, ctx, true));
  if (!options.archiveVanished) return out;
  const vanished = new Map<string, Grouped>();
  for (const [key, fingerprint] of Object.entries(previous)) {
    const g = fromState(key, fingerprint);
    if (g !== null && !current.has(`${g.roleArn}|${g.code}`)) merge(vanished, g);
  }
  return [...out, ...[...vanished.values()].map((g) => asFinding(g, options.at, ctx, false))];
}
