/** Questions several trust-policy checks ask of one Allow statement. */
import type { ProductionRole } from '../../config';
import type { GitLabProject } from '../../gitlab-port';
import type { Fact } from '../../checks/check';
import { liveSubjects, narrowestTest } from '../admits';
import type { StatementTrust } from '../analyze';
import type { AuditFacts } from '../facts';
import { parseProjectId } from '../facts';
import type { SubjectPattern } from '../subject-pattern';

/** The exact `project_id` values a condition pins (gitlab.com), or null when project_id is not pinned exactly. */
export function pinnedProjectIds(st: StatementTrust): number[] | null {
  const test = narrowestTest(st, 'project_id');
  if (!test || test.operator.glob) return null;
  const ids = test.values.map(parseProjectId);
  return ids.every((id): id is number => id !== null) ? ids : null;
}

/** True when every admitted token comes from one of finitely many named projects (exact path or id). */
export function subjectPinsProject(s: SubjectPattern): boolean {
  return s.projectId.kind === 'exact' || s.projectPath.kind === 'exact';
}

/** `ref_protected` pinned to true by a condition (gitlab.com): IAM itself refuses unprotected refs. */
export function refProtectedPinned(st: StatementTrust): boolean {
  const test = narrowestTest(st, 'ref_protected');
  return test !== null && test.values.every((v) => v.toLowerCase() === 'true');
}

/** The project a subject names, as GitLab resolves it now: found by id, or found at the same path. */
export function resolvedProject(s: SubjectPattern, facts: AuditFacts): Fact<GitLabProject> | null {
  if (s.projectId.kind === 'exact') {
    const id = parseProjectId(s.projectId.value);
    return id === null ? null : (facts.projectsById.get(id) ?? null);
  }
  if (s.projectPath.kind !== 'exact') return null;
  return facts.projectsByPath.get(s.projectPath.value.toLowerCase()) ?? null;
}

/** A path GitLab answered with another path: it followed a redirect left by a rename or transfer. */
export function movedFrom(path: string, fact: Fact<GitLabProject>): boolean {
  return fact.status === 'found' && fact.value.pathWithNamespace.toLowerCase() !== path.toLowerCase();
}

export function subjectsOf(st: StatementTrust): readonly SubjectPattern[] {
  return liveSubjects(st) ?? [];
}

/** Is this project one the production role pins (by id, or by a path listed in allowedProjectPaths)? */
export function projectAllowedByPolicy(
  role: ProductionRole,
  s: SubjectPattern,
  facts: AuditFacts,
  pins: readonly number[] | null,
): boolean {
  if (pins !== null && pins.every((id) => role.allowedProjectIds.includes(id))) return true;
  if (s.projectId.kind === 'exact') {
    const id = parseProjectId(s.projectId.value);
    return id !== null && role.allowedProjectIds.includes(id);
  }
  if (s.projectPath.kind !== 'exact') return false;
  const path = s.projectPath.value;
  const fact = resolvedProject(s, facts);
  if (fact?.status === 'found' && !movedFrom(path, fact))
    return role.allowedProjectIds.includes(fact.value.id);
  return role.allowedProjectPaths.some((p) => p.toLowerCase() === path.toLowerCase());
}
