/** Raw-record cases for UPSTREAM_UNRESOLVED (lib/core/checks/upstream-unresolved.ts). */
import { record, type RawCase } from './harness';
import { mainPipeline, withExtra } from './provenance-data';

/** A child pipeline whose parent GitLab no longer has (deleted): the chain cannot be followed to its root. */
const orphan = withExtra([
  mainPipeline(910_003, 'parent_pipeline', '2026-11-20T22:00:00Z', {
    upstream: { project_id: 4242, pipeline_id: 999_999 },
  }),
]);

export const cases: readonly RawCase[] = [
  {
    name: 'a child pipeline deploys but GitLab shows no parent for it',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000002701',
      eventTime: '2026-11-20T22:00:00Z',
      roleSessionName: 'pipeline-910003',
    }),
    gitlab: orphan,
    expect: { verdict: 'unverified', codes: ['UPSTREAM_UNRESOLVED'] },
  },
  {
    name: 'a child pipeline of a push on main: resolved through GraphQL',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000002702',
      eventTime: '2026-11-20T18:00:00Z',
      roleSessionName: 'pipeline-900010',
    }),
    expect: { verdict: 'ok', codes: [] },
  },
];
