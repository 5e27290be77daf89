/**
 * Pipelines: GET /projects/:id/pipelines/:pipeline_id. `iid` counts a project's pipelines in id order, as GitLab's
 * per-project pipeline number does.
 * See: https://docs.gitlab.com/api/pipelines/#get-a-single-pipeline
 */
import type { ApiArea } from '../router';
import { addSeconds, DEFAULT_CREATED_AT, fakeSha, type Instance, userJson } from '../shapes';
import type { StandinData, StandinPipeline, StandinProject } from '../types';

function pipelineJson(
  instance: Instance,
  project: StandinProject,
  pipeline: StandinPipeline,
  iid: number,
): Record<string, unknown> {
  const { baseUrl } = instance;
  const createdAt = pipeline.created_at ?? DEFAULT_CREATED_AT;
  const status = pipeline.status ?? 'success';
  return {
    id: pipeline.id,
    iid,
    project_id: pipeline.project_id,
    name: null,
    sha: pipeline.sha ?? fakeSha(`pipeline:${pipeline.id}`),
    ref: pipeline.ref,
    status,
    source: pipeline.source,
    created_at: createdAt,
    updated_at: pipeline.updated_at ?? addSeconds(createdAt, 95),
    web_url: `${baseUrl}/${project.path_with_namespace}/-/pipelines/${pipeline.id}`,
    before_sha: '0000000000000000000000000000000000000000',
    tag: pipeline.tag ?? false,
    yaml_errors: null,
    user: userJson(baseUrl, pipeline.username ?? 'jdoe'),
    started_at: addSeconds(createdAt, 2),
    finished_at:
      pipeline.finished_at !== undefined
        ? pipeline.finished_at
        : status === 'running' || status === 'pending'
          ? null
          : addSeconds(createdAt, 95),
    committed_at: null,
    duration: 93,
    queued_duration: 1.482117,
    coverage: null,
    detailed_status: {
      icon: `status_${status}`,
      text: status,
      label: status === 'success' ? 'passed' : status,
      group: status,
      tooltip: status === 'success' ? 'passed' : status,
      has_details: false,
      details_path: `/${project.path_with_namespace}/-/pipelines/${pipeline.id}`,
      illustration: null,
      favicon: `/assets/ci_favicons/favicon_status_${status}.png`,
    },
  };
}

export function pipelinesArea(data: StandinData): ApiArea {
  const byProject = new Map<number, StandinPipeline[]>();
  for (const pipeline of data.pipelines) {
    const list = byProject.get(pipeline.project_id) ?? [];
    list.push(pipeline);
    byProject.set(pipeline.project_id, list);
  }
  const pipelines = new Map<string, { pipeline: StandinPipeline; iid: number }>();
  for (const list of byProject.values()) {
    [...list]
      .sort((a, b) => a.id - b.id)
      .forEach((pipeline, index) =>
        pipelines.set(`${pipeline.project_id}:${pipeline.id}`, { pipeline, iid: index + 1 }),
      );
  }
  return {
    projectRoutes: [
      {
        path: 'pipelines/:pipeline_id',
        handle: ({ params, reply, instance, project }) => {
          const found = pipelines.get(`${project.id}:${params.pipeline_id ?? ''}`);
          if (found) reply.json(200, pipelineJson(instance, project, found.pipeline, found.iid));
          else reply.json(404, { message: '404 Not found' });
        },
      },
    ],
  };
}
