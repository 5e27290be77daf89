/**
 * Projects: GET /projects/:id (numeric id or URL-encoded full path), and the project resolution every
 * project-scoped route goes through.
 * See: https://docs.gitlab.com/api/projects/#get-a-single-project
 */
import type { ApiArea } from '../router';
import { type Instance, stableId } from '../shapes';
import type { StandinData, StandinProject } from '../types';

export type ResolvedProject =
  { kind: 'found'; project: StandinProject } | { kind: 'moved'; id: number } | { kind: 'missing' };

export interface ProjectDirectory {
  /** `rawId` is the path segment as received (percent-encoded). */
  resolve(rawId: string): ResolvedProject;
}

export function projectDirectory(data: StandinData): ProjectDirectory {
  // Indexes built once: every request is a map lookup.
  const byId = new Map<number, StandinProject>();
  const byPath = new Map<string, StandinProject>();
  for (const project of data.projects) {
    byId.set(project.id, project);
    // GitLab resolves full paths case-insensitively.
    byPath.set(project.path_with_namespace.toLowerCase(), project);
  }
  const moved = new Map<string, number>();
  for (const [path, id] of Object.entries(data.movedPaths ?? {})) moved.set(path.toLowerCase(), id);
  return {
    resolve: (rawId) => {
      let idOrPath: string;
      try {
        idOrPath = decodeURIComponent(rawId);
      } catch (error) {
        if (!(error instanceof URIError)) throw error;
        return { kind: 'missing' };
      }
      const project = /^[0-9]+$/.test(idOrPath)
        ? byId.get(Number(idOrPath))
        : byPath.get(idOrPath.toLowerCase());
      if (project) return { kind: 'found', project };
      const movedTo = moved.get(idOrPath.toLowerCase());
      return movedTo === undefined ? { kind: 'missing' } : { kind: 'moved', id: movedTo };
    },
  };
}

function projectJson(instance: Instance, project: StandinProject): Record<string, unknown> {
  const { baseUrl } = instance;
  const segments = project.path_with_namespace.split('/');
  const path = segments[segments.length - 1] ?? project.path_with_namespace;
  const namespacePath = segments.slice(0, -1).join('/');
  const webUrl = `${baseUrl}/${project.path_with_namespace}`;
  return {
    id: project.id,
    description: null,
    name: path,
    name_with_namespace: segments.join(' / '),
    path,
    path_with_namespace: project.path_with_namespace,
    created_at: '2023-02-01T09:12:44.310+00:00',
    default_branch: 'main',
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(baseUrl).host}:${project.path_with_namespace}.git`,
    http_url_to_repo: `${webUrl}.git`,
    web_url: webUrl,
    readme_url: `${webUrl}/-/blob/main/README.md`,
    forks_count: 0,
    avatar_url: null,
    star_count: 3,
    last_activity_at: '2025-04-16T03:40:02.871+00:00',
    namespace: {
      id: stableId(`ns:${namespacePath}`),
      name: namespacePath.split('/').pop() ?? namespacePath,
      path: namespacePath.split('/').pop() ?? namespacePath,
      kind: 'group',
      full_path: namespacePath,
      parent_id: null,
      avatar_url: null,
      web_url: `${baseUrl}/groups/${namespacePath}`,
    },
    visibility: 'private',
    archived: false,
    empty_repo: false,
    ci_config_path: null,
    ci_id_token_sub_claim_components: ['project_path', 'ref_type', 'ref'],
  };
}

export function projectsArea(): ApiArea {
  return {
    projectRoutes: [
      { path: '', handle: ({ reply, instance, project }) => reply.json(200, projectJson(instance, project)) },
    ],
  };
}
