import { check } from '../../../../lib/core/trust-policy/checks/ref-not-protected';
import { findingsOf, HARDENED, policy, SELF_MANAGED, webIdentity } from '../support';

const sub = (s: string, provider = 'gitlab.com') => ({ StringLike: { [`${provider}:sub`]: s } });

describe('REF_NOT_PROTECTED', () => {
  it('flags a feature branch that GitLab does not protect', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity(sub('project_path:acme/platform/deploy:ref_type:branch:ref:develop'))),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'REF_NOT_PROTECTED', severity: 'high' })]);
    expect(f[0]?.message).toContain('branch');
  });

  it('flags a ref glob wider than any protected pattern (feature/*)', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity(sub('project_path:acme/platform/deploy:ref_type:branch:ref:feature/*'))),
    );
    expect(f).toHaveLength(1);
  });

  it('flags main with the ref type open when tags named main are not protected', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity(sub('project_path:acme/platform/deploy:ref_type:*:ref:main'))),
    );
    expect(f[0]?.message).toContain('tag');
  });

  it('judges self-managed providers too (only sub and aud are evaluated there)', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity(
          sub('project_path:acme/platform/deploy:ref_type:branch:ref:develop', 'gitlab.example.com'),
          SELF_MANAGED,
        ),
      ),
    );
    expect(f).toHaveLength(1);
  });

  it('does not flag a protected branch, a glob inside a protected pattern, or a protected tag glob', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
    for (const s of [
      'project_path:acme/platform/deploy:ref_type:branch:ref:release/*',
      'project_path:acme/platform/deploy:ref_type:branch:ref:release/2026.*',
      'project_path:acme/platform/deploy:ref_type:tag:ref:v1.*',
    ]) {
      expect(await findingsOf(check, policy(webIdentity(sub(s))))).toEqual([]);
    }
  });

  it('does not flag when gitlab.com:ref_protected "true" makes IAM refuse unprotected refs', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringEquals: { 'gitlab.com:ref_protected': 'true' },
          StringLike: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:ref_type:branch:ref:develop' },
        }),
      ),
    );
    expect(f).toEqual([]);
  });

  it('does not claim anything when GitLab cannot answer (AUDIT_INCOMPLETE reports it)', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity(sub('project_path:acme/platform/deploy:ref_type:branch:ref:develop'))),
      {
        unavailable: ['https://gitlab.com'],
      },
    );
    expect(f).toEqual([]);
  });
});
