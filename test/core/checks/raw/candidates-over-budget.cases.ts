/** Raw-record cases for CANDIDATES_OVER_BUDGET (lib/core/checks/candidates-over-budget.ts). */
import { record, type RawCase } from './harness';
import { mainPipeline, withExtra } from './provenance-data';

/** Eleven more pipelines on main around 09:00 (a busy monorepo): more than the default budget of 10. */
const busy = withExtra(
  Array.from({ length: 11 }, (_, i) => mainPipeline(920_000 + i, 'push', '2026-11-20T09:00:00Z')),
);

export const cases: readonly RawCase[] = [
  {
    name: 'twelve pipelines ran on main around the event: more than provenance.maxCandidatePipelines',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002401' }),
    gitlab: busy,
    expect: { verdict: 'unverified', codes: ['CANDIDATES_OVER_BUDGET'] },
  },
  {
    name: 'one pipeline ran on main: the normal case',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002402' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
