import type { RoleAssumption } from '../../lib/core/assumption';
import type { Config } from '../../lib/core/config';
import type { GitLabJob, GitLabPipeline } from '../../lib/core/gitlab-port';
import { createEvaluator, evaluateAssumption, triage, type EvaluationDeps } from '../../lib/core/correlate';
import type { Verdict } from '../../lib/core/verdict';
import {
  ACCOUNT,
  AUDIENCE,
  buildAssumption,
  buildConfig,
  buildFailedAssumption,
  buildJob,
  buildMergeRequest,
  buildPipeline,
  buildProject,
  ISSUER,
  PIPELINE_ID,
  PROJECT_ID,
  PROJECT_PATH,
} from '../support/assumptions';
import { FakeGitLab, FakeGitLabDirectory, type FakeGitLabData } from '../support/fake-gitlab';

const NOW = new Date('2025-04-16T03:35:00.000Z');
const FEATURE_PIPELINE = 1_234_600;
const TRIGGER_PIPELINE = 1_234_601;
const RELEASE_PIPELINE = 1_234_602;
const TAG_PIPELINE = 1_234_603;
const MR_PIPELINE = 1_234_604;

/** An old trigger pipeline on main: it ran, and its tokens expired, hours before the event (03:31:56Z). */
const OLD = {
  createdAt: '2025-04-16T01:00:00.000Z',
  updatedAt: '2025-04-16T01:05:00.000Z',
  startedAt: '2025-04-16T01:00:02.000Z',
  finishedAt: '2025-04-16T01:05:00.000Z',
  status: 'success',
};

/** One deploy job per pipeline, running at the event time unless the pipeline is OLD. */
function jobsOf(pipelines: readonly GitLabPipeline[]): Record<number, GitLabJob[]> {
  return Object.fromEntries(
    pipelines.map((p, i) => [
      p.id,
      [
        buildJob({
          id: 8_000 + i,
          pipelineId: p.id,
          ref: p.ref,
          tag: p.tag,
          username: p.username,
          ...(p.finishedAt !== null
            ? { startedAt: p.startedAt, finishedAt: p.finishedAt, status: 'success' }
            : {}),
        }),
      ],
    ]),
  );
}

/** acme/deploy (4242) with a main push pipeline, a feature-branch pipeline, an old trigger pipeline, a release branch, a tag, an MR. */
function gitlabData(): FakeGitLabData {
  const pipelines = [
    buildPipeline(),
    buildPipeline({ id: FEATURE_PIPELINE, ref: 'feature/login', username: 'mallory' }),
    buildPipeline({ id: TRIGGER_PIPELINE, source: 'trigger', ...OLD }),
    buildPipeline({ id: RELEASE_PIPELINE, ref: 'release/2025.04' }),
    buildPipeline({ id: TAG_PIPELINE, ref: 'v1.2.0', tag: true }),
    buildPipeline({ id: MR_PIPELINE, ref: 'refs/merge-requests/17/head', source: 'merge_request_event' }),
    buildPipeline({ id: 555, projectId: 9001, ref: 'main', username: 'mallory' }),
  ];
  return {
    projects: [buildProject(), buildProject({ id: 9001, pathWithNamespace: 'mallory/deploy' })],
    pipelines,
    jobs: jobsOf(pipelines),
    protectedBranches: { [PROJECT_ID]: ['main', 'release/*'], 9001: ['main'] },
    protectedTags: { [PROJECT_ID]: ['v*'] },
    mergeRequests: [buildMergeRequest()],
    branches: {
      [PROJECT_ID]: [
        { name: 'main', protected: true },
        { name: 'feature/login', protected: false },
      ],
    },
    tags: { [PROJECT_ID]: [{ name: 'v1.2.0', protected: true }] },
  };
}

