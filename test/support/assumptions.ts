/**
 * Small builders for unit tests of the detection domain: a RoleAssumption as the CloudTrail normalizer would produce
 * it, a validated Config, and GitLab records. Redacted, realistic values (account 123456789012, 192.0.2.x IPs,
 * example.com). Every builder returns a fresh object, so tests may spread and override freely.
 */
import type { RoleAssumption } from '../../lib/core/assumption';
import type { CheckContext, Fact, GitLabFacts } from '../../lib/core/checks/check';
import { parseConfig, type Config, type ConfigInput, type ProductionRole } from '../../lib/core/config';
import type {
  GitLabJob,
  GitLabMergeRequest,
  GitLabPipeline,
  GitLabProject,
  RepositoryRef,
  UpstreamPipeline,
} from '../../lib/core/gitlab-port';
import { NO_JOB_FACTS, type ConsideredPipeline, type Provenance } from '../../lib/core/provenance/model';
import { pipelineRelation, timingOf } from '../../lib/core/provenance/time-window';
import { parseSubject } from '../../lib/core/subject';

export const ACCOUNT = '123456789012';
export const ISSUER = 'https://gitlab.example.com';
export const AUDIENCE = 'https://gitlab.example.com/acme/deploy';
export const PROD_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/prod-deploy`;
export const PROJECT_ID = 4242;
export const PROJECT_PATH = 'acme/deploy';
export const PIPELINE_ID = 1_234_567;

/** A successful assumption by a main-branch push pipeline of acme/deploy. */
export function buildAssumption(overrides: Partial<RoleAssumption> = {}): RoleAssumption {
  return {
    eventId: 'c0ffee00-1111-4222-8333-444455556666',
    eventTime: '2025-04-16T03:31:56Z',
    eventVersion: '1.08',
    accountId: ACCOUNT,
    region: 'us-east-1',
    roleArn: PROD_ROLE_ARN,
    roleSessionName: `pipeline-${PIPELINE_ID}`,
    subject: `project_path:${PROJECT_PATH}:ref_type:branch:ref:main`,
    subjectConflict: null,
    identityProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.example.com`,
    issuer: ISSUER,
    audience: AUDIENCE,
    errorCode: null,
    errorMessage: null,
    sourceIp: '192.0.2.10',
    userAgent: 'aws-cli/2.15.40 md/awscrt#0.19.19 ua/2.0 os/linux#6.5 md/arch#x86_64 lang/python#3.11.8',
    endpointType: 'regional',
    durationSeconds: 3600,
    sourceIdentity: null,
    assumedRoleArn: `arn:aws:sts::${ACCOUNT}:assumed-role/prod-deploy/pipeline-${PIPELINE_ID}`,
    ...overrides,
  };
}

/** A failed attempt: CloudTrail keeps roleArn but has no responseElements (audience), and may lack the provider. */
export function buildFailedAssumption(overrides: Partial<RoleAssumption> = {}): RoleAssumption {
  return buildAssumption({
    errorCode: 'AccessDenied',
    errorMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    audience: null,
    assumedRoleArn: null,
    ...overrides,
  });
}

type RoleInput = ConfigInput['productionRoles'][number];

/** A validated config with one production role (hardened defaults: protected refs, push only). */
export function buildConfig(role: Partial<RoleInput> = {}, rest: Partial<ConfigInput> = {}): Config {
  return parseConfig(
    {
      trustedIssuers: [{ issuer: ISSUER, apiUrl: `${ISSUER}/api/v4` }],
      ignoredIssuers: ['https://token.actions.githubusercontent.com'],
      productionRoles: [
        {
          name: 'prod-deploy',
          roleArns: [`arn:aws:iam::${ACCOUNT}:role/prod-*`],
          allowedProjectIds: [PROJECT_ID],
          allowedAudiences: [AUDIENCE],
          ...role,
        },
      ],
      ...rest,
    },
    'test config',
  );
}

export function buildProject(overrides: Partial<GitLabProject> = {}): GitLabProject {
  return {
    id: PROJECT_ID,
    pathWithNamespace: PROJECT_PATH,
    webUrl: `${ISSUER}/${PROJECT_PATH}`,
    ...overrides,
  };
}

export function buildPipeline(overrides: Partial<GitLabPipeline> = {}): GitLabPipeline {
  const id = overrides.id ?? PIPELINE_ID;
  const projectId = overrides.projectId ?? PROJECT_ID;
  return {
    id,
    iid: 311,
    projectId,
    sha: 'a91957a858320c0e17f3a0eca7cfacbff50ea29a',
    ref: 'main',
    status: 'running',
    source: 'push',
    tag: false,
    createdAt: '2025-04-16T05:29:12.000+02:00',
    updatedAt: '2025-04-16T03:30:02.000Z',
    startedAt: '2025-04-16T03:29:14.000Z',
    finishedAt: null,
    username: 'jdoe',
    webUrl: `${ISSUER}/${PROJECT_PATH}/-/pipelines/${id}`,
    ...overrides,
  };
}

/** The deploy job of buildPipeline(): started at 03:30:10Z, still running at the event (03:31:56Z). */
export function buildJob(overrides: Partial<GitLabJob> = {}): GitLabJob {
  const id = overrides.id ?? 8_001;
  return {
    id,
    name: 'deploy',
    stage: 'deploy',
    status: 'running',
    ref: 'main',
    tag: false,
    createdAt: '2025-04-16T03:29:13.000Z',
    startedAt: '2025-04-16T03:30:10.000Z',
    finishedAt: null,
    pipelineId: PIPELINE_ID,
    username: 'jdoe',
    runner: {
      id: 51,
      description: 'prod-deployer',
      name: 'prod-deployer',
      isShared: false,
      runnerType: 'project_type',
    },
    webUrl: `${ISSUER}/${PROJECT_PATH}/-/jobs/${id}`,
    ...overrides,
  };
}

