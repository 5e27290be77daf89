/**
 * Protected tags: GET /projects/:id/protected_tags (paginated). Names may be wildcard patterns.
 * See: https://docs.gitlab.com/api/protected_tags/#list-protected-tags
 */
import type { ApiArea } from '../router';
import type { StandinProject } from '../types';
import { accessLevels } from './access-levels';

function protectedTagJson(project: StandinProject, name: string, index: number): Record<string, unknown> {
  return { name, create_access_levels: accessLevels(`pt:${project.id}:${name}:create`, index) };
}

export function protectedTagsArea(): ApiArea {
  return {
    projectRoutes: [
      {
        path: 'protected_tags',
        handle: ({ url, reply, project }) =>
          reply.page(
            url,
            (project.protected_tags ?? []).map((name, index) => protectedTagJson(project, name, index)),
          ),
      },
    ],
  };
}
