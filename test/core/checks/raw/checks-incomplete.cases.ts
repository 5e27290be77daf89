/**
 * CHECKS_INCOMPLETE (lib/core/checks/checks-incomplete.ts) is the safety net: it speaks only when every other check
 * stayed silent and yet an `ok` would rest on a fact nobody established. With the real checks no raw record reaches
 * it (that is the point; test/core/checks/checks-incomplete.test.ts drives it with a check removed). These cases pin
 * that records which do establish every fact, and records that another check already flags, leave it silent.
 */
import { record, type RawCase } from './harness';

export const UNREACHABLE_THROUGH_THE_ENGINE = true;

export const cases: readonly RawCase[] = [
  {
    name: 'every fact an ok rests on is established: no safety-net finding',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000001601' }),
    expect: { verdict: 'ok', codes: [] },
  },
  {
    name: 'a lookup GitLab could not answer is reported as such, not as incomplete checks',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000001602' }),
    faults: [{ match: '/protected_branches', kind: 500 }],
    expect: { verdict: 'unverified', codes: ['GITLAB_UNAVAILABLE'] },
  },
];
