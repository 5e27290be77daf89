/**
 * GraphQL, just the one query the service sends: `project(fullPath).pipeline(iid) { upstream { ... } }`, read from
 * the GET parameters `query` and `variables` (GitLab runs queries over GET). The response nests `upstream` as deep as
 * the query asks (one level per `upstream {` in it); ids are global ids (`gid://gitlab/Ci::Pipeline/1`), `iid` a
 * string, `status` an upper-case enum, as in GitLab's schema.
 * See: https://docs.gitlab.com/api/graphql/reference/#pipeline and https://docs.gitlab.com/api/graphql/getting_started/
 */
import type { ApiArea } from '../router';
import type { StandinProject } from '../types';
import { type CiIndex, type IndexedPipeline, pipelineKey } from './ci-index';

function node(p: IndexedPipeline, project: StandinProject | undefined): Record<string, unknown> {
  return {
    id: `gid://gitlab/Ci::Pipeline/${p.pipeline.id}`,
    iid: String(p.iid),
    ref: p.pipeline.ref,
    refPath: `${p.pipeline.tag ? 'refs/tags/' : 'refs/heads/'}${p.pipeline.ref}`,
    source: p.pipeline.source,
    status: p.status.toUpperCase(),
    createdAt: p.createdAt.replace('+00:00', 'Z'),
    project: project
      ? { id: `gid://gitlab/Project/${project.id}`, fullPath: project.path_with_namespace }
      : null,
  };
}

function variables(raw: string | null): { fullPath: string; iid: string } | null {
  try {
    const parsed: unknown = JSON.parse(raw ?? '');
    if (typeof parsed !== 'object' || parsed === null) return null;
    const fullPath: unknown = Reflect.get(parsed, 'fullPath');
    const iid: unknown = Reflect.get(parsed, 'iid');
    return typeof fullPath === 'string' && typeof iid === 'string' ? { fullPath, iid } : null;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

export function graphqlArea(
  index: CiIndex,
  projectsById: ReadonlyMap<number, StandinProject>,
  projectsByPath: ReadonlyMap<string, StandinProject>,
): ApiArea {
  const upstreamOf = (p: IndexedPipeline): IndexedPipeline | undefined => {
    const up = p.pipeline.upstream;
    return up ? index.byKey.get(pipelineKey(up.project_id, up.pipeline_id)) : undefined;
  };
  const nest = (p: IndexedPipeline | undefined, levels: number): Record<string, unknown> | null => {
    if (!p) return null;
    if (levels === 1) return { id: `gid://gitlab/Ci::Pipeline/${p.pipeline.id}` };
    return { ...node(p, projectsById.get(p.pipeline.project_id)), upstream: nest(upstreamOf(p), levels - 1) };
  };
  return {
    apiRoutes: [
      {
        path: 'graphql',
        handle: ({ url, reply }) => {
          const query = url.searchParams.get('query') ?? '';
          const vars = variables(url.searchParams.get('variables'));
          if (!query.includes('project(fullPath:') || vars === null)
            return reply.json(200, {
              errors: [{ message: 'stand-in: only the upstream chain query is served' }],
            });
          const project = projectsByPath.get(vars.fullPath.toLowerCase());
          const pipeline = project
            ? (index.byProject.get(project.id) ?? []).find((p) => String(p.iid) === vars.iid)
            : undefined;
          const levels = query.split('upstream {').length - 1;
          const body = pipeline
            ? {
                id: `gid://gitlab/Ci::Pipeline/${pipeline.pipeline.id}`,
                upstream: nest(upstreamOf(pipeline), levels),
              }
            : null;
          reply.json(200, { data: { project: project ? { pipeline: body } : null } });
        },
      },
    ],
  };
}
