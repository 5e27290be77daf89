import { parseSubject } from '../../lib/core/subject';

describe('parseSubject', () => {
  it("parses GitLab's default sub (project_path, ref_type, ref)", () => {
    const s = parseSubject('project_path:acme/platform/deploy:ref_type:branch:ref:main');
    expect(s).toMatchObject({
      projectPath: 'acme/platform/deploy',
      projectId: null,
      refType: 'branch',
      ref: 'main',
      refProtected: null,
      environment: null,
    });
    expect([...(s?.components.keys() ?? [])]).toEqual(['project_path', 'ref_type', 'ref']);
  });

  it('parses the project_id form', () => {
    expect(parseSubject('project_id:42:ref_type:tag:ref:v1.2.0')).toMatchObject({
      projectId: 42,
      projectPath: null,
      refType: 'tag',
      ref: 'v1.2.0',
    });
  });

  it('recognises components in any order and without ref_type', () => {
    expect(parseSubject('project_path:acme/app:ref:main:ref_type:branch')).toMatchObject({
      ref: 'main',
      refType: 'branch',
    });
    expect(parseSubject('project_path:acme/app:ref:release/1.x')).toMatchObject({
      ref: 'release/1.x',
      refType: null,
    });
  });

  it('parses GitLab 18.7 components (ref_protected, environment_protected, deployment_tier)', () => {
    const s = parseSubject(
      'project_path:acme/app:ref_type:branch:ref:main:ref_protected:true:environment:production:environment_protected:false:deployment_tier:production',
    );
    expect(s).toMatchObject({
      ref: 'main',
      refProtected: true,
      environment: 'production',
      environmentProtected: false,
      deploymentTier: 'production',
    });
    expect(
      parseSubject('project_path:acme/app:ref_type:branch:ref:feat:ref_protected:false')?.refProtected,
    ).toBe(false);
  });

  it('keeps a value that happens to be a component name (a branch called "ref")', () => {
    expect(parseSubject('project_path:acme/app:ref_type:branch:ref:ref')).toMatchObject({
      ref: 'ref',
      refType: 'branch',
    });
  });

  it('runs a value until the next known component, robust to stray colons', () => {
    expect(parseSubject('project_path:acme/app:ref_type:branch:ref:weird:name')?.ref).toBe('weird:name');
  });

  it('parses both project_id and project_path when the project configures both', () => {
    expect(parseSubject('project_id:42:project_path:acme/app:ref_type:branch:ref:main')).toMatchObject({
      projectId: 42,
      projectPath: 'acme/app',
    });
  });

  it('rejects subs that are not GitLab subs', () => {
    expect(parseSubject('')).toBeNull();
    expect(parseSubject('repo:octo-org/octo-repo:ref:refs/heads/main')).toBeNull();
    expect(parseSubject('system:serviceaccount:default:deployer')).toBeNull();
    expect(parseSubject('job_1212')).toBeNull();
  });

  it('rejects a GitLab sub without a project or without a ref', () => {
    expect(parseSubject('ref_type:branch:ref:main')).toBeNull();
    expect(parseSubject('project_path:acme/app:ref_type:branch')).toBeNull();
    expect(parseSubject('project_path:acme/app:ref_type:branch:ref:')).toBeNull();
    expect(parseSubject('project_path')).toBeNull();
  });

  it('rejects a repeated component and a project_id that is not a positive integer', () => {
    expect(parseSubject('project_path:acme/app:ref:main:ref:evil')).toBeNull();
    expect(parseSubject('project_id:4x2:ref_type:branch:ref:main')).toBeNull();
    expect(parseSubject('project_id:0:ref:main')).toBeNull();
    expect(parseSubject('project_id:99999999999999999999:ref:main')).toBeNull();
  });
});
