/** Raw-record cases for SESSION_NAME_MISMATCH (lib/core/checks/session-name-mismatch.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a feature-branch job names its session after the good main pipeline',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001401',
      eventTime: '2026-11-20T09:30:17Z',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:feature/exfil',
      sourceIp: '192.0.2.66',
    }),
    expect: { verdict: 'alert', codes: ['UNPROTECTED_REF', 'SESSION_NAME_MISMATCH'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000001402' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
