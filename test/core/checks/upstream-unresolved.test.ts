import { check } from '../../../lib/core/checks/upstream-unresolved';
import {
  buildCheckContext,
  buildChild,
  buildConsidered,
  buildPipeline,
  buildProvenance,
  buildUpstream,
} from '../../support/assumptions';

describe('UPSTREAM_UNRESOLVED', () => {
  it('reports nothing for a resolved chain', () => {
    expect(
      check.evaluate(
        buildCheckContext({ facts: { provenance: buildProvenance({ considered: [buildChild()] }) } }),
      ),
    ).toEqual([]);
  });

  it('is unverified when GitLab could not give the chain of a child pipeline', () => {
    const child = buildConsidered(buildPipeline({ id: 55, source: 'parent_pipeline' }), undefined, {
      chain: { status: 'unavailable', detail: 'GraphQL answered 502' },
    });
    const [f] = check.evaluate(
      buildCheckContext({ facts: { provenance: buildProvenance({ considered: [child] }) } }),
    );
    expect(f).toMatchObject({ code: 'UPSTREAM_UNRESOLVED', class: 'unverified' });
    expect(f?.message).toContain('GraphQL answered 502');
  });

  it('is unverified when the chain ends at a downstream pipeline whose upstream GitLab does not show', () => {
    const child = buildChild([buildUpstream({ source: 'parent_pipeline' })]);
    const [f] = check.evaluate(
      buildCheckContext({ facts: { provenance: buildProvenance({ considered: [child] }) } }),
    );
    expect(f?.message).toContain('itself a downstream pipeline');
  });
});
