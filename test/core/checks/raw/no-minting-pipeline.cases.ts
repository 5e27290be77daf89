/** Raw-record cases for NO_MINTING_PIPELINE (lib/core/checks/no-minting-pipeline.ts). */
import { record, type RawCase } from './harness';

export const cases: readonly RawCase[] = [
  {
    name: 'a main-branch token used at 16:00, when no pipeline on main was running (nor any token valid)',
    record: record({
      eventId: 'c0a1e001-0000-4000-8000-000000002201',
      eventTime: '2026-11-20T16:00:00Z',
      roleSessionName: 'deploy',
    }),
    expect: { verdict: 'alert', codes: ['NO_MINTING_PIPELINE'] },
  },
  {
    name: 'the same, without a session name, while the 09:00 push pipeline runs: judged by the candidates',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002202', roleSessionName: 'deploy' }),
    expect: { verdict: 'ok', codes: [] },
  },
];