const SETTINGS = {
  clockSkewSeconds: 300,
  maxTokenLifetimeSeconds: 3600,
  maxCandidatePipelines: 10,
  maxChainDepth: 4,
};

/** A considered pipeline with its jobs' relation to the event time computed as gather does. */
export function buildConsidered(
  pipeline: GitLabPipeline = buildPipeline(),
  jobs: readonly GitLabJob[] = [buildJob({ pipelineId: pipeline.id })],
  overrides: Partial<ConsideredPipeline> = {},
  eventTime = '2025-04-16T03:31:56Z',
): ConsideredPipeline {
  return {
    pipeline,
    named: false,
    jobs: { status: 'found', value: jobs },
    relation: pipelineRelation(pipeline.id, jobs, Date.parse(eventTime), timingOf(SETTINGS)),
    chain: { status: 'skipped', detail: 'not downstream' },
    ...overrides,
  };
}

/** Provenance as gathered for the good main deploy: the named pipeline, its deploy job running at the event. */
export function buildProvenance(overrides: Partial<Provenance> = {}): Provenance {
  return {
    status: 'judged',
    detail: '',
    listedCount: 1,
    considered: [buildConsidered(buildPipeline(), undefined, { named: true })],
    job: NO_JOB_FACTS,
    ...overrides,
  };
}

/** An upstream pipeline (GraphQL Pipeline.upstream) of acme/deploy: a push on main. */
export function buildUpstream(overrides: Partial<UpstreamPipeline> = {}): UpstreamPipeline {
  return {
    id: 1_234_500,
    iid: 300,
    projectId: PROJECT_ID,
    projectPath: PROJECT_PATH,
    ref: 'main',
    refPath: 'refs/heads/main',
    source: 'push',
    status: 'running',
    createdAt: '2025-04-16T03:28:00.000Z',
    ...overrides,
  };
}

/** A child pipeline (parent_pipeline) running at the event, whose chain is `links` (nearest first). */
export function buildChild(
  links: readonly UpstreamPipeline[] = [buildUpstream()],
  source = 'parent_pipeline',
  linkRefs: ReadonlyMap<number, Fact<RepositoryRef>> = new Map(),
): ConsideredPipeline {
  return buildConsidered(buildPipeline({ id: 1_234_599, source }), undefined, {
    chain: { status: 'found', value: { links, via: 'graphql', linkRefs } },
  });
}

export function buildMergeRequest(overrides: Partial<GitLabMergeRequest> = {}): GitLabMergeRequest {
  return {
    iid: 17,
    projectId: PROJECT_ID,
    sourceBranch: 'feature/login',
    targetBranch: 'main',
    sourceProjectId: PROJECT_ID,
    webUrl: `${ISSUER}/${PROJECT_PATH}/-/merge_requests/17`,
    ...overrides,
  };
}

/** The production role of buildConfig(role). */
export function buildRole(role: Partial<RoleInput> = {}): ProductionRole {
  const built = buildConfig(role).productionRoles[0];
  if (!built) throw new Error('buildConfig always has one production role');
  return built;
}

/** Facts as gathered for the good main deploy: project by path, pipeline found, protected branches [main]. */
export function buildFacts(overrides: Partial<GitLabFacts> = {}): GitLabFacts {
  return {
    projectId: PROJECT_ID,
    project: { status: 'found', value: buildProject() },
    projectLookupBy: 'path',
    pipelineProjectId: PROJECT_ID,
    pipeline: { status: 'found', value: buildPipeline() },
    mergeRequest: { status: 'skipped', detail: 'not needed' },
    protectedBranches: { status: 'found', value: [{ name: 'main' }, { name: 'release/*' }] },
    protectedTags: { status: 'skipped', detail: 'not needed' },
    refType: 'branch',
    refTypeFrom: 'sub',
    repositoryBranch: { status: 'skipped', detail: 'not needed' },
    repositoryTag: { status: 'skipped', detail: 'not needed' },
    provenance: buildProvenance(),
    ...overrides,
  };
}

export type CheckContextOverrides = Partial<Omit<CheckContext, 'facts'>> & {
  readonly facts?: Partial<GitLabFacts>;
};

/**
 * A check context for the good main deploy, correlated. Overriding `assumption` re-derives `subject` from its sub
 * unless `subject` is given too; `failed` follows the assumption's errorCode.
 */
export function buildCheckContext(overrides: CheckContextOverrides = {}): CheckContext {
  const assumption = overrides.assumption ?? buildAssumption();
  const subject =
    overrides.subject !== undefined
      ? overrides.subject
      : assumption.subject === null
        ? null
        : parseSubject(assumption.subject);
  const failed = overrides.failed ?? assumption.errorCode !== null;
  const issuerAllowed = overrides.issuerAllowed ?? true;
  return {
    role: buildRole(),
    trustedIssuer: ISSUER,
    session: { pattern: 'pipeline-id', pipelineId: PIPELINE_ID, projectId: null, jobId: null },
    ...overrides,
    assumption,
    subject,
    failed,
    issuerAllowed,
    issuerIgnored: overrides.issuerIgnored ?? false,
    correlated: overrides.correlated ?? (issuerAllowed && !failed),
    facts: buildFacts(overrides.facts),
  };
}
