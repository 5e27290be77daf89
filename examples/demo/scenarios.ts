/**
 * The demo scenario set: one GitLab (as the local stand-in serves it) and one CloudTrail record per scenario.
 * Shared by `npm run demo`, the CLI end-to-end test and the benchmark, so what the demo shows is what is tested.
 * All data is invented and redacted: account 123456789012, IPs from 192.0.2.0/24.
 */
import type { StandinData, StandinPipeline } from '../../tools/gitlab-standin';
import type { FindingCode, VerdictKind } from '../../lib/core/verdict';

export const DEMO_ACCOUNT = '123456789012';
export const PROD_DEPLOY_ROLE = `arn:aws:iam::${DEMO_ACCOUNT}:role/prod-deploy`;
export const PROD_PAYMENTS_ROLE = `arn:aws:iam::${DEMO_ACCOUNT}:role/prod-payments-deployer`;
export const CI_CACHE_ROLE = `arn:aws:iam::${DEMO_ACCOUNT}:role/ci-cache-writer`;

const minus = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) - seconds * 1000).toISOString();

/** A pipeline created two minutes before `usedAt`, its deploy job running then; it finishes a minute later. */
function running(id: number, ref: string, source: string, username: string, usedAt: string): StandinPipeline {
  return {
    id,
    project_id: 4242,
    ref,
    source,
    username,
    status: 'success',
    created_at: minus(usedAt, 120),
    updated_at: minus(usedAt, -60),
    finished_at: minus(usedAt, -60),
  };
}

/** A parent pipeline whose only job (a build) finished ten minutes before its child deployed; it triggered the child. */
function parent(id: number, ref: string, source: string, username: string, usedAt: string): StandinPipeline {
  return {
    ...running(id, ref, source, username, usedAt),
    created_at: minus(usedAt, 900),
    jobs: [
      {
        id: id * 10,
        name: 'build',
        stage: 'build',
        status: 'success',
        // Finished well before the child's deploy (beyond the 5-minute clock skew): only the child was running.
        started_at: minus(usedAt, 898),
        finished_at: minus(usedAt, 700),
        runner: { id: 51, runner_type: 'instance_type' },
      },
    ],
  };
}

/** A child pipeline (source parent_pipeline) of `parentId` whose deploy job runs when the role is assumed. */
function child(id: number, parentId: number, ref: string, usedAt: string): StandinPipeline {
  return {
    ...running(id, ref, 'parent_pipeline', 'release-bot', usedAt),
    upstream: { project_id: 4242, pipeline_id: parentId },
  };
}

/** GitLab as the demo's stand-in serves it. */
export const DEMO_GITLAB: StandinData = {
  projects: [
    {
      id: 4242,
      path_with_namespace: 'acme/platform/deploy',
      protected_branches: ['main', 'release/*'],
      protected_tags: ['v*'],
      // The repository's branches and tags (a sub without ref_type is resolved against them). `v1.4.0` also exists
      // as an unprotected branch: a branch named like a protected tag.
      branches: [
        'main',
        'feature/quick-fix',
        'feature/exfil',
        'feature/new-api',
        'release/2026.11',
        'release/2026.12',
        'v1.4.0',
      ],
      tags: ['v1.4.0'],
    },
    // The payments deploy project (pinned id 5151) was renamed; a new project (6161) took its old path.
    {
      id: 5151,
      path_with_namespace: 'acme/payments/deploy-archived',
      protected_branches: ['main'],
      protected_tags: [],
    },
    {
      id: 6161,
      path_with_namespace: 'acme/payments/deploy',
      protected_branches: ['main'],
      protected_tags: [],
    },
  ],
  // Each pipeline starts two minutes before the assumption that uses it and is still running then (default job:
  // `deploy`, started 2 s after the pipeline): GitLab's record of which pipeline could have minted the token.
  pipelines: [
    running(900001, 'main', 'push', 'release-bot', '2026-11-20T09:00:05Z'),
    running(900002, 'feature/quick-fix', 'push', 'dev-alice', '2026-11-20T09:12:41Z'),
    running(900003, 'feature/exfil', 'push', 'mallory', '2026-11-20T09:30:17Z'),
    running(900004, 'main', 'trigger', 'ci-trigger', '2026-11-20T10:02:00Z'),
    running(900005, 'release/2026.11', 'push', 'release-bot', '2026-11-20T11:15:30Z'),
    { ...running(900006, 'v1.4.0', 'push', 'release-bot', '2026-11-20T12:00:00Z'), tag: true },
    running(900007, 'refs/merge-requests/17/head', 'merge_request_event', 'dev-bob', '2026-11-20T13:45:12Z'),
    { ...running(900008, 'main', 'push', 'newcomer', '2026-11-20T14:20:00Z'), project_id: 6161 },
    // ---- provenance (issue 8) ----
    // A leaked trigger token starts a pipeline on main at 11:30; its job names the 09:00 push pipeline.
    running(900009, 'main', 'trigger', 'ci-trigger', '2026-11-20T11:30:00Z'),
    // GitLab's parent/child layout: a push on main (900011) starts a child pipeline (900010) that deploys.
    parent(900011, 'main', 'push', 'release-bot', '2026-11-20T18:00:00Z'),
    child(900010, 900011, 'main', '2026-11-20T18:00:00Z'),
    // The same layout under a parent started by a trigger token.
    parent(900013, 'main', 'trigger', 'ci-trigger', '2026-11-20T19:30:00Z'),
    child(900012, 900013, 'main', '2026-11-20T19:30:00Z'),
    // A team without a session-name convention: the candidates decide.
    running(900014, 'release/2026.12', 'push', 'release-bot', '2026-11-20T20:30:00Z'),
  ],
  mergeRequests: [{ project_id: 4242, iid: 17, source_branch: 'feature/new-api', target_branch: 'main' }],
};

