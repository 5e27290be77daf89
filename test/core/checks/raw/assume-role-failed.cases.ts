/** Raw-record cases for ASSUME_ROLE_FAILED (lib/core/checks/assume-role-failed.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a feature-branch job tries the production role and is denied: a probe',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000000401',
      roleSessionName: 'pipeline-900002',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:feature/quick-fix',
      error: { code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' },
    }),
    expect: { verdict: 'alert', codes: ['ASSUME_ROLE_FAILED'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000402' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
