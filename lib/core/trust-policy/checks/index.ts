/**
 * The trust-policy check registry, in the order findings are reported. Each file holds one check with its metadata
 * (id = finding code, title, description, severity, remediation, reference) beside its logic.
 */
import type { AuditCheck, AuditFindingCode } from './check';
import { check as audConditionMissing } from './aud-condition-missing';
import { check as audGeneric } from './aud-generic';
import { check as auditIncomplete } from './audit-incomplete';
import { check as conditionKeyUnsupported } from './condition-key-unsupported';
import { check as conditionPassesOnAbsentKey } from './condition-passes-on-absent-key';
import { check as projectIdNotPinned } from './project-id-not-pinned';
import { check as projectPathReassigned } from './project-path-reassigned';
import { check as projectPathUnclaimed } from './project-path-unclaimed';
import { check as refNotProtected } from './ref-not-protected';
import { check as subAdmitsAnyRef } from './sub-admits-any-ref';
import { check as subAdmitsAnyRefType } from './sub-admits-any-ref-type';
import { check as subAdmitsOtherProjects } from './sub-admits-other-projects';
import { check as subConditionMissing } from './sub-condition-missing';
import { check as trustWiderThanPolicy } from './trust-wider-than-policy';
import { check as unwatchedExposedRole } from './unwatched-exposed-role';
import { check as wrongHostConditionKey } from './wrong-host-condition-key';

export type { AuditCheck, AuditCheckContext, AuditFinding, AuditFindingCode, RoleRef } from './check';
export { AUDIT_FINDING_CODES } from './check';

export const AUDIT_CHECKS: readonly AuditCheck[] = [
  subConditionMissing,
  subAdmitsOtherProjects,
  projectPathUnclaimed,
  projectPathReassigned,
  wrongHostConditionKey,
  conditionKeyUnsupported,
  subAdmitsAnyRef,
  refNotProtected,
  subAdmitsAnyRefType,
  conditionPassesOnAbsentKey,
  audConditionMissing,
  audGeneric,
  projectIdNotPinned,
  trustWiderThanPolicy,
  unwatchedExposedRole,
  auditIncomplete,
];

export const AUDIT_CHECKS_BY_CODE: ReadonlyMap<AuditFindingCode, AuditCheck> = new Map(
  AUDIT_CHECKS.map((c) => [c.id, c]),
);
