import { compilePolicy, matchProductionRole, normalizeIssuer } from '../../lib/core/policy';
import { ACCOUNT, buildConfig, ISSUER } from '../support/assumptions';

describe('matchProductionRole', () => {
  const config = buildConfig(
    {},
    {
      productionRoles: [
        {
          name: 'prod-deploy',
          roleArns: [`arn:aws:iam::${ACCOUNT}:role/prod-*`],
          allowedProjectIds: [1],
          allowedAudiences: ['https://gitlab.example.com'],
        },
        {
          name: 'release',
          roleArns: ['arn:aws:iam::*:role/deploy/release-?'],
          allowedProjectIds: [2],
          allowedAudiences: ['https://gitlab.example.com'],
        },
      ],
    },
  );

  it('returns the first role whose ARN glob matches', () => {
    expect(matchProductionRole(config, `arn:aws:iam::${ACCOUNT}:role/prod-deploy`)?.name).toBe('prod-deploy');
    expect(matchProductionRole(config, 'arn:aws:iam::210987654321:role/deploy/release-7')?.name).toBe(
      'release',
    );
  });

  it('returns null for roles that are not production roles', () => {
    expect(matchProductionRole(config, `arn:aws:iam::${ACCOUNT}:role/staging-deploy`)).toBeNull();
    expect(matchProductionRole(config, 'arn:aws:iam::210987654321:role/prod-deploy')).toBeNull();
  });

  it('matches a differently cased ARN (IAM role names are case-insensitively unique)', () => {
    expect(matchProductionRole(config, `arn:aws:iam::${ACCOUNT}:role/PROD-Deploy`)?.name).toBe('prod-deploy');
  });

  it('answers the same from its cache on repeated calls', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/prod-db`;
    expect(matchProductionRole(config, arn)).toBe(matchProductionRole(config, arn));
    expect(matchProductionRole(config, `arn:aws:iam::${ACCOUNT}:role/dev`)).toBeNull();
    expect(matchProductionRole(config, `arn:aws:iam::${ACCOUNT}:role/dev`)).toBeNull();
  });
});

describe('compilePolicy', () => {
  it('classifies trusted and ignored issuers regardless of trailing slashes and host case', () => {
    const policy = compilePolicy(buildConfig());
    expect(policy.trustedIssuer('https://GitLab.Example.com/')).toBe(ISSUER);
    expect(policy.trustedIssuer('https://gitlab.com')).toBeNull();
    expect(policy.trustedIssuer(null)).toBeNull();
    expect(policy.isIgnoredIssuer('https://token.actions.githubusercontent.com')).toBe(true);
    expect(policy.isIgnoredIssuer(ISSUER)).toBe(false);
    expect(policy.isIgnoredIssuer(null)).toBe(false);
  });

  it("honours a role's own issuers list", () => {
    const config = buildConfig(
      { issuers: ['https://gitlab.example.com'] },
      {
        trustedIssuers: [
          { issuer: 'https://gitlab.example.com', apiUrl: 'https://gitlab.example.com/api/v4' },
          { issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' },
        ],
      },
    );
    const policy = compilePolicy(config);
    const role = config.productionRoles[0];
    if (!role) throw new Error('test config has a role');
    expect(policy.roleAcceptsIssuer(role, 'https://gitlab.example.com')).toBe(true);
    expect(policy.roleAcceptsIssuer(role, 'https://gitlab.com')).toBe(false);
  });

  it('is built once per Config object', () => {
    const config = buildConfig();
    expect(compilePolicy(config)).toBe(compilePolicy(config));
  });
});

describe('normalizeIssuer', () => {
  it('lower-cases scheme and host, keeps the path, drops trailing slashes', () => {
    expect(normalizeIssuer('HTTPS://GitLab.Example.com/Sub/')).toBe('https://gitlab.example.com/Sub');
    expect(normalizeIssuer('gitlab.example.com')).toBe('gitlab.example.com');
  });
});
