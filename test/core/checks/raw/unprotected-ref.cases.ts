/** Raw-record cases for UNPROTECTED_REF (lib/core/checks/unprotected-ref.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a pipeline on an unprotected feature branch obtains the production role',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001501',
      eventTime: '2026-11-20T09:12:41Z',
      roleSessionName: 'pipeline-900002',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:feature/quick-fix',
    }),
    expect: { verdict: 'alert', codes: ['UNPROTECTED_REF'] },
  },
  {
    name: "a release branch protected by the wildcard pattern 'release/*', GitLab's documented session name",
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001502',
      eventTime: '2026-11-20T11:15:30Z',
      roleSessionName: 'GitLabRunner-4242-900005',
      subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:release/2026.11',
      endpointType: 'regional',
    }),
    expect: { verdict: 'ok', codes: [] },
  },
];