interface Harness {
  readonly gitlab: FakeGitLab;
  readonly directory: FakeGitLabDirectory;
  readonly deps: EvaluationDeps;
  evaluate(a: RoleAssumption): Promise<Verdict>;
}

function harness(config: Config = buildConfig(), data: FakeGitLabData = gitlabData()): Harness {
  const gitlab = new FakeGitLab(data);
  const directory = new FakeGitLabDirectory({ [ISSUER]: gitlab });
  const deps: EvaluationDeps = { config, gitlab: directory, now: () => NOW };
  const evaluator = createEvaluator(deps);
  return { gitlab, directory, deps, evaluate: (a) => evaluator.evaluate(a) };
}

function codes(v: Verdict): string[] {
  return v.findings.map((f) => f.code);
}

function sub(ref: string, refType = 'branch', path = 'acme/deploy'): string {
  return `project_path:${path}:ref_type:${refType}:ref:${ref}`;
}

describe('correlate', () => {
  describe('triage', () => {
    it('ignores roles that are not production roles, without GitLab', async () => {
      const h = harness();
      const a = buildAssumption({ roleArn: `arn:aws:iam::${ACCOUNT}:role/staging-deploy` });
      expect(triage(a, h.deps)).toMatchObject({
        verdict: 'ignored',
        reason: 'not a production role',
        policy: null,
        severity: 'info',
      });
      expect(await h.evaluate(a)).toMatchObject({ verdict: 'ignored', reason: 'not a production role' });
      expect(h.gitlab.calls).toEqual([]);
    });

    it('ignores a non-GitLab issuer on a production role only when the role lists it in allowedForeignIssuers', () => {
      const a = buildAssumption({
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:acme/deploy:ref:refs/heads/main',
      });
      const allowed = harness(
        buildConfig({ allowedForeignIssuers: ['https://token.actions.githubusercontent.com'] }),
      );
      expect(triage(a, allowed.deps)).toMatchObject({
        verdict: 'ignored',
        reason: 'issuer allowed for this role (allowedForeignIssuers)',
        policy: 'prod-deploy',
      });
    });

    it('alerts UNTRUSTED_ISSUER for an issuer in ignoredIssuers on a production role whose policy names only GitLab', async () => {
      const h = harness();
      const a = buildAssumption({
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:acme/deploy:ref:refs/heads/main',
      });
      expect(triage(a, h.deps)).toBeNull();
      const v = await h.evaluate(a);
      expect(codes(v)).toEqual(['UNTRUSTED_ISSUER']);
      expect(v.findings[0]?.message).toContain('it is in ignoredIssuers');
      expect(h.gitlab.calls).toEqual([]);
    });

    it('returns null for a production role from a GitLab issuer (it needs lookups)', () => {
      expect(triage(buildAssumption(), harness().deps)).toBeNull();
      expect(createEvaluator(harness().deps).triage(buildAssumption())).toBeNull();
    });
  });

  describe('evaluate', () => {
    it('finds a good main deploy ok, with no findings, the pipeline and the project', async () => {
      const h = harness();
      const v = await h.evaluate(buildAssumption());
      expect(v).toMatchObject({
        verdict: 'ok',
        severity: 'info',
        policy: 'prod-deploy',
        reason: null,
        findings: [],
        projectId: PROJECT_ID,
        evaluatedAt: NOW.toISOString(),
        eventId: 'c0ffee00-1111-4222-8333-444455556666',
      });
      expect(v.pipeline).toEqual({
        id: PIPELINE_ID,
        projectId: PROJECT_ID,
        ref: 'main',
        source: 'push',
        status: 'running',
        username: 'jdoe',
        webUrl: `${ISSUER}/acme/deploy/-/pipelines/${PIPELINE_ID}`,
        createdAt: '2025-04-16T05:29:12.000+02:00',
      });
      expect(h.directory.requested).toEqual([ISSUER]);
    });

    it('alerts UNPROTECTED_REF on a feature-branch deploy', async () => {
      const v = await harness().evaluate(
        buildAssumption({ subject: sub('feature/login'), roleSessionName: `pipeline-${FEATURE_PIPELINE}` }),
      );
      expect(v.verdict).toBe('alert');
      expect(codes(v)).toEqual(['UNPROTECTED_REF']);
      expect(v.severity).toBe('critical');
      expect(v.pipeline?.username).toBe('mallory');
    });

    it('alerts SESSION_NAME_MISMATCH when a feature-branch job names a good main pipeline', async () => {
      const v = await harness().evaluate(
        buildAssumption({ subject: sub('feature/login'), roleSessionName: `pipeline-${PIPELINE_ID}` }),
      );
      expect(codes(v)).toEqual(['UNPROTECTED_REF', 'SESSION_NAME_MISMATCH']);
      expect(v.findings[1]?.message).toContain('"feature/login"');
    });

    it('alerts SESSION_NAME_MISMATCH when the session name claims another project (GitLabRunner format)', async () => {
      const v = await harness().evaluate(
        buildAssumption({ roleSessionName: `GitLabRunner-77-${PIPELINE_ID}` }),
      );
      expect(codes(v)).toEqual(['SESSION_NAME_MISMATCH']);
    });

    it('alerts SESSION_NAME_MISMATCH for a session name naming a pipeline that ran hours before the event', async () => {
      const v = await harness().evaluate(
        buildAssumption({ roleSessionName: `pipeline-${TRIGGER_PIPELINE}` }),
      );
      expect(codes(v)).toEqual(['SESSION_NAME_MISMATCH']);
      expect(v.findings[0]?.message).toContain('ended (and its tokens expired) before the event');
      // The verdict shows the pipeline GitLab says minted the token, not the one the caller named.
      expect(v.pipeline?.id).toBe(PIPELINE_ID);
    });

    describe('a pipeline started by a leaked trigger token on main', () => {
      /** The trigger pipeline runs at the event; the push pipeline on main is hours old. */
      function triggerData(): FakeGitLabData {
        const pipelines = [
          buildPipeline({ ...OLD }),
          buildPipeline({ id: TRIGGER_PIPELINE, source: 'trigger', username: 'trigger-bot' }),
        ];
        return { ...gitlabData(), pipelines, jobs: jobsOf(pipelines) };
      }

      it('alerts PIPELINE_SOURCE_NOT_ALLOWED when it names itself', async () => {
        const v = await harness(buildConfig(), triggerData()).evaluate(
          buildAssumption({ roleSessionName: `pipeline-${TRIGGER_PIPELINE}` }),
        );
        expect(codes(v)).toEqual(['PIPELINE_SOURCE_NOT_ALLOWED']);
        expect(v.pipeline?.source).toBe('trigger');
      });

      it("alerts even when it names an old push pipeline on main (the session name is the caller's)", async () => {
        const v = await harness(buildConfig(), triggerData()).evaluate(
          buildAssumption({ roleSessionName: `pipeline-${PIPELINE_ID}` }),
        );
        expect(codes(v)).toEqual(['SESSION_NAME_MISMATCH', 'PIPELINE_SOURCE_NOT_ALLOWED']);
        expect(v.findings[1]?.message).toContain(`pipeline ${TRIGGER_PIPELINE}`);
        expect(v.pipeline).toMatchObject({ id: TRIGGER_PIPELINE, source: 'trigger' });
      });

      it('alerts without any session-name convention: the candidates decide', async () => {
        const v = await harness(buildConfig(), triggerData()).evaluate(
          buildAssumption({ roleSessionName: 'botocore-session-1713238316' }),
        );
        expect(codes(v)).toEqual(['PIPELINE_SOURCE_NOT_ALLOWED']);
      });
    });

    it('finds a wildcard-protected release branch ok (release/* protects release/2025.04)', async () => {
      const v = await harness().evaluate(
        buildAssumption({ subject: sub('release/2025.04'), roleSessionName: `pipeline-${RELEASE_PIPELINE}` }),
      );
      expect(v).toMatchObject({ verdict: 'ok', findings: [] });
    });

    it('finds a protected tag ok, fetching only protected tags', async () => {
      const h = harness();
      const v = await h.evaluate(
        buildAssumption({ subject: sub('v1.2.0', 'tag'), roleSessionName: `pipeline-${TAG_PIPELINE}` }),
      );
      expect(v).toMatchObject({ verdict: 'ok', findings: [] });
      expect(h.gitlab.callsTo('listProtectedTags')).toHaveLength(1);
      expect(h.gitlab.callsTo('listProtectedBranches')).toHaveLength(0);
    });

    it('matches an MR pipeline through the MR source branch, and flags its source under a push-only policy', async () => {
      const a = buildAssumption({
        subject: sub('feature/login'),
        roleSessionName: `pipeline-${MR_PIPELINE}`,
      });
      const pushOnly = harness(buildConfig({ allowedRefs: ['protected', 'feature/*'] }));
      const v = await pushOnly.evaluate(a);
      expect(codes(v)).toEqual(['PIPELINE_SOURCE_NOT_ALLOWED']);
      expect(pushOnly.gitlab.callsTo('getMergeRequest')).toEqual([
        { method: 'getMergeRequest', args: [PROJECT_ID, 17] },
      ]);

      const mrAllowed = harness(
        buildConfig({
          allowedRefs: ['protected', 'feature/*'],
          allowedPipelineSources: ['push', 'merge_request_event'],
        }),
      );
      expect(await mrAllowed.evaluate(a)).toMatchObject({ verdict: 'ok', findings: [] });
    });

    it('alerts PROJECT_ID_MISMATCH when the path the trust policy names was recycled by another project', async () => {
      const data = {
        ...gitlabData(),
        projects: [buildProject({ id: 9001, pathWithNamespace: 'acme/deploy' })],
      };
      const h = harness(buildConfig({ allowedProjectPaths: ['acme/deploy'] }), data);
      const v = await h.evaluate(buildAssumption({ roleSessionName: 'pipeline-555' }));
      expect(codes(v)).toEqual(['PROJECT_ID_MISMATCH']);
      expect(v.projectId).toBe(9001);
      expect(v.findings[0]?.message).toContain('renamed, transferred or recycled path');
    });

    it('alerts PROJECT_NOT_ALLOWED for a project that is not pinned', async () => {
      const v = await harness().evaluate(
        buildAssumption({
          subject: sub('main', 'branch', 'mallory/deploy'),
          roleSessionName: 'pipeline-555',
        }),
      );
      expect(codes(v)).toEqual(['PROJECT_NOT_ALLOWED']);
      expect(v.projectId).toBe(9001);
    });

    it('alerts PROJECT_NOT_ALLOWED when GitLab has no project at the sub path', async () => {
      const h = harness();
      const v = await h.evaluate(buildAssumption({ subject: sub('main', 'branch', 'ghost/project') }));
      expect(v.verdict).toBe('alert');
      expect(codes(v)).toContain('PROJECT_NOT_ALLOWED');
      expect(v.projectId).toBeNull();
    });

    it('follows a moved project from its old path to the pinned id', async () => {
      const data = { ...gitlabData(), redirects: { 'acme/old-deploy': PROJECT_ID } };
      const v = await harness(buildConfig(), data).evaluate(
        buildAssumption({ subject: sub('main', 'branch', 'acme/old-deploy') }),
      );
      expect(v).toMatchObject({ verdict: 'ok', projectId: PROJECT_ID });
    });

    it('confirms the path of a sub with both project_id and project_path by id', async () => {
      const h = harness();
      const ok = await h.evaluate(
        buildAssumption({
          subject: `project_id:${PROJECT_ID}:project_path:acme/deploy:ref_type:branch:ref:main`,
        }),
      );
      expect(ok.verdict).toBe('ok');
      expect(h.gitlab.callsTo('getProject')).toEqual([{ method: 'getProject', args: [PROJECT_ID] }]);
      const bad = await h.evaluate(
        buildAssumption({
          subject: `project_id:${PROJECT_ID}:project_path:acme/other:ref_type:branch:ref:main`,
        }),
      );
      expect(codes(bad)).toEqual(['PROJECT_ID_MISMATCH']);
    });

    it('does not look a project up when the sub signs only its id', async () => {
      const h = harness();
      const v = await h.evaluate(
        buildAssumption({ subject: `project_id:${PROJECT_ID}:ref_type:branch:ref:main` }),
      );
      expect(v.verdict).toBe('ok');
      expect(h.gitlab.callsTo('getProject')).toEqual([]);
    });

    it('alerts UNTRUSTED_ISSUER for a foreign issuer, without any GitLab lookup', async () => {
      const h = harness();
      const v = await h.evaluate(buildAssumption({ issuer: 'https://gitlab.attacker.example.net' }));
      expect(codes(v)).toEqual(['UNTRUSTED_ISSUER']);
      expect(v).toMatchObject({ verdict: 'alert', severity: 'critical', pipeline: null });
      expect(h.gitlab.calls).toEqual([]);
      expect(h.directory.requested).toEqual([]);
    });

    it('alerts ASSUME_ROLE_FAILED on a failed probe, without any GitLab lookup', async () => {
      const h = harness();
      const v = await h.evaluate(buildFailedAssumption({ subject: sub('feature/probe') }));
      expect(codes(v)).toEqual(['ASSUME_ROLE_FAILED']);
      expect(v).toMatchObject({ verdict: 'alert', severity: 'critical', errorCode: 'AccessDenied' });
      expect(v.findings[0]?.message).toContain('"feature/probe"');
      expect(h.gitlab.calls).toEqual([]);
    });

    it('reports a failed probe from a foreign issuer as both', async () => {
      const v = await harness().evaluate(
        buildFailedAssumption({ issuer: 'https://gitlab.attacker.example.net' }),
      );
      expect(codes(v)).toEqual(['UNTRUSTED_ISSUER', 'ASSUME_ROLE_FAILED']);
    });

    it('alerts AUDIENCE_NOT_ALLOWED and SUBJECT_UNPARSED on a trusted issuer', async () => {
      const h = harness();
      const v = await h.evaluate(
        buildAssumption({ audience: 'https://gitlab.example.com', subject: 'job_1212' }),
      );
      expect(codes(v)).toEqual(['AUDIENCE_NOT_ALLOWED', 'SUBJECT_UNPARSED']);
      expect(h.gitlab.calls).toEqual([]);
    });

    it('judges by the candidates when the session name names no pipeline: the only one running is the minter', async () => {
      const v = await harness().evaluate(buildAssumption({ roleSessionName: 'botocore-session-1713238316' }));
      expect(v).toMatchObject({ verdict: 'ok', findings: [] });
      expect(v.pipeline?.id).toBe(PIPELINE_ID);
    });

    it('alerts NO_MINTING_PIPELINE when no pipeline of the ref ran at the event time', async () => {
      const pipelines = [buildPipeline({ ...OLD })];
      const h = harness(buildConfig(), { ...gitlabData(), pipelines, jobs: jobsOf(pipelines) });
      const v = await h.evaluate(buildAssumption({ roleSessionName: 'deploy' }));
      expect(codes(v)).toEqual(['NO_MINTING_PIPELINE']);
    });

    it('alerts PIPELINE_NOT_FOUND for a session name naming a pipeline of another project', async () => {
      const v = await harness().evaluate(buildAssumption({ roleSessionName: 'pipeline-555' }));
      expect(codes(v)).toEqual(['PIPELINE_NOT_FOUND']);
    });

    it("asks the repository for the ref type when the sub has none, and reads the ref's protection from it", async () => {
      const h = harness(buildConfig({ allowedRefTypes: ['branch'] }));
      const ok = await h.evaluate(buildAssumption({ subject: 'project_path:acme/deploy:ref:main' }));
      expect(ok).toMatchObject({ verdict: 'ok', findings: [] });
      expect(h.gitlab.callsTo('listProtectedBranches')).toEqual([]);
      const tag = await h.evaluate(
        buildAssumption({
          subject: 'project_path:acme/deploy:ref:v1.2.0',
          roleSessionName: `pipeline-${TAG_PIPELINE}`,
        }),
      );
      expect(codes(tag)).toEqual(['REF_TYPE_NOT_ALLOWED']);
    });

    it('never takes the ref type from the named pipeline: an unprotected branch named like a protected tag is an alert', async () => {
      const pipelines = [buildPipeline({ id: 1_234_700, ref: 'v9.9.9', username: 'mallory' })];
      const data: FakeGitLabData = {
        ...gitlabData(),
        pipelines: [...pipelines, buildPipeline({ id: 1_234_701, ref: 'v9.9.9', tag: true, ...OLD })],
        jobs: jobsOf(pipelines),
        branches: { [PROJECT_ID]: [{ name: 'v9.9.9', protected: false }] },
        tags: { [PROJECT_ID]: [] },
      };
      const v = await harness(buildConfig(), data).evaluate(
        buildAssumption({
          subject: 'project_path:acme/deploy:ref:v9.9.9',
          roleSessionName: 'pipeline-1234701',
        }),
      );
      expect(v.verdict).toBe('alert');
      expect(codes(v)).toEqual(['UNPROTECTED_REF', 'SESSION_NAME_MISMATCH']);
    });

    it('is unverified when the ref exists as both a branch and a tag and only one is protected', async () => {
      const data: FakeGitLabData = {
        ...gitlabData(),
        tags: { [PROJECT_ID]: [{ name: 'main', protected: false }] },
      };
      const v = await harness(buildConfig(), data).evaluate(
        buildAssumption({ subject: 'project_path:acme/deploy:ref:main', roleSessionName: 'deploy' }),
      );
      expect(v.verdict).toBe('unverified');
      expect(codes(v)).toEqual(['REF_TYPE_UNKNOWN']);
      expect(v.findings[0]?.message).toContain('exists as a branch (protected) and as a tag (not protected)');
    });

    it('accepts a ref that is both a branch and a tag when both are protected and the role allows both types', async () => {
      const data: FakeGitLabData = {
        ...gitlabData(),
        tags: { [PROJECT_ID]: [{ name: 'main', protected: true }] },
      };
      const v = await harness(buildConfig(), data).evaluate(
        buildAssumption({ subject: 'project_path:acme/deploy:ref:main' }),
      );
      expect(v).toMatchObject({ verdict: 'ok', findings: [] });
    });

    it("accepts GitLab's signed ref_protected without fetching protection lists", async () => {
      const h = harness();
      const v = await h.evaluate(buildAssumption({ subject: `${sub('main')}:ref_protected:true` }));
      expect(v.verdict).toBe('ok');
      expect(h.gitlab.callsTo('listProtectedBranches')).toEqual([]);
    });

    it('takes the severity of the worst finding and the role severity where the check says so', async () => {
      const h = harness(buildConfig({ severity: 'medium' }));
      const v = await h.evaluate(
        buildAssumption({ subject: sub('feature/login'), roleSessionName: 'not-a-pipeline' }),
      );
      expect(v.findings.map((f) => [f.code, f.severity])).toEqual([['UNPROTECTED_REF', 'medium']]);
      expect(v).toMatchObject({ verdict: 'alert', severity: 'medium' });
    });
  });

  describe('when GitLab cannot answer', () => {
    it('is unverified, never ok, when every lookup is unavailable', async () => {
      const h = harness();
      h.gitlab.unavailable();
      const v = await h.evaluate(buildAssumption());
      expect(v.verdict).toBe('unverified');
      expect(codes(v)).toEqual(['GITLAB_UNAVAILABLE']);
      expect(v.projectId).toBeNull();
    });

    it('is unverified when only the protection list is unavailable', async () => {
      const h = harness();
      h.gitlab.unavailable('listProtectedBranches');
      const v = await h.evaluate(buildAssumption());
      expect(v).toMatchObject({ verdict: 'unverified', projectId: PROJECT_ID });
      expect(codes(v)).toEqual(['GITLAB_UNAVAILABLE']);
      expect(v.pipeline?.id).toBe(PIPELINE_ID);
    });

    it('does not need the protection list when an explicit entry allows the ref', async () => {
      const h = harness(buildConfig({ allowedRefs: ['protected', 'main'] }));
      h.gitlab.unavailable('listProtectedBranches');
      expect(await h.evaluate(buildAssumption())).toMatchObject({ verdict: 'ok', findings: [] });
      expect(h.gitlab.callsTo('listProtectedBranches')).toEqual([]);
    });

    it('is unverified when the pipelines list times out (the port throws GitLabUnavailableError)', async () => {
      const h = harness();
      h.gitlab.failWhen((c) => (c.method === 'listPipelines' ? 'throw' : null));
      const v = await h.evaluate(buildAssumption());
      expect(v.verdict).toBe('unverified');
      expect(codes(v)).toEqual(['GITLAB_UNAVAILABLE']);
      expect(v.findings[0]?.message).toContain('fake: listPipelines timed out');
    });

    it("is unverified when a candidate's jobs cannot be read", async () => {
      const h = harness();
      h.gitlab.unavailable('listPipelineJobs');
      const v = await h.evaluate(buildAssumption());
      expect(v.verdict).toBe('unverified');
      expect(codes(v)).toEqual(['GITLAB_UNAVAILABLE']);
      expect(v.findings[0]?.message).toContain(`the jobs of pipeline ${PIPELINE_ID}`);
    });

    it('is unverified when the MR behind an MR pipeline is unavailable', async () => {
      const h = harness(
        buildConfig({
          allowedRefs: ['protected', 'feature/*'],
          // push too: the feature branch's push pipeline also runs at the event, and every candidate is judged.
          allowedPipelineSources: ['push', 'merge_request_event'],
        }),
      );
      h.gitlab.unavailable('getMergeRequest');
      const v = await h.evaluate(
        buildAssumption({ subject: sub('feature/login'), roleSessionName: `pipeline-${MR_PIPELINE}` }),
      );
      expect(v.verdict).toBe('unverified');
      expect(codes(v)).toEqual(['GITLAB_UNAVAILABLE']);
    });

    it('is unverified when no GitLab client is configured for a trusted issuer', async () => {
      const config = buildConfig();
      const v = await evaluateAssumption(buildAssumption(), {
        config,
        gitlab: new FakeGitLabDirectory({}),
        now: () => NOW,
      });
      expect(v.verdict).toBe('unverified');
      expect(v.findings[0]?.message).toContain(`no GitLab client is configured for issuer ${ISSUER}`);
    });

    it('lets an unexpected port error propagate rather than guess', async () => {
      const h = harness();
      h.gitlab.getProject = () => Promise.reject(new TypeError('bug in adapter'));
      await expect(h.evaluate(buildAssumption())).rejects.toThrow('bug in adapter');
    });
  });

  describe('lazy lookups', () => {
    it("asks GitLab only for what a branch deploy needs: project, the ref's pipelines, their jobs, protected branches", async () => {
      const h = harness();
      await h.evaluate(buildAssumption());
      expect(h.gitlab.calls.map((c) => c.method).sort()).toEqual([
        'getProject',
        'listPipelineJobs',
        'listPipelines',
        // The event is recent: the ref's running pipelines too, however long ago they were updated.
        'listPipelines',
        'listProtectedBranches',
      ]);
      expect(h.gitlab.callsTo('listPipelines')[1]?.args).toEqual([
        PROJECT_PATH,
        {
          ref: 'main',
          updatedAfter: null,
          createdBefore: '2025-04-16T03:40:00.000Z',
          perPage: 11,
          status: 'running',
        },
      ]);
      // The named pipeline is in the list: no single-pipeline request.
      expect(h.gitlab.callsTo('getPipeline')).toEqual([]);
      expect(h.gitlab.callsTo('listPipelines')[0]?.args).toEqual([
        PROJECT_PATH,
        {
          ref: 'main',
          updatedAfter: '2025-04-16T02:25:00.000Z',
          createdBefore: '2025-04-16T03:40:00.000Z',
          perPage: 11,
        },
      ]);
    });

    it('finds a trigger pipeline running since before the window (old updated_at) through the running list', async () => {
      const longRunning = buildPipeline({
        id: 1_234_777,
        source: 'trigger',
        status: 'running',
        createdAt: '2025-04-16T00:30:00.000Z',
        updatedAt: '2025-04-16T00:30:05.000Z',
      });
      const pipelines = [buildPipeline(), longRunning];
      const h = harness(buildConfig(), { ...gitlabData(), pipelines, jobs: jobsOf(pipelines) });
      const v = await h.evaluate(buildAssumption({ roleSessionName: 'deploy' }));
      expect(codes(v)).toEqual(['PIPELINE_SOURCE_NOT_ALLOWED']);
      expect(v.findings[0]?.message).toContain('pipeline 1234777');
    });

    it("fetches the project and the ref's pipelines concurrently", async () => {
      const h = harness();
      const order: string[] = [];
      const { getProject, listPipelines } = h.gitlab;
      h.gitlab.getProject = async (ref) => {
        order.push('project:start');
        const r = await getProject.call(h.gitlab, ref);
        order.push('project:end');
        return r;
      };
      h.gitlab.listPipelines = async (ref, q) => {
        order.push('pipelines:start');
        const r = await listPipelines.call(h.gitlab, ref, q);
        order.push('pipelines:end');
        return r;
      };
      await h.evaluate(buildAssumption());
      expect(order.slice(0, 2).sort()).toEqual(['pipelines:start', 'project:start']);
    });

    it('does not trust a pipeline fetched by path when the path did not resolve to a project', async () => {
      const h = harness();
      h.gitlab.unavailable('getProject');
      const v = await h.evaluate(buildAssumption());
      expect(v.pipeline).toBeNull();
      expect(v.verdict).toBe('unverified');
    });

    it('skips the pipeline lookup when the session name names no pipeline', async () => {
      const h = harness();
      await h.evaluate(buildAssumption({ roleSessionName: 'deploy' }));
      expect(h.gitlab.callsTo('getPipeline')).toEqual([]);
    });

    it("looks the pipeline up in the session name's project when the sub's project cannot be resolved", async () => {
      const h = harness();
      h.gitlab.unavailable('getProject', 'listPipelines');
      await h.evaluate(buildAssumption({ roleSessionName: `GitLabRunner-${PROJECT_ID}-${PIPELINE_ID}` }));
      expect(h.gitlab.callsTo('getPipeline')).toEqual([
        { method: 'getPipeline', args: [PROJECT_ID, PIPELINE_ID] },
      ]);
    });
  });

  it('gives the same verdict through evaluateAssumption as through an evaluator', async () => {
    const h = harness();
    const a = buildAssumption({ audience: AUDIENCE });
    expect(await evaluateAssumption(a, h.deps)).toEqual(await h.evaluate(a));
  });
});
