/**
 * The project part of the policy, shared by PROJECT_NOT_ALLOWED and PROJECT_ID_MISMATCH: pinned numeric ids, and
 * the paths the IAM trust policy names (`allowedProjectPaths`), which can be renamed, transferred or recycled.
 */
import type { ProductionRole } from '../config';

export function projectIdAllowed(role: ProductionRole, projectId: number): boolean {
  return role.allowedProjectIds.includes(projectId);
}

/** GitLab paths compare case-insensitively (GitLab finds `Acme/App` at `acme/app`). */
export function samePath(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function pathPinned(role: ProductionRole, path: string | null): boolean {
  return path !== null && role.allowedProjectPaths.some((p) => samePath(p, path));
}
