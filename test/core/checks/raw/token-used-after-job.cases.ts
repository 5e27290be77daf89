/** Raw-record cases for TOKEN_USED_AFTER_JOB (lib/core/checks/token-used-after-job.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: "the 09:00 deploy job's token is used at 09:40, long after the job finished, before it expired",
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000002301',
      eventTime: '2026-11-20T09:40:00Z',
      sourceIp: '192.0.2.66',
    }),
    expect: { verdict: 'alert', codes: ['TOKEN_USED_AFTER_JOB'] },
  },
  {
    name: 'a push pipeline on protected main deploys while its job runs: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002302' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
