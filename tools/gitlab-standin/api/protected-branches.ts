/**
 * Protected branches: GET /projects/:id/protected_branches (paginated). Names may be wildcard patterns.
 * See: https://docs.gitlab.com/api/protected_branches/#list-protected-branches
 */
import type { ApiArea } from '../router';
import { stableId } from '../shapes';
import type { StandinProject } from '../types';
import { accessLevels } from './access-levels';

function protectedBranchJson(project: StandinProject, name: string, index: number): Record<string, unknown> {
  return {
    id: stableId(`pb:${project.id}:${name}`),
    name,
    push_access_levels: accessLevels(`pb:${project.id}:${name}:push`, index),
    merge_access_levels: accessLevels(`pb:${project.id}:${name}:merge`, index),
    unprotect_access_levels: [],
    allow_force_push: false,
    code_owner_approval_required: false,
    inherited: false,
  };
}

export function protectedBranchesArea(): ApiArea {
  return {
    projectRoutes: [
      {
        path: 'protected_branches',
        handle: ({ url, reply, project }) =>
          reply.page(
            url,
            (project.protected_branches ?? []).map((name, index) =>
              protectedBranchJson(project, name, index),
            ),
          ),
      },
    ],
  };
}
