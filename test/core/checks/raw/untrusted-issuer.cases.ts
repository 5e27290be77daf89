/** Raw-record cases for UNTRUSTED_ISSUER (lib/core/checks/untrusted-issuer.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a second GitLab instance, whose provider the account also trusts, takes the production role',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000000101',
      roleSessionName: 'pipeline-31337',
      providerHost: 'gitlab.shadow.example.com',
      // The job chooses its token's aud (id_tokens: aud): the allowed audience is no obstacle.
      audience: 'https://gitlab.com',
      sourceIp: '192.0.2.99',
    }),
    expect: { verdict: 'alert', codes: ['UNTRUSTED_ISSUER'] },
  },
  {
    name: 'a push pipeline on protected main deploys: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000000102' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
