/** Raw-record cases for DOWNSTREAM_NOT_ALLOWED (lib/core/checks/downstream-not-allowed.ts). */
import { record, type RawCase } from './harness';

const CHILD = { eventTime: '2026-11-20T18:00:00Z', roleSessionName: 'pipeline-900010' };

export const cases: readonly RawCase[] = [
  {
    name: 'a child pipeline of a push on main deploys, for a role that allows no downstream pipelines',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002501', ...CHILD }),
    prodDeploy: { downstreamPipelines: { allowedSources: [] } },
    expect: { verdict: 'alert', codes: ['DOWNSTREAM_NOT_ALLOWED'] },
  },
  {
    name: 'the same child pipeline under the default (child pipelines judged by their root)',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002502', ...CHILD }),
    expect: { verdict: 'ok', codes: [] },
  },
];
