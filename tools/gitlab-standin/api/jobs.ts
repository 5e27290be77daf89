/**
 * Pipeline jobs and trigger jobs: GET /projects/:id/pipelines/:pipeline_id/jobs (`Entities::Ci::Job`: started_at,
 * finished_at, runner, pipeline; `include_retried`) and GET .../bridges (`Entities::Ci::Bridge`: the JobBasic fields
 * plus `downstream_pipeline`, a PipelineBasic).
 * See: https://docs.gitlab.com/api/jobs/#list-pipeline-jobs and https://docs.gitlab.com/api/jobs/#list-pipeline-trigger-jobs
 */
import type { ApiArea } from '../router';
import { fakeSha, type Instance, stableId, userJson } from '../shapes';
import type { StandinJob, StandinProject, StandinRunner } from '../types';
import { type CiIndex, type IndexedPipeline, pipelineKey } from './ci-index';
import { pipelineBasicJson } from './pipeline-list';

function runnerJson(r: StandinRunner): Record<string, unknown> {
  const type = r.runner_type ?? 'project_type';
  return {
    id: r.id,
    description: r.description ?? `runner-${r.id}`,
    ip_address: null,
    active: true,
    paused: false,
    is_shared: type === 'instance_type',
    runner_type: type,
    name: 'gitlab-runner',
    online: true,
    status: 'online',
  };
}

function commitJson(p: IndexedPipeline): Record<string, unknown> {
  const sha = p.pipeline.sha ?? fakeSha(`pipeline:${p.pipeline.id}`);
  return {
    id: sha,
    short_id: sha.slice(0, 8),
    title: 'Deploy',
    created_at: p.createdAt,
    message: 'Deploy\n',
    author_name: p.pipeline.username ?? 'jdoe',
    author_email: `${p.pipeline.username ?? 'jdoe'}@example.com`,
  };
}

/** JobBasic fields shared by jobs and bridges. */
function jobBasicJson(
  instance: Instance,
  project: StandinProject,
  p: IndexedPipeline,
  job: Pick<StandinJob, 'id' | 'name' | 'stage' | 'status' | 'started_at' | 'finished_at'>,
): Record<string, unknown> {
  const started = job.started_at ?? null;
  const finished = job.finished_at ?? null;
  return {
    id: job.id,
    status: job.status ?? (finished === null ? (started === null ? 'created' : 'running') : 'success'),
    stage: job.stage ?? 'deploy',
    name: job.name,
    ref: p.pipeline.ref,
    tag: p.pipeline.tag ?? false,
    coverage: null,
    allow_failure: false,
    created_at: p.createdAt,
    started_at: started,
    finished_at: finished,
    erased_at: null,
    duration:
      started !== null && finished !== null ? (Date.parse(finished) - Date.parse(started)) / 1000 : null,
    queued_duration: 0.91,
    user: userJson(instance.baseUrl, p.pipeline.username ?? 'jdoe'),
    commit: commitJson(p),
    pipeline: pipelineBasicJson(instance, project, p),
    web_url: `${instance.baseUrl}/${project.path_with_namespace}/-/jobs/${job.id}`,
    project: { ci_job_token_scope_enabled: false },
  };
}

function jobJson(
  instance: Instance,
  project: StandinProject,
  p: IndexedPipeline,
  job: StandinJob,
): Record<string, unknown> {
  return {
    ...jobBasicJson(instance, project, p, job),
    artifacts: [],
    runner: job.runner ? runnerJson(job.runner) : null,
    runner_manager: null,
    artifacts_expire_at: null,
    archived: false,
    tag_list: job.runner?.runner_type === 'project_type' ? ['production'] : [],
  };
}

/** The trigger job of `parent` that started `child`. */
function bridgeJson(
  instance: Instance,
  project: StandinProject,
  parent: IndexedPipeline,
  child: IndexedPipeline,
  childProject: StandinProject,
): Record<string, unknown> {
  const id = stableId(`bridge:${parent.pipeline.id}:${child.pipeline.id}`);
  return {
    ...jobBasicJson(instance, project, parent, {
      id,
      name: child.pipeline.source === 'parent_pipeline' ? 'trigger-child' : 'trigger-downstream',
      stage: 'deploy',
      status: 'success',
      started_at: child.createdAt,
      finished_at: child.updatedAt,
    }),
    downstream_pipeline: pipelineBasicJson(instance, childProject, child),
  };
}

export function jobsArea(index: CiIndex, projectsById: ReadonlyMap<number, StandinProject>): ApiArea {
  return {
    projectRoutes: [
      {
        path: 'pipelines/:pipeline_id/jobs',
        handle: ({ params, url, reply, instance, project }) => {
          const p = index.byKey.get(pipelineKey(project.id, params.pipeline_id ?? ''));
          if (!p) return reply.json(404, { message: '404 Not found' });
          reply.page(
            url,
            p.jobs.map((job) => jobJson(instance, project, p, job)),
          );
        },
      },
      {
        path: 'pipelines/:pipeline_id/bridges',
        handle: ({ params, url, reply, instance, project }) => {
          const key = pipelineKey(project.id, params.pipeline_id ?? '');
          const p = index.byKey.get(key);
          if (!p) return reply.json(404, { message: '404 Not found' });
          const children = index.downstream.get(key) ?? [];
          reply.page(
            url,
            children.flatMap((child) => {
              const childProject = projectsById.get(child.pipeline.project_id);
              return childProject ? [bridgeJson(instance, project, p, child, childProject)] : [];
            }),
          );
        },
      },
    ],
  };
}
