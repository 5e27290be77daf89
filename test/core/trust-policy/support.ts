/**
 * Builders for trust-policy tests: realistic, redacted trust policies (account 123456789012, example.com), a config
 * with one production role, and the whole audit path over the in-memory GitLab (test/support/fake-gitlab.ts).
 */
import { parseConfig, type Config, type ConfigInput } from '../../../lib/core/config';
import type { GitLabProject } from '../../../lib/core/gitlab-port';
import { auditRole, type RoleReport } from '../../../lib/core/trust-policy/audit';
import type { AuditCheck, AuditCheckContext } from '../../../lib/core/trust-policy/checks';
import { summarizeAdmits } from '../../../lib/core/trust-policy/admits';
import { analyzeTrustPolicy } from '../../../lib/core/trust-policy/analyze';
import { auditedProviders } from '../../../lib/core/trust-policy/audit';
import { parsePolicyDocument } from '../../../lib/core/trust-policy/document';
import { gatherFacts } from '../../../lib/core/trust-policy/facts';
import { compilePolicy } from '../../../lib/core/policy';
import { FakeGitLab, FakeGitLabDirectory, type FakeGitLabData } from '../../support/fake-gitlab';

export const ACCOUNT = '123456789012';
export const GITLAB_COM = `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`;
export const SELF_MANAGED = `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.example.com`;
export const PROD_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/prod-deploy`;
export const OTHER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ci-cache-writer`;

export type Conditions = Record<string, Record<string, string | string[]>>;

export function webIdentity(
  condition: Conditions | undefined,
  provider = GITLAB_COM,
  extra: object = {},
): object {
  return {
    Effect: 'Allow',
    Principal: { Federated: provider },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
    ...extra,
  };
}

export function policy(...statements: object[]): object {
  return { Version: '2012-10-17', Statement: statements };
}

/** The hardened gitlab.com statement every negative test starts from (then loosens one thing). */
export const HARDENED: Conditions = {
  StringEquals: {
    'gitlab.com:aud': 'https://gitlab.com/acme/platform/deploy',
    'gitlab.com:project_id': '4242',
    'gitlab.com:ref_protected': 'true',
    'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
  },
};

export const PROJECTS: readonly GitLabProject[] = [
  {
    id: 4242,
    pathWithNamespace: 'acme/platform/deploy',
    webUrl: 'https://gitlab.example.com/acme/platform/deploy',
  },
  { id: 6161, pathWithNamespace: 'acme/payments/deploy', webUrl: null },
  { id: 5151, pathWithNamespace: 'acme/payments/deploy-archived', webUrl: null },
];

export const GITLAB_DATA: FakeGitLabData = {
  projects: PROJECTS,
  redirects: { 'acme/platform/old-deploy': 4242 },
  protectedBranches: { 4242: ['main', 'release/*'], 6161: ['main'], 5151: ['main'] },
  protectedTags: { 4242: ['v*'], 6161: [], 5151: [] },
};

export function testConfig(overrides: Partial<ConfigInput> = {}): Config {
  return parseConfig({
    trustedIssuers: [
      { issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' },
      { issuer: 'https://gitlab.example.com', apiUrl: 'https://gitlab.example.com/api/v4' },
    ],
    productionRoles: [
      {
        name: 'prod-deploy',
        roleArns: [`arn:aws:iam::*:role/prod-deploy`],
        allowedProjectIds: [4242],
        allowedRefs: ['protected'],
        allowedRefTypes: ['branch'],
        allowedAudiences: ['https://gitlab.com/acme/platform/deploy'],
      },
    ],
    ...overrides,
  });
}

export interface Scenario {
  readonly roleArn?: string;
  readonly config?: Config;
  readonly gitlab?: FakeGitLabData;
  /** Issuers whose GitLab answers `unavailable`. */
  readonly unavailable?: readonly string[];
}

/** One fake GitLab per trusted issuer of the config, like createGitLabDirectory. */
function directory(s: Scenario, config: Config): FakeGitLabDirectory {
  const instances: Record<string, FakeGitLab> = {};
  for (const { issuer } of config.trustedIssuers) {
    const fake = new FakeGitLab(s.gitlab ?? GITLAB_DATA);
    instances[issuer] = s.unavailable?.includes(issuer) ? fake.unavailable() : fake;
  }
  return new FakeGitLabDirectory(instances);
}

/** The checks' contexts (one per GitLab provider the policy trusts), exactly as auditRole builds them. */
export async function contexts(trustPolicy: unknown, s: Scenario = {}): Promise<AuditCheckContext[]> {
  const config = s.config ?? testConfig();
  const arn = s.roleArn ?? PROD_ROLE_ARN;
  const trust = analyzeTrustPolicy(parsePolicyDocument(trustPolicy), auditedProviders(config));
  const watchedBy = compilePolicy(config).matchRole(arn);
  const dir = directory(s, config);
  return Promise.all(
    trust.gitlab.map(async (t) => ({
      role: { arn, accountId: ACCOUNT, name: arn.split('/').pop() ?? arn },
      trust: t,
      admits: summarizeAdmits(t),
      watchedBy,
      facts: await gatherFacts(t, dir.forIssuer(t.provider.issuer), watchedBy),
    })),
  );
}

/** What one check finds for a trust policy. */
export async function findingsOf(check: AuditCheck, trustPolicy: unknown, s: Scenario = {}) {
  const ctxs = await contexts(trustPolicy, s);
  return ctxs.flatMap((c) => check.evaluate(c));
}

/** The whole audit of one role. */
export async function reportFor(trustPolicy: unknown, s: Scenario = {}): Promise<RoleReport> {
  const config = s.config ?? testConfig();
  const arn = s.roleArn ?? PROD_ROLE_ARN;
  const outcome = await auditRole(
    { arn, roleName: arn.split('/').pop() ?? arn, accountId: ACCOUNT, trustPolicy, source: 'test' },
    { config, gitlab: directory(s, config) },
  );
  if (outcome.kind !== 'audited') throw new Error(`expected an audited role, got ${outcome.kind}`);
  return outcome.report;
}
