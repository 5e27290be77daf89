/** Raw-record cases for UPSTREAM_NOT_ALLOWED (lib/core/checks/upstream-not-allowed.ts). */
import { record, type RawCase } from './harness';
import { mainPipeline, withExtra } from './provenance-data';

/** acme/tools (7777) runs a push pipeline on main that triggers a multi-project downstream deploy in 4242. */
const multiProject = withExtra(
  [
    { ...mainPipeline(910_001, 'push', '2026-11-20T21:00:00Z'), project_id: 7777 },
    mainPipeline(910_002, 'pipeline', '2026-11-20T21:00:00Z', {
      upstream: { project_id: 7777, pipeline_id: 910_001 },
    }),
  ],
  [{ id: 7777, path_with_namespace: 'acme/tools', protected_branches: ['main'], branches: ['main'] }],
);
const RECORD = { eventTime: '2026-11-20T21:00:00Z', roleSessionName: 'pipeline-910002' };
const MULTI = ['parent_pipeline', 'pipeline'];

export const cases: readonly RawCase[] = [
  {
    name: 'a multi-project downstream deploy whose upstream pipeline runs in a project that is not pinned',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002601', ...RECORD }),
    gitlab: multiProject,
    prodDeploy: { downstreamPipelines: { allowedSources: MULTI } },
    expect: { verdict: 'alert', codes: ['UPSTREAM_NOT_ALLOWED'] },
  },
  {
    name: 'the same, with acme/tools pinned as an upstream project and its main protected',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002602', ...RECORD }),
    gitlab: multiProject,
    prodDeploy: { downstreamPipelines: { allowedSources: MULTI, upstreamProjectIds: [7777] } },
    expect: { verdict: 'ok', codes: [] },
  },
];
