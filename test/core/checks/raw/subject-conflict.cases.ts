/** Raw-record cases for SUBJECT_CONFLICT (lib/core/checks/subject-conflict.ts). */
import { makeWebIdentityRecord } from '../../../../tools/cloudtrail-records';
import { record, type RawCase } from './harness';

function conflicting(): unknown {
  const r = makeWebIdentityRecord({
    eventId: 'c0a1e001-0000-4000-8000-000000002101',
    eventTime: '2026-11-20T09:00:05Z',
    roleArn: 'arn:aws:iam::123456789012:role/prod-deploy',
    roleSessionName: 'pipeline-900001',
    subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
  });
  const response = r.responseElements;
  if (response === null) throw new Error('a successful record has responseElements');
  // userName says main; the response's copy of the sub says a feature branch.
  return {
    ...r,
    responseElements: {
      ...response,
      subjectFromWebIdentityToken: 'project_path:acme/platform/deploy:ref_type:branch:ref:feature/exfil',
    },
  };
}

export const cases: readonly RawCase[] = [
  {
    name: "the record's userName and subjectFromWebIdentityToken name different refs",
    record: conflicting(),
    expect: { verdict: 'alert', codes: ['SUBJECT_CONFLICT'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002102' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
