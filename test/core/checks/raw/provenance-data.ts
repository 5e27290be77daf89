/** GitLab data for the provenance raw-record cases: the demo's GitLab with pipelines and projects changed or added. */
import { DEMO_GITLAB } from '../../../../examples/demo/scenarios';
import type {
  StandinData,
  StandinJob,
  StandinPipeline,
  StandinProject,
} from '../../../../tools/gitlab-standin';

/** The demo GitLab with pipeline `id`'s jobs replaced (the good main deploy is 900001). */
export function withJobs(id: number, jobs: StandinJob[], project: Partial<StandinProject> = {}): StandinData {
  return {
    ...DEMO_GITLAB,
    projects: DEMO_GITLAB.projects.map((p) => (p.id === 4242 ? { ...p, ...project } : p)),
    pipelines: DEMO_GITLAB.pipelines.map((p) => (p.id === id ? { ...p, jobs } : p)),
  };
}

/** The good main deploy's job (pipeline 900001, role assumed at 09:00:05), with the given changes. */
export function deployJob(overrides: Partial<StandinJob> = {}): StandinJob {
  return {
    id: 77_001,
    name: 'deploy-production',
    started_at: '2026-11-20T08:58:07.000Z',
    finished_at: '2026-11-20T09:01:05.000Z',
    runner: { id: 51, description: 'shared-runner-1', runner_type: 'instance_type' },
    ...overrides,
  };
}

/** The demo GitLab plus projects and pipelines. */
export function withExtra(pipelines: StandinPipeline[], projects: StandinProject[] = []): StandinData {
  return {
    ...DEMO_GITLAB,
    projects: [...DEMO_GITLAB.projects, ...projects],
    pipelines: [...DEMO_GITLAB.pipelines, ...pipelines],
  };
}

/** A finished pipeline of project 4242 on main created two minutes before `usedAt`. */
export function mainPipeline(
  id: number,
  source: string,
  usedAt: string,
  extra: Partial<StandinPipeline> = {},
): StandinPipeline {
  const t = Date.parse(usedAt);
  const at = (s: number) => new Date(t + s * 1000).toISOString();
  return {
    id,
    project_id: 4242,
    ref: 'main',
    source,
    status: 'success',
    created_at: at(-120),
    updated_at: at(60),
    finished_at: at(60),
    ...extra,
  };
}
