/** Raw-record cases for RUNNER_NOT_ALLOWED (lib/core/checks/runner-not-allowed.ts). */
import { record, type RawCase } from './harness';
import { deployJob, withJobs } from './provenance-data';

const DEDICATED = { jobRequirements: { runnerIds: [61], sharedRunners: false } };

export const cases: readonly RawCase[] = [
  {
    name: 'the deploy job ran on a shared instance runner',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000003001' }),
    gitlab: withJobs(900001, [deployJob()]),
    prodDeploy: DEDICATED,
    expect: { verdict: 'alert', codes: ['RUNNER_NOT_ALLOWED'] },
  },
  {
    name: 'the deploy job ran on the dedicated project runner',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000003002' }),
    gitlab: withJobs(900001, [
      deployJob({ runner: { id: 61, description: 'prod-deployer', runner_type: 'project_type' } }),
    ]),
    prodDeploy: DEDICATED,
    expect: { verdict: 'ok', codes: [] },
  },
];
