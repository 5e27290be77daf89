/**
 * The demo scenario set: one GitLab (as the local stand-in serves it) and one CloudTrail record per scenario.
 * Shared by `npm run demo`, the CLI end-to-end test and the benchmark, so what the demo shows is what is tested.
 * All data is invented and redacted: account 123456789012, IPs from 192.0.2.0/24.
 */
import type { StandinData } from '../../tools/gitlab-standin';
import type { FindingCode, VerdictKind } from '../../lib/core/verdict';

export const DEMO_ACCOUNT = '123456789012';
export const PROD_DEPLOY_ROLE = `arn:aws:iam::${DEMO_ACCOUNT}:role/prod-deploy`;
export const PROD_PAYMENTS_ROLE = `arn:aws:iam::${DEMO_ACCOUNT}:role/prod-payments-deployer`;
export const CI_CACHE_ROLE = `arn:aws:iam::${DEMO_ACCOUNT}:role/ci-cache-writer`;

/** GitLab as the demo's stand-in serves it. */
export const DEMO_GITLAB: StandinData = {
  projects: [
    {
      id: 4242,
      path_with_namespace: 'acme/platform/deploy',
      protected_branches: ['main', 'release/*'],
      protected_tags: ['v*'],
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
  pipelines: [
    { id: 900001, project_id: 4242, ref: 'main', source: 'push', username: 'release-bot' },
    { id: 900002, project_id: 4242, ref: 'feature/quick-fix', source: 'push', username: 'dev-alice' },
    { id: 900003, project_id: 4242, ref: 'feature/exfil', source: 'push', username: 'mallory' },
    { id: 900004, project_id: 4242, ref: 'main', source: 'trigger', username: 'ci-trigger' },
    { id: 900005, project_id: 4242, ref: 'release/2026.11', source: 'push', username: 'release-bot' },
    { id: 900006, project_id: 4242, ref: 'v1.4.0', source: 'push', tag: true, username: 'release-bot' },
    {
      id: 900007,
      project_id: 4242,
      ref: 'refs/merge-requests/17/head',
      source: 'merge_request_event',
      username: 'dev-bob',
    },
    { id: 900008, project_id: 6161, ref: 'main', source: 'push', username: 'newcomer' },
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
