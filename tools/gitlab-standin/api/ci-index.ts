/**
 * Indexes over the stand-in's CI data shared by the provenance areas (pipelines list, jobs, bridges, deployments,
 * GraphQL): pipelines with their per-project iid, each pipeline's jobs (a default `deploy` job when none are given,
 * timed like the pipeline), trigger jobs derived from `upstream` links, and deployments from jobs with an environment.
 */
import { addSeconds, DEFAULT_CREATED_AT } from '../shapes';
import type { StandinData, StandinJob, StandinPipeline } from '../types';

export interface IndexedPipeline {
  readonly pipeline: StandinPipeline;
  readonly iid: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly status: string;
  readonly jobs: readonly StandinJob[];
}

export interface CiIndex {
  readonly byKey: ReadonlyMap<string, IndexedPipeline>;
  readonly byProject: ReadonlyMap<number, readonly IndexedPipeline[]>;
  /** Parent pipeline key -> the pipelines it triggered. */
  readonly downstream: ReadonlyMap<string, readonly IndexedPipeline[]>;
}

export const pipelineKey = (projectId: number, pipelineId: number | string): string =>
  `${projectId}:${pipelineId}`;

/** Job ids for default jobs: stable and far from ids tests choose. */
const DEFAULT_JOB_ID_BASE = 70_000_000;

function defaultJobs(p: StandinPipeline, createdAt: string, status: string): StandinJob[] {
  const finished =
    p.finished_at !== undefined
      ? p.finished_at
      : status === 'running' || status === 'pending'
        ? null
        : addSeconds(createdAt, 95);
  return [
    {
      id: DEFAULT_JOB_ID_BASE + p.id,
      name: 'deploy',
      stage: 'deploy',
      status: finished === null ? 'running' : status,
      started_at: addSeconds(createdAt, 2),
      finished_at: finished,
      runner: { id: 51, description: 'shared-runner-1', runner_type: 'instance_type' },
    },
  ];
}

export function ciIndex(data: StandinData): CiIndex {
  const byKey = new Map<string, IndexedPipeline>();
  const byProject = new Map<number, IndexedPipeline[]>();
  const grouped = new Map<number, StandinPipeline[]>();
  for (const p of data.pipelines) grouped.set(p.project_id, [...(grouped.get(p.project_id) ?? []), p]);
  for (const [projectId, list] of grouped) {
    const indexed = [...list]
      .sort((a, b) => a.id - b.id)
      .map((pipeline, i): IndexedPipeline => {
        const createdAt = pipeline.created_at ?? DEFAULT_CREATED_AT;
        const status = pipeline.status ?? 'success';
        return {
          pipeline,
          iid: i + 1,
          createdAt,
          updatedAt: pipeline.updated_at ?? addSeconds(createdAt, 95),
          status,
          jobs: pipeline.jobs ?? defaultJobs(pipeline, createdAt, status),
        };
      });
    for (const p of indexed) byKey.set(pipelineKey(projectId, p.pipeline.id), p);
    byProject.set(projectId, indexed);
  }
  const downstream = new Map<string, IndexedPipeline[]>();
  for (const p of byKey.values()) {
    const up = p.pipeline.upstream;
    if (!up) continue;
    const key = pipelineKey(up.project_id, up.pipeline_id);
    downstream.set(key, [...(downstream.get(key) ?? []), p]);
  }
  return { byKey, byProject, downstream };
}
