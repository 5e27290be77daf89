/**
 * The GitLab facts an audit needs, gathered through the same GitLab port (and so the same adapter cache, deadlines
 * and request budget) as the detector: project path -> project (and id), id -> project, protected branches and tags.
 * Outcomes stay distinct: found, not found (GitLab said so), unavailable (could not tell), skipped (no API for the
 * issuer in the config). A path lookup that GitLab answers with ANOTHER path followed a redirect: the project moved.
 * See: https://docs.gitlab.com/api/projects/#get-a-single-project
 * See: https://docs.gitlab.com/api/protected_branches/#list-protected-branches
 */
import type { Fact } from '../checks/check';
import type { ProductionRole } from '../config';
import type { GitLabPort, GitLabProject, ProtectedRefPattern } from '../gitlab-port';
import { liveSubjects } from './admits';
import type { ProviderTrust } from './analyze';
import { narrowestTest } from './admits';

export interface AuditFacts {
  /** False when the config has no API for this issuer: every fact is `skipped`. */
  readonly gitlabConfigured: boolean;
  /** By lower-cased path. */
  readonly projectsByPath: ReadonlyMap<string, Fact<GitLabProject>>;
  readonly projectsById: ReadonlyMap<number, Fact<GitLabProject>>;
  readonly protectedBranches: ReadonlyMap<number, Fact<readonly ProtectedRefPattern[]>>;
  readonly protectedTags: ReadonlyMap<number, Fact<readonly ProtectedRefPattern[]>>;
}

const NOT_CONFIGURED: Fact<never> = {
  status: 'skipped',
  detail: 'no GitLab API for this issuer (not in trustedIssuers, or lookups switched off with --offline)',
};

export function parseProjectId(text: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** The projects a trust names exactly: paths from `sub`, ids from `sub` and from `project_id` conditions. */
export function namedProjects(trust: ProviderTrust): { paths: string[]; ids: number[] } {
  const paths = new Set<string>();
  const ids = new Set<number>();
  for (const st of trust.allows) {
    for (const s of liveSubjects(st) ?? []) {
      if (s.projectPath.kind === 'exact') paths.add(s.projectPath.value);
      const id = s.projectId.kind === 'exact' ? parseProjectId(s.projectId.value) : null;
      if (id !== null) ids.add(id);
    }
    for (const v of narrowestTest(st, 'project_id')?.values ?? []) {
      const id = parseProjectId(v);
      if (id !== null) ids.add(id);
    }
  }
  return { paths: [...paths].sort(), ids: [...ids].sort((a, b) => a - b) };
}

/** Looks up what the checks and the suggestion need; never throws for GitLab's answers. */
export async function gatherFacts(
  trust: ProviderTrust,
  port: GitLabPort | undefined,
  watchedBy: ProductionRole | null,
): Promise<AuditFacts> {
  const named = namedProjects(trust);
  const ids = new Set([...named.ids, ...(watchedBy?.allowedProjectIds ?? [])]);
  const projectsByPath = new Map<string, Fact<GitLabProject>>();
  const projectsById = new Map<number, Fact<GitLabProject>>();
  const protectedBranches = new Map<number, Fact<readonly ProtectedRefPattern[]>>();
  const protectedTags = new Map<number, Fact<readonly ProtectedRefPattern[]>>();
  if (!port) {
    named.paths.forEach((p) => projectsByPath.set(p.toLowerCase(), NOT_CONFIGURED));
    ids.forEach((id) => projectsById.set(id, NOT_CONFIGURED));
    return { gitlabConfigured: false, projectsByPath, projectsById, protectedBranches, protectedTags };
  }
  await Promise.all([
    ...named.paths.map(async (p) => projectsByPath.set(p.toLowerCase(), await port.getProject(p))),
    ...[...ids].map(async (id) => projectsById.set(id, await port.getProject(id))),
  ]);
  // Protection is read for projects that still live where the trust policy (or the config) says.
  const resolved = new Set<number>(ids);
  for (const [path, fact] of projectsByPath) {
    if (fact.status === 'found' && fact.value.pathWithNamespace.toLowerCase() === path)
      resolved.add(fact.value.id);
  }
  await Promise.all(
    [...resolved].map(async (id) => {
      const [branches, tags] = await Promise.all([
        port.listProtectedBranches(id),
        port.listProtectedTags(id),
      ]);
      protectedBranches.set(id, branches);
      protectedTags.set(id, tags);
    }),
  );
  return { gitlabConfigured: true, projectsByPath, projectsById, protectedBranches, protectedTags };
}
