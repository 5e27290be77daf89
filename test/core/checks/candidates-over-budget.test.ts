import { check } from '../../../lib/core/checks/candidates-over-budget';
import { skippedProvenance } from '../../../lib/core/provenance/model';
import { buildCheckContext } from '../../support/assumptions';

describe('CANDIDATES_OVER_BUDGET', () => {
  it('reports nothing when the candidates were judged', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('is unverified when more pipelines ran on the ref than the budget allows', () => {
    const provenance = {
      ...skippedProvenance('more than 10 pipelines of ref "main" were active'),
      status: 'over_budget' as const,
    };
    const [f] = check.evaluate(buildCheckContext({ facts: { provenance } }));
    expect(f).toMatchObject({ code: 'CANDIDATES_OVER_BUDGET', class: 'unverified', severity: 'medium' });
    expect(f?.message).toContain('more than 10 pipelines');
  });
});
