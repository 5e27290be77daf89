/** Shared contexts for the job-requirement checks: the good main deploy with job facts gathered. */
import type { CheckContextOverrides } from '../../support/assumptions';
import {
  buildAssumption,
  buildCheckContext,
  buildConsidered,
  buildJob,
  buildPipeline,
  buildProvenance,
  buildRole,
} from '../../support/assumptions';
import type { ConfigInput } from '../../../lib/core/config';
import type { JobFacts } from '../../../lib/core/provenance/model';
import type { GitLabJob } from '../../../lib/core/gitlab-port';

export const DEPLOY_JOB = buildJob();

export function jobFacts(overrides: Partial<JobFacts> = {}): JobFacts {
  return {
    required: true,
    deployments: {
      status: 'found',
      value: [
        {
          id: 1,
          status: 'running',
          environmentName: 'production',
          deployableJobId: DEPLOY_JOB.id,
          deployablePipelineId: 1,
        },
      ],
    },
    protectedEnvironments: { status: 'found', value: [{ name: 'production', requiredApprovalCount: 0 }] },
    ...overrides,
  };
}

export function requirementContext(
  requirements: NonNullable<ConfigInput['productionRoles'][number]['jobRequirements']>,
  facts: Partial<JobFacts> = {},
  jobs: readonly GitLabJob[] = [DEPLOY_JOB],
  overrides: CheckContextOverrides = {},
) {
  return buildCheckContext({
    role: buildRole({ jobRequirements: requirements }),
    ...overrides,
    facts: {
      provenance: buildProvenance({
        considered: [buildConsidered(buildPipeline(), jobs, { named: true })],
        job: jobFacts(facts),
      }),
      ...overrides.facts,
    },
  });
}

export { buildAssumption, buildJob };
