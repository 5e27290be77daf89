import { parseSubjectPattern } from '../../../lib/core/trust-policy/subject-pattern';

describe('parseSubjectPattern', () => {
  it('reads an exact default sub as components', () => {
    const p = parseSubjectPattern('project_path:acme/app:ref_type:branch:ref:main', false);
    expect(p.projectPath).toEqual({ kind: 'exact', value: 'acme/app' });
    expect(p.refType).toEqual({ kind: 'exact', value: 'branch' });
    expect(p.ref).toEqual({ kind: 'exact', value: 'main' });
  });

  it('lets a trailing * run over every later component (project_path:group/*)', () => {
    const p = parseSubjectPattern('project_path:acme/*', true);
    expect(p.projectPath).toEqual({ kind: 'glob', value: 'acme/*' });
    expect(p.ref).toEqual({ kind: 'any' });
    expect(p.refType).toEqual({ kind: 'any' });
  });

  it('keeps named components after an inner wildcard constrained', () => {
    const p = parseSubjectPattern('project_path:acme/*:ref_type:branch:ref:main', true);
    expect(p.projectPath.kind).toBe('glob');
    expect(p.ref).toEqual({ kind: 'exact', value: 'main' });
  });

  it('reads * where a component name belongs as the end of all constraints', () => {
    const p = parseSubjectPattern('project_path:acme/app:*', true);
    expect(p.projectPath).toEqual({ kind: 'exact', value: 'acme/app' });
    expect(p.ref).toEqual({ kind: 'any' });
  });

  it('reads custom sub claims (project_id first, GitLab 18.7 components)', () => {
    const p = parseSubjectPattern('project_id:42:ref_type:tag:ref:v*:ref_protected:true', true);
    expect(p.projectId).toEqual({ kind: 'exact', value: '42' });
    expect(p.projectPath).toEqual({ kind: 'any' });
    expect(p.ref).toEqual({ kind: 'glob', value: 'v*' });
    expect(p.components.get('ref_protected')).toEqual({ kind: 'exact', value: 'true' });
  });

  it('keeps a branch named like a component', () => {
    expect(parseSubjectPattern('project_path:a/b:ref_type:branch:ref:ref', false).ref).toEqual({
      kind: 'exact',
      value: 'ref',
    });
  });

  it('treats * under StringEquals as a literal', () => {
    expect(parseSubjectPattern('project_path:acme/*', false).projectPath).toEqual({
      kind: 'exact',
      value: 'acme/*',
    });
  });

  it('knows a GitHub-style sub can never match a GitLab token', () => {
    expect(parseSubjectPattern('repo:acme/app:ref:refs/heads/main', true).matchesNoGitLabSub).toBe(true);
    expect(parseSubjectPattern('*', true).matchesNoGitLabSub).toBe(false);
  });
});
