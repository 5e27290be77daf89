/**
 * Repository branches and tags: GET /projects/:id/repository/branches/:branch and .../tags/:tag_name
 * (`Entities::Branch` / `Entities::Tag`); `protected` is computed from the project's protected patterns, as GitLab's
 * ProtectedBranch.protected? / ProtectedTag.protected? do. Names arrive URL-encoded (`feature%2Flogin`).
 * See: https://docs.gitlab.com/api/branches/#get-single-repository-branch and https://docs.gitlab.com/api/tags/#get-a-single-repository-tag
 */
import { refPatternMatches } from '../../../lib/core/glob';
import type { ApiArea, ProjectRouteContext } from '../router';
import { addSeconds, DEFAULT_CREATED_AT, fakeSha } from '../shapes';

function decoded(raw: string | undefined): string | null {
  try {
    return raw === undefined ? null : decodeURIComponent(raw);
  } catch (error) {
    if (error instanceof URIError) return null;
    throw error;
  }
}

function commitJson(seed: string): Record<string, unknown> {
  const sha = fakeSha(seed);
  return {
    id: sha,
    short_id: sha.slice(0, 8),
    created_at: DEFAULT_CREATED_AT,
    parent_ids: [fakeSha(`${seed}:parent`)],
    title: 'Release',
    message: 'Release\n',
    author_name: 'J Doe',
    author_email: 'jdoe@example.com',
    authored_date: DEFAULT_CREATED_AT,
    committer_name: 'J Doe',
    committer_email: 'jdoe@example.com',
    committed_date: addSeconds(DEFAULT_CREATED_AT, 1),
  };
}

function branch({ params, reply, instance, project }: ProjectRouteContext): void {
  const name = decoded(params.branch);
  if (name === null || !(project.branches ?? []).includes(name))
    return reply.json(404, { message: '404 Branch Not Found' });
  const protectedBranch = (project.protected_branches ?? []).some((p) => refPatternMatches(p, name));
  reply.json(200, {
    name,
    commit: commitJson(`branch:${project.id}:${name}`),
    merged: false,
    protected: protectedBranch,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: false,
    default: name === 'main',
    web_url: `${instance.baseUrl}/${project.path_with_namespace}/-/tree/${encodeURIComponent(name)}`,
  });
}

function tag({ params, reply, project }: ProjectRouteContext): void {
  const name = decoded(params.tag_name);
  if (name === null || !(project.tags ?? []).includes(name))
    return reply.json(404, { message: '404 Tag Not Found' });
  reply.json(200, {
    name,
    message: null,
    target: fakeSha(`tag:${project.id}:${name}`),
    commit: commitJson(`tag:${project.id}:${name}`),
    release: null,
    protected: (project.protected_tags ?? []).some((p) => refPatternMatches(p, name)),
  });
}

export function repositoryArea(): ApiArea {
  return {
    projectRoutes: [
      { path: 'repository/branches/:branch', handle: branch },
      { path: 'repository/tags/:tag_name', handle: tag },
    ],
  };
}
