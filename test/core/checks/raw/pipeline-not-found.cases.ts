/** Raw-record cases for PIPELINE_NOT_FOUND (lib/core/checks/pipeline-not-found.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: "the session name names a pipeline the token's project does not have",
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000701', roleSessionName: 'pipeline-990099' }),
    expect: { verdict: 'alert', codes: ['PIPELINE_NOT_FOUND'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000702' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
