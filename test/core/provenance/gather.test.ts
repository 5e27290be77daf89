import { createEvaluator } from '../../../lib/core/correlate';
import type { Config } from '../../../lib/core/config';
import type { GitLabPipeline } from '../../../lib/core/gitlab-port';
import type { Verdict } from '../../../lib/core/verdict';
import {
  buildAssumption,
  buildConfig,
  buildJob,
  buildPipeline,
  buildProject,
  buildUpstream,
  ISSUER,
  PIPELINE_ID,
  PROJECT_ID,
} from '../../support/assumptions';
import { FakeGitLab, FakeGitLabDirectory, type FakeGitLabData } from '../../support/fake-gitlab';

const CHILD = 1_234_599;
const PARENT = 1_234_500;

function run(config: Config, data: FakeGitLabData, session = `pipeline-${CHILD}`) {
  const gitlab = new FakeGitLab(data);
  const evaluator = createEvaluator({
    config,
    gitlab: new FakeGitLabDirectory({ [ISSUER]: gitlab }),
    now: () => new Date('2025-04-16T03:40:00Z'),
  });
  return { gitlab, verdict: evaluator.evaluate(buildAssumption({ roleSessionName: session })) };
}

const codes = (v: Verdict) => v.findings.map((f) => f.code);

/** A push on main (PARENT, its build job done) and its child (CHILD) whose deploy job runs at the event. */
function childData(parentSource = 'push'): FakeGitLabData {
  const parent = buildPipeline({ id: PARENT, iid: 300, source: parentSource });
  const child = buildPipeline({ id: CHILD, iid: 301, source: 'parent_pipeline' });
  return {
    projects: [buildProject()],
    pipelines: [parent, child],
    jobs: {
      [PARENT]: [
        buildJob({
          id: 1,
          name: 'build',
          startedAt: '2025-04-16T03:29:20Z',
          finishedAt: '2025-04-16T03:29:50Z',
        }),
      ],
      [CHILD]: [buildJob({ id: 2, pipelineId: CHILD })],
    },
    upstreams: { [CHILD]: [buildUpstream({ id: PARENT, iid: 300, source: parentSource })] },
    bridges: {
      [PARENT]: [
        {
          id: 3,
          name: 'trigger-child',
          pipelineId: PARENT,
          downstreamPipeline: { id: CHILD, projectId: PROJECT_ID, ref: 'main', source: 'parent_pipeline' },
        },
      ],
    },
    protectedBranches: { [PROJECT_ID]: ['main'] },
  };
}

