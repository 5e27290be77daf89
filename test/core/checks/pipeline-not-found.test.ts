import { check } from '../../../lib/core/checks/pipeline-not-found';
import { buildCheckContext } from '../../support/assumptions';

describe('PIPELINE_NOT_FOUND', () => {
  it('reports nothing when GitLab has the pipeline', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts when GitLab has no such pipeline in the token project', () => {
    const [f] = check.evaluate(
      buildCheckContext({ facts: { pipeline: { status: 'not_found', detail: '404' } } }),
    );
    expect(f).toMatchObject({ code: 'PIPELINE_NOT_FOUND', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('names pipeline 1234567');
    expect(f?.message).toContain('project 4242');
  });

  it('says nothing when GitLab could not answer', () => {
    expect(
      check.evaluate(buildCheckContext({ facts: { pipeline: { status: 'unavailable', detail: '503' } } })),
    ).toEqual([]);
  });
});
