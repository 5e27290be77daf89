import { arnGlobMatches, refPatternMatches } from '../../lib/core/glob';

describe('refPatternMatches', () => {
  it('matches an exact name and nothing else when the pattern has no wildcard', () => {
    expect(refPatternMatches('main', 'main')).toBe(true);
    expect(refPatternMatches('main', 'main2')).toBe(false);
    expect(refPatternMatches('main', 'xmain')).toBe(false);
  });

  it("lets '*' cross '/' as GitLab's ProtectedRefMatcher does (release/* matches release/a/b)", () => {
    expect(refPatternMatches('release/*', 'release/1.2')).toBe(true);
    expect(refPatternMatches('release/*', 'release/a/b')).toBe(true);
    expect(refPatternMatches('release/*', 'release/')).toBe(true);
    expect(refPatternMatches('release/*', 'release')).toBe(false);
    expect(refPatternMatches('release/*', 'hotfix/release/1')).toBe(false);
  });

  it("reproduces GitLab's documented examples (*-stable, production/*, *gitlab*)", () => {
    expect(refPatternMatches('*-stable', 'production-stable')).toBe(true);
    expect(refPatternMatches('*-stable', 'staging-stable')).toBe(true);
    expect(refPatternMatches('*-stable', 'stable')).toBe(false);
    expect(refPatternMatches('*-stable', 'production-stable-2')).toBe(false);
    expect(refPatternMatches('production/*', 'production/app-server')).toBe(true);
    expect(refPatternMatches('*gitlab*', 'gitlab')).toBe(true);
    expect(refPatternMatches('*gitlab*', 'gitlab/staging')).toBe(true);
    expect(refPatternMatches('*gitlab*', 'master/gitlab/production')).toBe(true);
  });

  it('treats dots, pluses, question marks and brackets literally', () => {
    expect(refPatternMatches('v1.2', 'v1x2')).toBe(false);
    expect(refPatternMatches('v1.*', 'v1.0.3')).toBe(true);
    expect(refPatternMatches('v1.*', 'v1x0')).toBe(false);
    expect(refPatternMatches('c++*', 'c++17')).toBe(true);
    expect(refPatternMatches('c++*', 'cc17')).toBe(false);
    expect(refPatternMatches('v?-*', 'v1-beta')).toBe(false);
    expect(refPatternMatches('v?-*', 'v?-beta')).toBe(true);
    expect(refPatternMatches('[abc]*', 'a1')).toBe(false);
    expect(refPatternMatches('[abc]*', '[abc]1')).toBe(true);
    expect(refPatternMatches('(a|b)*', 'a')).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(refPatternMatches('Release/*', 'release/1')).toBe(false);
    expect(refPatternMatches('main', 'Main')).toBe(false);
  });

  it('matches nothing with a blank pattern', () => {
    expect(refPatternMatches('', '')).toBe(false);
    expect(refPatternMatches('  ', 'main')).toBe(false);
  });

  it("lets a lone '*' match every ref", () => {
    expect(refPatternMatches('*', 'feature/anything')).toBe(true);
  });
});

describe('arnGlobMatches', () => {
  it("matches any sequence with '*', across ':' and '/'", () => {
    expect(
      arnGlobMatches('arn:aws:iam::*:role/prod-deploy', 'arn:aws:iam::123456789012:role/prod-deploy'),
    ).toBe(true);
    expect(
      arnGlobMatches('arn:aws:iam::123456789012:role/prod-*', 'arn:aws:iam::123456789012:role/ci/prod-x'),
    ).toBe(false);
    expect(
      arnGlobMatches('arn:aws:iam::123456789012:role/*prod-*', 'arn:aws:iam::123456789012:role/ci/prod-x'),
    ).toBe(true);
  });

  it("matches exactly one character with '?'", () => {
    expect(
      arnGlobMatches('arn:aws:iam::123456789012:role/prod-?', 'arn:aws:iam::123456789012:role/prod-1'),
    ).toBe(true);
    expect(
      arnGlobMatches('arn:aws:iam::123456789012:role/prod-?', 'arn:aws:iam::123456789012:role/prod-12'),
    ).toBe(false);
    expect(
      arnGlobMatches('arn:aws:iam::123456789012:role/prod-?', 'arn:aws:iam::123456789012:role/prod-'),
    ).toBe(false);
  });

  it('requires the whole ARN to match and treats other characters literally', () => {
    expect(
      arnGlobMatches('arn:aws:iam::123456789012:role/prod', 'arn:aws:iam::123456789012:role/prod-deploy'),
    ).toBe(false);
    expect(arnGlobMatches('arn:aws:iam::123456789012:role/a.b', 'arn:aws:iam::123456789012:role/aXb')).toBe(
      false,
    );
    expect(arnGlobMatches('arn:aws:iam::123456789012:role/a+b', 'arn:aws:iam::123456789012:role/a+b')).toBe(
      true,
    );
  });

  it('ignores case by default (IAM role names are unique regardless of case) and can be made case-sensitive', () => {
    const arn = 'arn:aws:iam::123456789012:role/PROD-Deploy';
    expect(arnGlobMatches('arn:aws:iam::*:role/prod-deploy', arn)).toBe(true);
    expect(arnGlobMatches('arn:aws:iam::*:role/prod-deploy', arn, { ignoreCase: false })).toBe(false);
  });
});
