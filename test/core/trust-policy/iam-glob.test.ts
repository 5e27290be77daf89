import { globIncludes, iamGlobMatches, matchesEverything } from '../../../lib/core/trust-policy/iam-glob';

describe('iamGlobMatches (StringLike)', () => {
  it.each([
    ['project_path:acme/*', 'project_path:acme/app:ref_type:branch:ref:main', true],
    ['project_path:acme/*', 'project_path:acme/sub/group/app:ref_type:tag:ref:v1', true],
    ['project_path:acme/*', 'project_path:acmecorp/app:ref_type:branch:ref:main', false],
    ['*:ref:main', 'project_path:x/y:ref_type:tag:ref:main', true],
    ['project_path:acme/app:ref_type:branch:ref:v?', 'project_path:acme/app:ref_type:branch:ref:v1', true],
    ['project_path:acme/app:ref_type:branch:ref:v?', 'project_path:acme/app:ref_type:branch:ref:v10', false],
    ['Main', 'main', false],
    ['', '', true],
    ['*', '', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(iamGlobMatches(pattern, value)).toBe(expected);
  });

  it('compares case-insensitively when asked (StringEqualsIgnoreCase is exact, not glob)', () => {
    expect(iamGlobMatches('ACME/*', 'acme/x', true)).toBe(true);
  });

  it('stays linear on a pathological pattern', () => {
    expect(iamGlobMatches(`${'*a'.repeat(200)}b`, 'a'.repeat(5000))).toBe(false);
  });

  it('knows which patterns match everything', () => {
    expect(matchesEverything('**')).toBe(true);
    expect(matchesEverything('*a')).toBe(false);
    expect(matchesEverything('')).toBe(false);
  });
});

describe('globIncludes', () => {
  it.each([
    ['release/*', 'release/*', true],
    ['release/*', 'release/2026.*', true],
    ['release/*', 'release/v?', true],
    ['release/*', 'rel*', false],
    ['*', 'anything/*', true],
    ['main', 'main', true],
    ['main', 'mai?', false],
    ['v?', 'v1', true],
  ])('%s includes %s: %s', (outer, inner, expected) => {
    expect(globIncludes(outer, inner)).toBe(expected);
  });

  it("reads ? as a literal in GitLab's protected-ref patterns", () => {
    expect(globIncludes('v?', 'v1', true)).toBe(false);
    expect(globIncludes('v?', 'v?', true)).toBe(false);
  });
});
