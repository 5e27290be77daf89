/** Raw-record cases for PIPELINE_SOURCE_NOT_ALLOWED (lib/core/checks/pipeline-source-not-allowed.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a pipeline on main started with a (leaked) trigger token',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000000801',
      eventTime: '2026-11-20T10:02:00Z',
      roleSessionName: 'pipeline-900004',
    }),
    expect: { verdict: 'alert', codes: ['PIPELINE_SOURCE_NOT_ALLOWED'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000802' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
