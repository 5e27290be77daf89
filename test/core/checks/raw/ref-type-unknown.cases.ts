/** Raw-record cases for REF_TYPE_UNKNOWN (lib/core/checks/ref-type-unknown.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a sub without ref_type for v1.4.0, which is both a protected tag and an unprotected branch',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001301',
      eventTime: '2026-11-20T12:00:00Z',
      roleSessionName: 'pipeline-900006',
      subject: 'project_path:acme/platform/deploy:ref:v1.4.0',
    }),
    expect: { verdict: 'unverified', codes: ['REF_TYPE_UNKNOWN'] },
  },
  {
    name: 'a sub without ref_type for main, which the repository has only as a branch',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001302',
      subject: 'project_path:acme/platform/deploy:ref:main',
    }),
    prodDeploy: { allowedRefTypes: ['branch'] },
    expect: { verdict: 'ok', codes: [] },
  },
];
