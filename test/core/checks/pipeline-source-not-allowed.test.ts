import { check } from '../../../lib/core/checks/pipeline-source-not-allowed';
import { buildAssumption, buildCheckContext, buildPipeline, buildRole } from '../../support/assumptions';

describe('PIPELINE_SOURCE_NOT_ALLOWED', () => {
  it('reports nothing for a push pipeline under the push-only default', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts on a trigger pipeline, naming source and user', () => {
    const [f] = check.evaluate(
      buildCheckContext({
        facts: { pipeline: { status: 'found', value: buildPipeline({ source: 'trigger' }) } },
      }),
    );
    expect(f).toMatchObject({ code: 'PIPELINE_SOURCE_NOT_ALLOWED', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('"trigger"');
    expect(f?.message).toContain('"jdoe"');
  });

  it('never allows a null or unknown source unless listed', () => {
    expect(
      check.evaluate(
        buildCheckContext({
          facts: { pipeline: { status: 'found', value: buildPipeline({ source: null }) } },
        }),
      ),
    ).toHaveLength(1);
    const unknown = buildCheckContext({
      facts: { pipeline: { status: 'found', value: buildPipeline({ source: 'brand_new_source' }) } },
    });
    expect(check.evaluate(unknown)).toHaveLength(1);
    const listed = buildCheckContext({
      role: buildRole({ allowedPipelineSources: ['push', 'brand_new_source'] }),
      facts: { pipeline: { status: 'found', value: buildPipeline({ source: 'brand_new_source' }) } },
    });
    expect(check.evaluate(listed)).toEqual([]);
  });

  it('does not judge the source of a pipeline that did not mint the token', () => {
    const feature = buildAssumption({ subject: 'project_path:acme/deploy:ref_type:branch:ref:feature/x' });
    const ctx = buildCheckContext({
      assumption: feature,
      facts: { pipeline: { status: 'found', value: buildPipeline({ source: 'trigger' }) } },
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });
});
