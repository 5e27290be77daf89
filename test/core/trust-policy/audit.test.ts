import { auditRole, statusOf } from '../../../lib/core/trust-policy/audit';
import { AUDIT_CHECKS, AUDIT_FINDING_CODES } from '../../../lib/core/trust-policy/checks';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeGitLabDirectory } from '../../support/fake-gitlab';
import {
  ACCOUNT,
  HARDENED,
  OTHER_ROLE_ARN,
  policy,
  PROD_ROLE_ARN,
  reportFor,
  testConfig,
  webIdentity,
} from './support';

describe('the trust-policy check registry', () => {
  it('has one check per finding code, each in the file named after it, with metadata', () => {
    const files = readdirSync(join(__dirname, '..', '..', '..', 'lib', 'core', 'trust-policy', 'checks'))
      .filter((f) => !['check.ts', 'helpers.ts', 'index.ts'].includes(f))
      .map((f) => f.replace(/\.ts$/, ''));
    const codes = AUDIT_CHECKS.map((c) => c.id);
    expect([...codes].sort()).toEqual([...AUDIT_FINDING_CODES].sort());
    expect(files.sort()).toEqual(codes.map((c) => c.toLowerCase().replace(/_/g, '-')).sort());
    for (const c of AUDIT_CHECKS) {
      expect(c.title.length).toBeGreaterThan(5);
      expect(c.description.length).toBeGreaterThan(80);
      expect(c.remediation.length).toBeGreaterThan(20);
      expect(c.reference).toMatch(/^https:\/\/docs\.(gitlab|aws\.amazon)\.com\//);
    }
  });
});

describe('statusOf', () => {
  it('is exposed with a high or critical finding, review with lower ones only, hardened with none', () => {
    const f = (severity: 'critical' | 'high' | 'medium' | 'low') =>
      ({ code: 'AUD_GENERIC', severity, message: '', statement: null }) as const;
    expect(statusOf([f('medium'), f('high')])).toBe('exposed');
    expect(statusOf([f('medium'), f('low')])).toBe('review');
    expect(statusOf([])).toBe('hardened');
  });
});

describe('auditRole', () => {
  it('reports a hardened, watched role without findings or suggestion', async () => {
    const r = await reportFor(policy(webIdentity(HARDENED)));
    expect(r).toMatchObject({
      roleArn: PROD_ROLE_ARN,
      watched: true,
      productionRole: 'prod-deploy',
      status: 'hardened',
    });
    expect(r.findings).toEqual([]);
    expect(r.suggestedTrustPolicy).toBeUndefined();
  });

  it('suggests, for an exposed watched role, the policy built from its config: ids, protected refs, audience, sources', async () => {
    const r = await reportFor(
      policy(
        webIdentity({
          StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' },
          StringLike: { 'gitlab.com:sub': 'project_path:acme/*' },
        }),
      ),
    );
    expect(r.status).toBe('exposed');
    expect(r.suggestedTrustPolicy?.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'gitlab.com:aud': ['https://gitlab.com/acme/platform/deploy'],
            'gitlab.com:project_id': ['4242'],
            'gitlab.com:ref_protected': ['true'],
            'gitlab.com:pipeline_source': ['push'],
            'gitlab.com:sub': ['project_path:acme/platform/deploy:ref_type:branch:ref:main'],
          },
        },
      },
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'gitlab.com:aud': ['https://gitlab.com/acme/platform/deploy'],
            'gitlab.com:project_id': ['4242'],
            'gitlab.com:ref_protected': ['true'],
            'gitlab.com:pipeline_source': ['push'],
          },
          StringLike: {
            'gitlab.com:sub': ['project_path:acme/platform/deploy:ref_type:branch:ref:release/*'],
          },
        },
      },
    ]);
  });

  it('suggests, for an unwatched role, exact subjects from what it admits and a placeholder audience', async () => {
    const r = await reportFor(
      policy(
        webIdentity({
          StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:*' },
        }),
      ),
      { roleArn: OTHER_ROLE_ARN },
    );
    expect(r.watched).toBe(false);
    const conditions = JSON.stringify(r.suggestedTrustPolicy);
    expect(conditions).toContain('project_path:acme/platform/deploy:ref_type:branch:ref:main');
    expect(conditions).toContain('REPLACE-WITH-A-PROJECT-SPECIFIC-AUDIENCE');
    expect(r.suggestionNotes?.join(' ')).toContain('project-specific audience');
  });

  it('keeps self-managed suggestions to sub and aud', async () => {
    const r = await reportFor(
      policy(
        webIdentity(
          { StringLike: { 'gitlab.example.com:sub': 'project_path:acme/*' } },
          'arn:aws:iam::123456789012:oidc-provider/gitlab.example.com',
        ),
      ),
    );
    const keys = (r.suggestedTrustPolicy?.Statement ?? []).flatMap((s) =>
      Object.values((s as { Condition: Record<string, object> }).Condition).flatMap((c) => Object.keys(c)),
    );
    expect(new Set(keys)).toEqual(new Set(['gitlab.example.com:aud', 'gitlab.example.com:sub']));
  });

  it('classifies roles GitLab cannot assume, and reports a broken trust policy as an error', async () => {
    const deps = { config: testConfig(), gitlab: new FakeGitLabDirectory({}) };
    const role = (trustPolicy: unknown) => ({
      arn: OTHER_ROLE_ARN,
      roleName: 'x',
      accountId: ACCOUNT,
      trustPolicy,
      source: 'file.json',
    });
    expect(
      (
        await auditRole(
          role(
            policy({
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
            }),
          ),
          deps,
        )
      ).kind,
    ).toBe('not-web-identity');
    expect(
      await auditRole(
        role(
          policy(
            webIdentity(
              undefined,
              'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
            ),
          ),
        ),
        deps,
      ),
    ).toMatchObject({ kind: 'other-provider' });
    const broken = await auditRole(role('%7B%22Statement%22'), deps);
    expect(broken).toMatchObject({ kind: 'error' });
    expect(broken.kind === 'error' && broken.message).toContain('file.json');
  });
});

describe('the README', () => {
  it('documents every audit finding code', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    for (const code of AUDIT_FINDING_CODES) expect(readme).toContain(`| \`${code}\` |`);
  });
});
