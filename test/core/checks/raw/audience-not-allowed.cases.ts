/** Raw-record cases for AUDIENCE_NOT_ALLOWED (lib/core/checks/audience-not-allowed.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a token minted for another audience (the default STS one) takes the production role',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000201', audience: 'sts.amazonaws.com' }),
    expect: { verdict: 'alert', codes: ['AUDIENCE_NOT_ALLOWED'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000202' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
