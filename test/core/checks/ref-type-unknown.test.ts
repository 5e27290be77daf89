import { check } from '../../../lib/core/checks/ref-type-unknown';
import { buildAssumption, buildCheckContext, buildRole } from '../../support/assumptions';

const noRefType = buildAssumption({ subject: 'project_path:acme/deploy:ref:main' });

describe('REF_TYPE_UNKNOWN', () => {
  it('reports nothing when the sub signs the ref type', () => {
    expect(check.evaluate(buildCheckContext({ role: buildRole({ allowedRefTypes: ['branch'] }) }))).toEqual(
      [],
    );
  });

  it('is unverified when allowedRefTypes depends on a type nothing could tell', () => {
    const ctx = buildCheckContext({
      assumption: noRefType,
      role: buildRole({ allowedRefTypes: ['branch'] }),
      facts: { refType: null, refTypeFrom: null },
    });
    expect(check.evaluate(ctx)).toEqual([
      expect.objectContaining({ code: 'REF_TYPE_UNKNOWN', class: 'unverified', severity: 'critical' }),
    ]);
  });

  it('is unverified when the ref matches a protected pattern and only the type says which list applies', () => {
    const ctx = buildCheckContext({
      assumption: noRefType,
      facts: { refType: null, refTypeFrom: null, protectedTags: { status: 'found', value: [] } },
    });
    expect(check.evaluate(ctx)).toHaveLength(1);
  });

  it('stays silent when the type does not matter (explicitly allowed ref, both types allowed)', () => {
    const ctx = buildCheckContext({
      assumption: noRefType,
      role: buildRole({ allowedRefs: ['main'] }),
      facts: { refType: null, refTypeFrom: null },
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });
});
