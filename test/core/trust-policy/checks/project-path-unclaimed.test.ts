import { check } from '../../../../lib/core/trust-policy/checks/project-path-unclaimed';
import { findingsOf, HARDENED, policy, SELF_MANAGED, webIdentity } from '../support';

const sub = (path: string, provider = 'gitlab.com') => ({
  StringEquals: { [`${provider}:sub`]: `project_path:${path}:ref_type:branch:ref:main` },
});

describe('PROJECT_PATH_UNCLAIMED', () => {
  it('flags a path GitLab does not know (deleted project): critical on gitlab.com', async () => {
    const f = await findingsOf(check, policy(webIdentity(sub('acme/old-tools/deployer'))));
    expect(f).toEqual([expect.objectContaining({ code: 'PROJECT_PATH_UNCLAIMED', severity: 'critical' })]);
  });

  it('flags a path that only redirects to a renamed project', async () => {
    const f = await findingsOf(check, policy(webIdentity(sub('acme/platform/old-deploy'))));
    expect(f[0]?.message).toContain('redirects to "acme/platform/deploy"');
  });

  it('is high on a self-managed instance and medium when a project_id pin keeps squatters out', async () => {
    const selfManaged = await findingsOf(
      check,
      policy(webIdentity(sub('acme/old-tools/deployer', 'gitlab.example.com'), SELF_MANAGED)),
    );
    expect(selfManaged).toEqual([expect.objectContaining({ severity: 'high' })]);
    const pinned = await findingsOf(
      check,
      policy(
        webIdentity({
          StringEquals: { ...sub('acme/old-tools/deployer').StringEquals, 'gitlab.com:project_id': '3131' },
        }),
      ),
    );
    expect(pinned).toEqual([expect.objectContaining({ severity: 'medium' })]);
  });

  it('does not flag an existing project, nor say anything when GitLab cannot answer', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
    const f = await findingsOf(check, policy(webIdentity(sub('acme/old-tools/deployer'))), {
      unavailable: ['https://gitlab.com'],
    });
    expect(f).toEqual([]);
  });
});
