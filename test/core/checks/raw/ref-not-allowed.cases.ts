/** Raw-record cases for REF_NOT_ALLOWED (lib/core/checks/ref-not-allowed.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a role pinned to main is taken by a pipeline on a feature branch',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001101',
      eventTime: '2026-11-20T09:12:41Z',
      roleSessionName: 'pipeline-900002',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:feature/quick-fix',
    }),
    prodDeploy: { allowedRefs: ['main'] },
    expect: { verdict: 'alert', codes: ['REF_NOT_ALLOWED'] },
  },
  {
    name: 'a role pinned to main is taken by a pipeline on main',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000001102' }),
    prodDeploy: { allowedRefs: ['main'] },
    expect: { verdict: 'ok', codes: [] },
  },
];
