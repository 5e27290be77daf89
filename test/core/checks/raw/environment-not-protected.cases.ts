/** Raw-record cases for ENVIRONMENT_NOT_PROTECTED (lib/core/checks/environment-not-protected.ts). */
import { record, type RawCase } from './harness';
import { deployJob, withJobs } from './provenance-data';

const REQUIRE = { jobRequirements: { environments: ['production'], protectedEnvironment: true } };

export const cases: readonly RawCase[] = [
  {
    name: 'the job deployed to production, which is not a protected environment',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002901' }),
    gitlab: withJobs(900001, [deployJob({ environment: 'production' })], {
      protected_environments: ['staging'],
    }),
    prodDeploy: REQUIRE,
    expect: { verdict: 'alert', codes: ['ENVIRONMENT_NOT_PROTECTED'] },
  },
  {
    name: 'the job deployed to the protected production environment',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000002902' }),
    gitlab: withJobs(900001, [deployJob({ environment: 'production' })], {
      protected_environments: ['production'],
    }),
    prodDeploy: REQUIRE,
    expect: { verdict: 'ok', codes: [] },
  },
];
