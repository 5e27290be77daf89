/**
 * The shape of a trust-policy check (panther-style, like lib/core/checks): one check per file, named after its
 * finding code, metadata beside a pure `evaluate` over the analysed trust policy and the GitLab facts gathered
 * beforehand. A check never performs I/O.
 */
import type { ProductionRole } from '../../config';
import type { Severity } from '../../verdict';
import type { AdmitsSummary } from '../admits';
import type { ProviderTrust } from '../analyze';
import type { AuditFacts } from '../facts';

/** Stable finding codes of the audit. Never rename one: alert routing and suppression depend on them. */
export const AUDIT_FINDING_CODES = [
  'SUB_CONDITION_MISSING',
  'SUB_ADMITS_OTHER_PROJECTS',
  'SUB_ADMITS_ANY_REF',
  'SUB_ADMITS_ANY_REF_TYPE',
  'REF_NOT_PROTECTED',
  'AUD_CONDITION_MISSING',
  'AUD_GENERIC',
  'CONDITION_PASSES_ON_ABSENT_KEY',
  'WRONG_HOST_CONDITION_KEY',
  'CONDITION_KEY_UNSUPPORTED',
  'PROJECT_PATH_REASSIGNED',
  'PROJECT_PATH_UNCLAIMED',
  'PROJECT_ID_NOT_PINNED',
  'TRUST_WIDER_THAN_POLICY',
  'UNWATCHED_EXPOSED_ROLE',
  'AUDIT_INCOMPLETE',
] as const;
export type AuditFindingCode = (typeof AUDIT_FINDING_CODES)[number];

export interface AuditFinding {
  readonly code: AuditFindingCode;
  readonly severity: Severity;
  /** Human text; may quote policy values and GitLab paths (renderers escape them). */
  readonly message: string;
  /** The trust-policy statement (0-based) the finding is about, when there is one. */
  readonly statement: number | null;
}

export interface RoleRef {
  readonly arn: string;
  readonly accountId: string;
  readonly name: string;
}

export interface AuditCheckContext {
  readonly role: RoleRef;
  readonly trust: ProviderTrust;
  readonly admits: AdmitsSummary;
  /** The production role whose `roleArns` match this role, or null: nobody watches it. */
  readonly watchedBy: ProductionRole | null;
  readonly facts: AuditFacts;
}

export interface AuditCheck {
  readonly id: AuditFindingCode;
  readonly title: string;
  /** What the check decides and why, including the edge cases it settles. */
  readonly description: string;
  /** The highest severity it emits (some findings are lowered by mitigating conditions, said in the message). */
  readonly severity: Severity;
  /** What to change in the trust policy (or in GitLab). */
  readonly remediation: string;
  readonly reference: string;
  evaluate(ctx: AuditCheckContext): readonly AuditFinding[];
}

export function auditFinding(
  check: AuditCheck,
  message: string,
  statement: number | null,
  severity: Severity = check.severity,
): AuditFinding {
  return { code: check.id, severity, message, statement };
}

/** Quotes a policy value or GitLab path for a message. */
export function q(value: string): string {
  return JSON.stringify(value);
}

/** `statement 0 ("GitLabDeploy")` for messages. */
export function where(index: number, sid: string | null): string {
  return sid ? `statement ${index} (${q(sid)})` : `statement ${index}`;
}
