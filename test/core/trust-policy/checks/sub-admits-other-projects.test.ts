import { check } from '../../../../lib/core/trust-policy/checks/sub-admits-other-projects';
import { findingsOf, HARDENED, policy, webIdentity } from '../support';

describe('SUB_ADMITS_OTHER_PROJECTS', () => {
  it('flags project_path:group/* (every project of the group at any depth)', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'project_path:acme/*' } })),
    );
    expect(f).toEqual([expect.objectContaining({ code: 'SUB_ADMITS_OTHER_PROJECTS', severity: 'critical' })]);
    expect(f[0]?.message).toContain('acme/*');
  });

  it('flags a wildcard in front of the ref (*:ref_type:branch:ref:main): any project on main', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'project_path:*:ref_type:branch:ref:main' } })),
    );
    expect(f).toHaveLength(1);
  });

  it('flags one open value among several exact ones', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringLike: {
            'gitlab.com:sub': [
              'project_path:acme/platform/deploy:ref_type:branch:ref:main',
              'project_path:acme/tools/*',
            ],
          },
        }),
      ),
    );
    expect(f[0]?.message).toContain('acme/tools/*');
    expect(f[0]?.message).not.toContain('acme/platform/deploy');
  });

  it('does not flag a glob when a gitlab.com project_id condition pins the project', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          StringEquals: { 'gitlab.com:project_id': '4242' },
          StringLike: { 'gitlab.com:sub': 'project_path:acme/*:ref_type:branch:ref:main' },
        }),
      ),
    );
    expect(f).toEqual([]);
  });

  it('does not flag a sub pinned by project_id component (custom sub claim)', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'project_id:4242:ref_type:branch:ref:*' } })),
    );
    expect(f).toEqual([]);
  });

  it('does not flag a * under StringEquals (a literal character there)', async () => {
    const f = await findingsOf(
      check,
      policy(webIdentity({ StringEquals: { 'gitlab.com:sub': 'project_path:acme/*' } })),
    );
    expect(f).toEqual([]);
  });

  it('does not flag the hardened policy', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
  });
});
