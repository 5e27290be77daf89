/** Raw-record cases for PROJECT_NOT_ALLOWED (lib/core/checks/project-not-allowed.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a token from a project that is not pinned for the role (its own pipeline on its own main)',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001001',
      eventTime: '2026-11-20T14:20:00Z',
      roleSessionName: 'pipeline-900008',
      subject: 'project_path:acme/payments/deploy:ref_type:branch:ref:main',
    }),
    expect: { verdict: 'alert', codes: ['PROJECT_NOT_ALLOWED'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000001002' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
