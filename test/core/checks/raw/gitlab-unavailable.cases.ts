/** Raw-record cases for GITLAB_UNAVAILABLE (lib/core/checks/gitlab-unavailable.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'GitLab answers 503 for the pipeline lookup: could not tell, never ok',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000601' }),
    faults: [{ match: '/pipelines/', kind: 503 }],
    expect: { verdict: 'unverified', codes: ['GITLAB_UNAVAILABLE'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000602' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
