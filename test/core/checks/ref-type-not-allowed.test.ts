import { check } from '../../../lib/core/checks/ref-type-not-allowed';
import { buildAssumption, buildCheckContext, buildRole } from '../../support/assumptions';

describe('REF_TYPE_NOT_ALLOWED', () => {
  it('reports nothing for an allowed ref type', () => {
    expect(check.evaluate(buildCheckContext({ role: buildRole({ allowedRefTypes: ['branch'] }) }))).toEqual(
      [],
    );
  });

  it('alerts on a tag when only branches are allowed', () => {
    const ctx = buildCheckContext({
      assumption: buildAssumption({ subject: 'project_path:acme/deploy:ref_type:tag:ref:main' }),
      role: buildRole({ allowedRefTypes: ['branch'] }),
      facts: { refType: 'tag' },
    });
    const [f] = check.evaluate(ctx);
    expect(f).toMatchObject({ code: 'REF_TYPE_NOT_ALLOWED', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('"tag"');
  });

  it("says where a type read off GitLab's repository came from (never off a named pipeline)", () => {
    const ctx = buildCheckContext({
      assumption: buildAssumption({ subject: 'project_path:acme/deploy:ref:v1' }),
      role: buildRole({ allowedRefTypes: ['branch'] }),
      facts: { refType: 'tag', refTypeFrom: 'repository' },
    });
    expect(check.evaluate(ctx)[0]?.message).toContain("per GitLab's repository");
  });

  it('leaves an unknown type to REF_TYPE_UNKNOWN', () => {
    expect(
      check.evaluate(
        buildCheckContext({ role: buildRole({ allowedRefTypes: ['branch'] }), facts: { refType: null } }),
      ),
    ).toEqual([]);
  });
});
