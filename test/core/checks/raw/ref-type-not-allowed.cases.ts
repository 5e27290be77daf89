/** Raw-record cases for REF_TYPE_NOT_ALLOWED (lib/core/checks/ref-type-not-allowed.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a branch-only role is taken by a tag pipeline (protected tag v1.4.0)',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001201',
      eventTime: '2026-11-20T12:00:00Z',
      roleSessionName: 'pipeline-900006',
      subject: 'project_path:acme/platform/deploy:ref_type:tag:ref:v1.4.0',
    }),
    prodDeploy: { allowedRefTypes: ['branch'] },
    expect: { verdict: 'alert', codes: ['REF_TYPE_NOT_ALLOWED'] },
  },
  {
    name: 'a tag pipeline on protected tag v1.4.0 takes a role that allows tags',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000001202',
      eventTime: '2026-11-20T12:00:00Z',
      roleSessionName: 'pipeline-900006',
      subject: 'project_path:acme/platform/deploy:ref_type:tag:ref:v1.4.0',
    }),
    expect: { verdict: 'ok', codes: [] },
  },
];