export interface DemoScenario {
  /** Short name shown by the demo. */
  readonly name: string;
  readonly description: string;
  readonly expected: VerdictKind;
  /** Codes that must appear (all of them). */
  readonly expectedCodes: readonly FindingCode[];
  readonly record: {
    eventId: string;
    eventTime: string;
    roleArn: string;
    roleSessionName: string;
    subject: string;
    audience?: string;
    providerHost?: string;
    sourceIp?: string;
    endpointType?: 'global' | 'regional';
    error?: { code: string; message: string };
  };
}

const sub = (path: string, refType: 'branch' | 'tag', ref: string) =>
  `project_path:${path}:ref_type:${refType}:ref:${ref}`;

export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  {
    name: 'good-main-deploy',
    description: 'A push pipeline on protected main deploys to production: the normal case.',
    expected: 'ok',
    expectedCodes: [],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000001',
      eventTime: '2026-11-20T09:00:05Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900001',
      subject: sub('acme/platform/deploy', 'branch', 'main'),
    },
  },
  {
    name: 'feature-branch',
    description: 'A pipeline on an unprotected feature branch obtains the production role.',
    expected: 'alert',
    expectedCodes: ['UNPROTECTED_REF'],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000002',
      eventTime: '2026-11-20T09:12:41Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900002',
      subject: sub('acme/platform/deploy', 'branch', 'feature/quick-fix'),
    },
  },
  {
    name: 'spoofed-session-name',
    description: 'A feature-branch job names its session after the good main pipeline (pipeline-900001).',
    expected: 'alert',
    expectedCodes: ['SESSION_NAME_MISMATCH', 'UNPROTECTED_REF'],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000003',
      eventTime: '2026-11-20T09:30:17Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900001',
      subject: sub('acme/platform/deploy', 'branch', 'feature/exfil'),
      sourceIp: '192.0.2.66',
    },
  },
  {
    name: 'trigger-token',
    description: 'A pipeline on main started with a (leaked) trigger token.',
    expected: 'alert',
    expectedCodes: ['PIPELINE_SOURCE_NOT_ALLOWED'],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000004',
      eventTime: '2026-11-20T10:02:00Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900004',
      subject: sub('acme/platform/deploy', 'branch', 'main'),
    },
  },
  {
    name: 'wildcard-protected-release',
    description:
      "A release branch protected by the wildcard pattern 'release/*', GitLab's documented session name.",
    expected: 'ok',
    expectedCodes: [],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000005',
      eventTime: '2026-11-20T11:15:30Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'GitLabRunner-4242-900005',
      subject: sub('acme/platform/deploy', 'branch', 'release/2026.11'),
      endpointType: 'regional',
    },
  },
  {
    name: 'protected-tag',
    description: "A tag pipeline for v1.4.0, protected by the tag pattern 'v*'.",
    expected: 'ok',
    expectedCodes: [],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000006',
      eventTime: '2026-11-20T12:00:00Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900006',
      subject: sub('acme/platform/deploy', 'tag', 'v1.4.0'),
    },
  },
  {
    name: 'merge-request-pipeline',
    description: 'A merge-request pipeline (ref refs/merge-requests/17/head) for branch feature/new-api.',
    expected: 'alert',
    expectedCodes: ['PIPELINE_SOURCE_NOT_ALLOWED', 'UNPROTECTED_REF'],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000007',
      eventTime: '2026-11-20T13:45:12Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900007',
      subject: sub('acme/platform/deploy', 'branch', 'feature/new-api'),
    },
  },
  {
    name: 'recycled-project-path',
    description: 'acme/payments/deploy was renamed; a new project took the path the trust policy names.',
    expected: 'alert',
    expectedCodes: ['PROJECT_ID_MISMATCH'],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000008',
      eventTime: '2026-11-20T14:20:00Z',
      roleArn: PROD_PAYMENTS_ROLE,
      roleSessionName: 'pipeline-900008',
      subject: sub('acme/payments/deploy', 'branch', 'main'),
    },
  },
  {
    name: 'foreign-issuer',
    description:
      'A second GitLab instance, whose provider the account also trusts, takes the production role.',
    expected: 'alert',
    expectedCodes: ['UNTRUSTED_ISSUER'],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000009',
      eventTime: '2026-11-20T15:05:44Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-31337',
      subject: sub('acme/platform/deploy', 'branch', 'main'),
      providerHost: 'gitlab.shadow.example.com',
      audience: 'https://gitlab.shadow.example.com',
      sourceIp: '192.0.2.99',
    },
  },
  {
    name: 'failed-probe',
    description: 'A job on a feature branch tries the production role and is denied: a probe.',
    expected: 'alert',
    expectedCodes: ['ASSUME_ROLE_FAILED'],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000010',
      eventTime: '2026-11-20T16:40:02Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900002',
      subject: sub('acme/platform/deploy', 'branch', 'feature/quick-fix'),
      error: { code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' },
    },
  },
  // ---- provenance (issue 8) ----
  {
    name: 'trigger-names-old-push',
    description:
      "A pipeline started with a leaked trigger token on main names the morning's push pipeline (pipeline-900001) in its session name.",
    expected: 'alert',
    expectedCodes: ['SESSION_NAME_MISMATCH', 'PIPELINE_SOURCE_NOT_ALLOWED'],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000012',
      eventTime: '2026-11-20T11:30:00Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900001',
      subject: sub('acme/platform/deploy', 'branch', 'main'),
      sourceIp: '192.0.2.66',
    },
  },
  {
    name: 'child-of-push-on-main',
    description:
      'The deploy job runs in a child pipeline (source parent_pipeline) of a push on main: judged by its root.',
    expected: 'ok',
    expectedCodes: [],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000013',
      eventTime: '2026-11-20T18:00:00Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900010',
      subject: sub('acme/platform/deploy', 'branch', 'main'),
    },
  },
  {
    name: 'child-of-trigger',
    description: 'The same child-pipeline deploy, but its parent was started with a trigger token.',
    expected: 'alert',
    expectedCodes: ['PIPELINE_SOURCE_NOT_ALLOWED'],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000014',
      eventTime: '2026-11-20T19:30:00Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'pipeline-900012',
      subject: sub('acme/platform/deploy', 'branch', 'main'),
    },
  },
  {
    name: 'no-session-convention',
    description:
      'A team with no session-name convention (botocore default): the pipelines GitLab shows running decide.',
    expected: 'ok',
    expectedCodes: [],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000015',
      eventTime: '2026-11-20T20:30:00Z',
      roleArn: PROD_DEPLOY_ROLE,
      roleSessionName: 'botocore-session-1763670600',
      subject: sub('acme/platform/deploy', 'branch', 'release/2026.12'),
    },
  },
  {
    name: 'not-production',
    description: 'A CI cache role that is not a production role: ignored.',
    expected: 'ignored',
    expectedCodes: [],
    record: {
      eventId: 'd3a1e001-0000-4000-8000-000000000011',
      eventTime: '2026-11-20T17:00:00Z',
      roleArn: CI_CACHE_ROLE,
      roleSessionName: 'pipeline-900002',
      subject: sub('acme/platform/deploy', 'branch', 'feature/quick-fix'),
    },
  },
];

