import { check } from '../../../lib/core/checks/downstream-not-allowed';
import {
  buildCheckContext,
  buildChild,
  buildProvenance,
  buildRole,
  buildUpstream,
} from '../../support/assumptions';

describe('DOWNSTREAM_NOT_ALLOWED', () => {
  it('reports nothing for a child pipeline under the default (child pipelines allowed)', () => {
    const ctx = buildCheckContext({ facts: { provenance: buildProvenance({ considered: [buildChild()] }) } });
    expect(check.evaluate(ctx)).toEqual([]);
  });

  it('alerts on a multi-project downstream pipeline the role does not allow', () => {
    const child = buildChild([buildUpstream({ projectId: 777 })], 'pipeline');
    const [f] = check.evaluate(
      buildCheckContext({ facts: { provenance: buildProvenance({ considered: [child] }) } }),
    );
    expect(f).toMatchObject({ code: 'DOWNSTREAM_NOT_ALLOWED', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('"pipeline" downstream pipeline');
  });

  it('alerts on a child pipeline when the role allows no downstream pipelines at all', () => {
    const ctx = buildCheckContext({
      role: buildRole({ downstreamPipelines: { allowedSources: [] } }),
      facts: { provenance: buildProvenance({ considered: [buildChild()] }) },
    });
    expect(check.evaluate(ctx)).toHaveLength(1);
  });
});
