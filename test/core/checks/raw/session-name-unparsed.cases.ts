/** Raw-record cases for SESSION_NAME_UNPARSED (lib/core/checks/session-name-unparsed.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a session name STS would never accept (spaces): the record is damaged or forged',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000000501',
      roleSessionName: 'deploy from laptop',
    }),
    expect: { verdict: 'unverified', codes: ['SESSION_NAME_UNPARSED'] },
  },
  {
    name: 'a valid session name that names no pipeline: the candidates decide (ok while the push pipeline runs)',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000000502',
      roleSessionName: 'deploy-from-laptop',
    }),
    expect: { verdict: 'ok', codes: [] },
  },
];
