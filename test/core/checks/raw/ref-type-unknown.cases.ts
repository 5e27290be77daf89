/** Raw-record cases for REF_TYPE_UNKNOWN (lib/core/checks/ref-type-unknown.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a sub without ref_type and no pipeline to ask, on a branch-only role',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001301',
      roleSessionName: 'deploy-from-laptop',
      subject: 'project_path:acme/platform/deploy:ref:main',
    }),
    prodDeploy: { allowedRefTypes: ['branch'] },
    expect: { verdict: 'unverified', codes: ['REF_TYPE_UNKNOWN', 'SESSION_NAME_UNPARSED'] },
  },
  {
    name: 'a sub without ref_type whose pipeline says it ran on a branch',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001302',
      subject: 'project_path:acme/platform/deploy:ref:main',
    }),
    prodDeploy: { allowedRefTypes: ['branch'] },
    expect: { verdict: 'ok', codes: [] },
  },
];
