/** Raw-record cases for SESSION_NAME_UNPARSED (lib/core/checks/session-name-unparsed.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a session name that names no pipeline: the pipeline and its source cannot be checked',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000000501',
      roleSessionName: 'deploy-from-laptop',
    }),
    expect: { verdict: 'unverified', codes: ['SESSION_NAME_UNPARSED'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000502' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
