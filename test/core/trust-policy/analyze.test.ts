import { summarizeAdmits } from '../../../lib/core/trust-policy/admits';
import { analyzeTrustPolicy, gitLabProviders } from '../../../lib/core/trust-policy/analyze';
import { parsePolicyDocument } from '../../../lib/core/trust-policy/document';
import { GITLAB_COM, HARDENED, policy, SELF_MANAGED, webIdentity } from './support';

const PROVIDERS = gitLabProviders(['https://gitlab.example.com']);
const analyze = (doc: object) => analyzeTrustPolicy(parsePolicyDocument(doc), PROVIDERS);

describe('analyzeTrustPolicy', () => {
  it('always audits gitlab.com besides the trusted issuers', () => {
    expect(PROVIDERS.map((p) => p.name)).toEqual(['gitlab.example.com', 'gitlab.com']);
    expect(PROVIDERS.find((p) => p.name === 'gitlab.com')?.gitlabCom).toBe(true);
  });

  it('separates GitLab providers from other identity providers (counted, not audited)', () => {
    const trust = analyze(
      policy(
        webIdentity(HARDENED),
        webIdentity(undefined, 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'),
        {
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ),
    );
    expect(trust.gitlab.map((t) => t.provider.name)).toEqual(['gitlab.com']);
    expect(trust.gitlab[0]?.providerArns).toEqual([GITLAB_COM]);
    expect(trust.otherProviders).toEqual([
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      'cognito-identity.amazonaws.com',
    ]);
  });

  it('ignores statements for other actions (sts:AssumeRole for a service)', () => {
    const trust = analyze(policy({ ...webIdentity(HARDENED), Action: ['sts:AssumeRole', 'sts:TagSession'] }));
    expect(trust.gitlab).toEqual([]);
  });

  it('marks statements that can never match as dead (positive condition on an absent key)', () => {
    const trust = analyze(
      policy(
        webIdentity(
          { StringEquals: { 'gitlab.com:sub': 'project_path:a/b:ref_type:branch:ref:main' } },
          SELF_MANAGED,
        ),
      ),
    );
    expect(trust.gitlab[0]?.allows).toEqual([]);
    expect(trust.gitlab[0]?.deadStatements).toEqual([0]);
    expect(trust.gitlab[0]?.issues).toEqual([
      expect.objectContaining({ kind: 'wrong-host', passesWhenAbsent: false }),
    ]);
  });

  it('narrows Allows with a single-condition Deny (the "deny unless" hardening pattern)', () => {
    const trust = analyze(
      policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'project_path:acme/*' } }), {
        Effect: 'Deny',
        Principal: '*',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringNotEquals: { 'gitlab.com:aud': 'https://gitlab.com/acme' } },
      }),
    );
    const admits = summarizeAdmits(trust.gitlab[0] ?? (undefined as never));
    expect(admits.audiences).toEqual(['https://gitlab.com/acme']);
  });

  it('reads an unconditional Deny as denying everything', () => {
    const trust = analyze(policy(webIdentity(HARDENED), { Effect: 'Deny', Principal: '*', Action: '*' }));
    expect(trust.gitlab[0]?.allows).toEqual([]);
    expect(trust.gitlab[0]?.notes).toContain('a Deny statement denies every token of this provider');
  });
});

describe('summarizeAdmits', () => {
  it('says what a group-wide policy admits', () => {
    const trust = analyze(
      policy(
        webIdentity({
          StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' },
          StringLike: { 'gitlab.com:sub': 'project_path:acme/*' },
        }),
      ),
    );
    expect(summarizeAdmits(trust.gitlab[0] ?? (undefined as never))).toEqual({
      issuer: 'https://gitlab.com',
      projects: ['acme/*'],
      projectIds: 'any',
      refs: 'any',
      refTypes: 'any',
      audiences: ['https://gitlab.com'],
      pipelineSources: 'any',
      protectedRefsOnly: false,
      statements: [0],
    });
  });

  it('unions statements and reads pins from condition keys', () => {
    const trust = analyze(
      policy(
        webIdentity(HARDENED),
        webIdentity({
          StringEquals: {
            'gitlab.com:aud': 'https://gitlab.com/acme/platform/deploy',
            'gitlab.com:pipeline_source': ['push', 'web'],
          },
          StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:tag:ref:v*' },
        }),
      ),
    );
    const a = summarizeAdmits(trust.gitlab[0] ?? (undefined as never));
    expect(a.refs).toEqual(['main', 'v*']);
    expect(a.refTypes).toEqual(['branch', 'tag']);
    expect(a.pipelineSources).toBe('any');
    expect(a.protectedRefsOnly).toBe(false);
  });

  it('leaves out sub patterns that can never match a GitLab token', () => {
    const trust = analyze(policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'repo:acme/app:*' } })));
    expect(summarizeAdmits(trust.gitlab[0] ?? (undefined as never)).statements).toEqual([]);
  });
});
