/** Raw-record cases for ENVIRONMENT_NOT_ALLOWED (lib/core/checks/environment-not-allowed.ts). */
import { record, type RawCase } from './harness';
import { deployJob, withJobs } from './provenance-data';

const REQUIRE = { jobRequirements: { environments: ['production'] } };

export const cases: readonly RawCase[] = [
  {
    name: 'the job holding production credentials deployed to no environment',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002801' }),
    gitlab: withJobs(900001, [deployJob()]),
    prodDeploy: REQUIRE,
    expect: { verdict: 'alert', codes: ['ENVIRONMENT_NOT_ALLOWED'] },
  },
  {
    name: 'the job deployed to production',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002802' }),
    gitlab: withJobs(900001, [deployJob({ environment: 'production' })]),
    prodDeploy: REQUIRE,
    expect: { verdict: 'ok', codes: [] },
  },
];
