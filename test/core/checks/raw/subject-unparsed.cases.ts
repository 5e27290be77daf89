/** Raw-record cases for SUBJECT_UNPARSED (lib/core/checks/subject-unparsed.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a token from the trusted issuer whose sub is not a GitLab component list',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000000301',
      subject: 'repo:acme/platform-deploy:ref:refs/heads/main',
    }),
    expect: { verdict: 'alert', codes: ['SUBJECT_UNPARSED'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000302' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