/** The demo policy; `apiUrl` is filled in with the stand-in's address when the demo starts. */
export function demoConfig(apiUrl: string): Record<string, unknown> {
  return {
    trustedIssuers: [
      {
        issuer: 'https://gitlab.com',
        apiUrl,
        token: { env: 'GITLAB_TOKEN' },
        lookupTimeoutMs: 5000,
        concurrency: 8,
        maxRetries: 2,
      },
    ],
    ignoredIssuers: ['https://token.actions.githubusercontent.com'],
    productionRoles: [
      {
        name: 'prod-deploy',
        roleArns: ['arn:aws:iam::*:role/prod-deploy'],
        allowedProjectIds: [4242],
        allowedProjectPaths: ['acme/platform/deploy'],
        allowedRefs: ['protected'],
        allowedRefTypes: ['branch', 'tag'],
        allowedPipelineSources: ['push'],
        allowedAudiences: ['https://gitlab.com'],
      },
      {
        name: 'prod-payments',
        roleArns: ['arn:aws:iam::*:role/prod-payments-*'],
        allowedProjectIds: [5151],
        allowedProjectPaths: ['acme/payments/deploy'],
        allowedRefs: ['main'],
        allowedPipelineSources: ['push'],
        allowedAudiences: ['https://gitlab.com'],
        severity: 'high',
      },
    ],
  };
}