describe('provenance through the evaluator', () => {
  describe('upstream chains', () => {
    it('finds a child of a push on main ok, reading the chain with one GraphQL request', async () => {
      const { gitlab, verdict } = run(buildConfig(), childData());
      expect(await verdict).toMatchObject({ verdict: 'ok', findings: [] });
      expect(gitlab.callsTo('getPipelineUpstream')).toEqual([
        { method: 'getPipelineUpstream', args: ['acme/deploy', 301, 4] },
      ]);
      expect(gitlab.callsTo('listPipelineBridges')).toEqual([]);
    });

    it('alerts on a child of a trigger-started parent: the root source decides', async () => {
      const { verdict } = run(buildConfig(), childData('trigger'));
      const v = await verdict;
      expect(codes(v)).toContain('PIPELINE_SOURCE_NOT_ALLOWED');
      expect(v.findings.map((f) => f.message).join(' ')).toContain(`chain root, pipeline ${PARENT}`);
    });

    it('falls back to the REST bridges of the candidate parents when GraphQL cannot answer', async () => {
      const { gitlab, verdict } = run(buildConfig(), childData());
      gitlab.unavailable('getPipelineUpstream');
      expect(await verdict).toMatchObject({ verdict: 'ok' });
      expect(gitlab.callsTo('listPipelineBridges').map((c) => c.args)).toEqual([[PROJECT_ID, PARENT]]);
    });

    it('is unverified when neither GraphQL nor any bridge names the parent', async () => {
      const data = { ...childData(), bridges: {} };
      const { gitlab, verdict } = run(buildConfig(), data);
      gitlab.unavailable('getPipelineUpstream');
      const v = await verdict;
      expect(v.verdict).toBe('unverified');
      expect(codes(v)).toEqual(['UPSTREAM_UNRESOLVED']);
    });

    it('does not resolve the chain of a kind the role does not allow: DOWNSTREAM_NOT_ALLOWED without a lookup', async () => {
      const { gitlab, verdict } = run(
        buildConfig({ downstreamPipelines: { allowedSources: [] } }),
        childData(),
      );
      expect(codes(await verdict)).toEqual(['DOWNSTREAM_NOT_ALLOWED']);
      expect(gitlab.callsTo('getPipelineUpstream')).toEqual([]);
    });
  });

  describe('candidates', () => {
    it('is unverified, reading no jobs, when more pipelines ran on the ref than the budget', async () => {
      const pipelines: GitLabPipeline[] = Array.from({ length: 4 }, (_, i) =>
        buildPipeline({ id: PIPELINE_ID + i }),
      );
      const config = buildConfig({}, { provenance: { maxCandidatePipelines: 3 } });
      const { gitlab, verdict } = run(
        config,
        { projects: [buildProject()], pipelines, protectedBranches: { [PROJECT_ID]: ['main'] } },
        `pipeline-${PIPELINE_ID}`,
      );
      const v = await verdict;
      expect(codes(v)).toEqual(['CANDIDATES_OVER_BUDGET']);
      expect(gitlab.callsTo('listPipelineJobs')).toEqual([]);
      expect(gitlab.callsTo('listPipelines')[0]?.args[1]).toMatchObject({ perPage: 4 });
    });
  });

  describe('job requirements', () => {
    const deploy = buildJob({ id: 2, pipelineId: CHILD });
    function jobData(extra: Partial<FakeGitLabData> = {}): FakeGitLabData {
      return {
        ...childData(),
        deployments: {
          [PROJECT_ID]: [
            {
              id: 9,
              status: 'running',
              environmentName: 'production',
              deployableJobId: deploy.id,
              deployablePipelineId: CHILD,
            },
          ],
        },
        protectedEnvironments: { [PROJECT_ID]: [{ name: 'production', requiredApprovalCount: 1 }] },
        ...extra,
      };
    }

    it('fetches deployments and protected environments only when the role requires them', async () => {
      const plain = run(buildConfig(), jobData());
      await plain.verdict;
      expect(plain.gitlab.callsTo('listDeployments')).toEqual([]);
      expect(plain.gitlab.callsTo('listProtectedEnvironments')).toEqual([]);

      const strict = run(
        buildConfig({ jobRequirements: { environments: ['production'], protectedEnvironment: true } }),
        jobData(),
      );
      expect(await strict.verdict).toMatchObject({ verdict: 'ok', findings: [] });
      expect(strict.gitlab.callsTo('listDeployments')[0]?.args[1]).toEqual({
        updatedAfter: '2025-04-16T02:25:00.000Z',
        environment: 'production',
      });
      expect(strict.gitlab.callsTo('listProtectedEnvironments')).toHaveLength(1);
    });

    it('alerts ENVIRONMENT_NOT_PROTECTED, and is unverified on a tier without protected environments', async () => {
      const req = { jobRequirements: { environments: ['production'], protectedEnvironment: true } };
      const unprotected = run(buildConfig(req), jobData({ protectedEnvironments: { [PROJECT_ID]: [] } }));
      expect(codes(await unprotected.verdict)).toEqual(['ENVIRONMENT_NOT_PROTECTED']);
      const tier = run(buildConfig(req), jobData({ protectedEnvironments: { [PROJECT_ID]: 'tier' } }));
      const v = await tier.verdict;
      expect(v.verdict).toBe('unverified');
      expect(codes(v)).toEqual(['JOB_FACTS_UNVERIFIED']);
    });

    it('alerts RUNNER_NOT_ALLOWED when the only running job ran on a shared runner', async () => {
      const shared = {
        ...deploy,
        runner: { id: 7, description: null, name: null, isShared: true, runnerType: 'instance_type' },
      };
      const data = jobData({ jobs: { ...childData().jobs, [CHILD]: [shared] } });
      const v = await run(buildConfig({ jobRequirements: { sharedRunners: false } }), data).verdict;
      expect(codes(v)).toEqual(['RUNNER_NOT_ALLOWED']);
    });
  });
});
