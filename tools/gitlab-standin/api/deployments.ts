/**
 * Deployments: GET /projects/:id/deployments (`Entities::Deployment`: environment as EnvironmentBasic, deployable as
 * the Ci::Job), filters `environment`, `status`, `updated_after`, `updated_before`; one deployment per job that has
 * an `environment`. Protected environments: GET /projects/:id/protected_environments (EE `ProtectedEnvironment`);
 * `'tier'` answers 403 as an instance without Premium does.
 * See: https://docs.gitlab.com/api/deployments/#list-project-deployments and https://docs.gitlab.com/api/protected_environments/
 */
import type { ApiArea } from '../router';
import { fakeSha, stableId, userJson } from '../shapes';
import type { CiIndex } from './ci-index';
import { pipelineBasicJson } from './pipeline-list';

export function deploymentsArea(index: CiIndex): ApiArea {
  return {
    projectRoutes: [
      {
        path: 'deployments',
        handle: ({ url, reply, instance, project }) => {
          const q = url.searchParams;
          const after = q.has('updated_after') ? Date.parse(q.get('updated_after') ?? '') : null;
          const items = (index.byProject.get(project.id) ?? []).flatMap((p) =>
            p.jobs.flatMap((job) => {
              if (job.environment === undefined) return [];
              const updated = job.finished_at ?? job.started_at ?? p.updatedAt;
              if (after !== null && Date.parse(updated) < after) return [];
              if (q.has('environment') && q.get('environment') !== job.environment) return [];
              const status = job.finished_at ? 'success' : 'running';
              if (q.has('status') && q.get('status') !== status) return [];
              const envId = stableId(`env:${project.id}:${job.environment}`);
              return [
                {
                  id: stableId(`deployment:${job.id}`),
                  iid: job.id % 10_000,
                  ref: p.pipeline.ref,
                  sha: p.pipeline.sha ?? fakeSha(`pipeline:${p.pipeline.id}`),
                  created_at: job.started_at ?? p.createdAt,
                  updated_at: updated,
                  user: userJson(instance.baseUrl, p.pipeline.username ?? 'jdoe'),
                  environment: {
                    id: envId,
                    name: job.environment,
                    slug: job.environment.replace(/[^a-z0-9]+/gi, '-').toLowerCase(),
                    external_url: null,
                    created_at: '2024-01-10T09:00:00.000+00:00',
                    updated_at: updated,
                  },
                  deployable: {
                    id: job.id,
                    status: status,
                    stage: job.stage ?? 'deploy',
                    name: job.name,
                    ref: p.pipeline.ref,
                    tag: p.pipeline.tag ?? false,
                    created_at: p.createdAt,
                    started_at: job.started_at ?? null,
                    finished_at: job.finished_at ?? null,
                    pipeline: pipelineBasicJson(instance, project, p),
                    web_url: `${instance.baseUrl}/${project.path_with_namespace}/-/jobs/${job.id}`,
                  },
                  status,
                },
              ];
            }),
          );
          reply.page(url, items);
        },
      },
      {
        path: 'protected_environments',
        handle: ({ url, reply, project }) => {
          const envs = project.protected_environments ?? [];
          if (envs === 'tier') return reply.json(403, { message: '403 Forbidden' });
          reply.page(
            url,
            envs.map((name) => ({
              name,
              deploy_access_levels: [
                {
                  id: stableId(`pe:${project.id}:${name}`),
                  access_level: 40,
                  access_level_description: 'Maintainers',
                  user_id: null,
                  group_id: null,
                  group_inheritance_type: 0,
                },
              ],
              required_approval_count: 0,
              approval_rules: [],
            })),
          );
        },
      },
    ],
  };
}
