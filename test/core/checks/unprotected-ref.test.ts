import { check } from '../../../lib/core/checks/unprotected-ref';
import { buildAssumption, buildCheckContext, buildRole } from '../../support/assumptions';

const feature = buildAssumption({ subject: 'project_path:acme/deploy:ref_type:branch:ref:feature/x' });

describe('UNPROTECTED_REF', () => {
  it('reports nothing for a ref that matches a protected branch pattern', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
    const release = buildAssumption({
      subject: 'project_path:acme/deploy:ref_type:branch:ref:release/2025/04',
    });
    expect(check.evaluate(buildCheckContext({ assumption: release }))).toEqual([]);
  });

  it('alerts on a branch that matches no protected branch pattern, with the role severity', () => {
    const [f] = check.evaluate(
      buildCheckContext({ assumption: feature, role: buildRole({ severity: 'high' }) }),
    );
    expect(f).toMatchObject({ code: 'UNPROTECTED_REF', class: 'alert', severity: 'high' });
    expect(f?.message).toContain('"feature/x"');
    expect(f?.message).toContain('["main","release/*"]');
  });

  it('judges a tag against protected tags, not protected branches', () => {
    const tag = buildAssumption({ subject: 'project_path:acme/deploy:ref_type:tag:ref:main' });
    const ctx = buildCheckContext({
      assumption: tag,
      facts: { refType: 'tag', protectedTags: { status: 'found', value: [{ name: 'v*' }] } },
    });
    expect(check.evaluate(ctx)).toHaveLength(1);
    const v1 = buildAssumption({ subject: 'project_path:acme/deploy:ref_type:tag:ref:v1.0.0' });
    expect(
      check.evaluate(
        buildCheckContext({
          assumption: v1,
          facts: { refType: 'tag', protectedTags: { status: 'found', value: [{ name: 'v*' }] } },
        }),
      ),
    ).toEqual([]);
  });

  it("accepts GitLab's signed ref_protected without a protection list", () => {
    const claimedTrue = buildAssumption({
      subject: 'project_path:acme/deploy:ref_type:branch:ref:feature/x:ref_protected:true',
    });
    expect(
      check.evaluate(
        buildCheckContext({
          assumption: claimedTrue,
          facts: { protectedBranches: { status: 'skipped', detail: 'x' } },
        }),
      ),
    ).toEqual([]);
    const claimedFalse = buildAssumption({
      subject: 'project_path:acme/deploy:ref_type:branch:ref:main:ref_protected:false',
    });
    const [f] = check.evaluate(
      buildCheckContext({
        assumption: claimedFalse,
        facts: { protectedBranches: { status: 'skipped', detail: 'x' } },
      }),
    );
    expect(f?.message).toContain('ref_protected:false');
  });

  it('lets an explicit allowedRefs entry allow an unprotected ref', () => {
    expect(
      check.evaluate(
        buildCheckContext({
          assumption: feature,
          role: buildRole({ allowedRefs: ['protected', 'feature/*'] }),
        }),
      ),
    ).toEqual([]);
  });

  it('says nothing when the protection list could not be fetched (GITLAB_UNAVAILABLE covers it)', () => {
    expect(
      check.evaluate(
        buildCheckContext({
          assumption: feature,
          facts: { protectedBranches: { status: 'unavailable', detail: '503' } },
        }),
      ),
    ).toEqual([]);
  });

  it('leaves policies without a protected entry to REF_NOT_ALLOWED', () => {
    expect(
      check.evaluate(buildCheckContext({ assumption: feature, role: buildRole({ allowedRefs: ['main'] }) })),
    ).toEqual([]);
  });

  it('alerts without a ref type only when the ref matches neither protection list', () => {
    const noType = buildAssumption({ subject: 'project_path:acme/deploy:ref:feature/x' });
    const ctx = buildCheckContext({
      assumption: noType,
      facts: {
        refType: null,
        refTypeFrom: null,
        protectedTags: { status: 'found', value: [{ name: 'v*' }] },
      },
    });
    expect(check.evaluate(ctx)).toHaveLength(1);
    const noTypeMain = buildAssumption({ subject: 'project_path:acme/deploy:ref:main' });
    expect(
      check.evaluate(
        buildCheckContext({
          assumption: noTypeMain,
          facts: { refType: null, refTypeFrom: null, protectedTags: { status: 'found', value: [] } },
        }),
      ),
    ).toEqual([]);
  });
});
