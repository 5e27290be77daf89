/**
 * Pipelines list: GET /projects/:id/pipelines, with the documented filters `ref`, `status`, `source`,
 * `updated_after`, `updated_before`, `created_after`, `created_before`, `order_by` (id, updated_at), `sort`
 * (default id desc), paginated. Items are `Entities::Ci::PipelineBasic`: no user, tag or start/finish times.
 * See: https://docs.gitlab.com/api/pipelines/#list-project-pipelines
 */
import type { ApiArea } from '../router';
import { fakeSha, type Instance } from '../shapes';
import type { StandinProject } from '../types';
import type { CiIndex, IndexedPipeline } from './ci-index';

export function pipelineBasicJson(
  instance: Instance,
  project: StandinProject,
  p: IndexedPipeline,
): Record<string, unknown> {
  return {
    id: p.pipeline.id,
    iid: p.iid,
    project_id: p.pipeline.project_id,
    sha: p.pipeline.sha ?? fakeSha(`pipeline:${p.pipeline.id}`),
    ref: p.pipeline.ref,
    status: p.status,
    source: p.pipeline.source,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    web_url: `${instance.baseUrl}/${project.path_with_namespace}/-/pipelines/${p.pipeline.id}`,
    name: null,
  };
}

function time(value: string | null): number | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function matches(p: IndexedPipeline, q: URLSearchParams): boolean {
  const eq = (key: string, value: string): boolean => !q.has(key) || q.get(key) === value;
  const created = Date.parse(p.createdAt);
  const updated = Date.parse(p.updatedAt);
  const bound = (key: string, actual: number, after: boolean): boolean => {
    const limit = time(q.get(key));
    return limit === null || (after ? actual >= limit : actual <= limit);
  };
  return (
    eq('ref', p.pipeline.ref) &&
    eq('status', p.status) &&
    eq('source', p.pipeline.source) &&
    bound('updated_after', updated, true) &&
    bound('updated_before', updated, false) &&
    bound('created_after', created, true) &&
    bound('created_before', created, false)
  );
}

export function pipelineListArea(index: CiIndex): ApiArea {
  return {
    projectRoutes: [
      {
        path: 'pipelines',
        handle: ({ url, reply, instance, project }) => {
          const q = url.searchParams;
          const byUpdated = q.get('order_by') === 'updated_at';
          const asc = q.get('sort') === 'asc';
          const items = (index.byProject.get(project.id) ?? [])
            .filter((p) => matches(p, q))
            .sort((a, b) => {
              const d = byUpdated
                ? Date.parse(a.updatedAt) - Date.parse(b.updatedAt)
                : a.pipeline.id - b.pipeline.id;
              return asc ? d : -d;
            })
            .map((p) => pipelineBasicJson(instance, project, p));
          reply.page(url, items);
        },
      },
    ],
  };
}
