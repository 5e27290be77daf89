/** Raw-record cases for PROJECT_ID_MISMATCH (lib/core/checks/project-id-mismatch.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'the path the trust policy names was recycled by a new project after a rename',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000000901',
      eventTime: '2026-11-20T14:20:00Z',
      roleArn: 'arn:aws:iam::123456789012:role/prod-payments-deployer',
      roleSessionName: 'pipeline-900008',
      subject: 'project_path:acme/payments/deploy:ref_type:branch:ref:main',
    }),
    expect: { verdict: 'alert', codes: ['PROJECT_ID_MISMATCH'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000902' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
