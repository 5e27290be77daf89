/** Raw-record cases for JOB_FACTS_UNVERIFIED (lib/core/checks/job-facts-unverified.ts). */
import { record, type RawCase } from './harness';
import { deployJob, withJobs } from './provenance-data';

const REQUIRE = { jobRequirements: { environments: ['production'], protectedEnvironment: true } };

export const cases: readonly RawCase[] = [
  {
    name: 'protected environments answer 403 (a GitLab tier without them): unverified, never a false alert',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000003101' }),
    gitlab: withJobs(900001, [deployJob({ environment: 'production' })], { protected_environments: 'tier' }),
    prodDeploy: REQUIRE,
    expect: { verdict: 'unverified', codes: ['JOB_FACTS_UNVERIFIED'] },
  },
  {
    name: 'protected environments are listed and production is one of them',
    record: record({ eventId: 'c0a1e001-0000-4000-8000-000000003102' }),
    gitlab: withJobs(900001, [deployJob({ environment: 'production' })], {
      protected_environments: ['production'],
    }),
    prodDeploy: REQUIRE,
    expect: { verdict: 'ok', codes: [] },
  },
];
