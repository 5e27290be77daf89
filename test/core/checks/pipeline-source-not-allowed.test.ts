import { check } from '../../../lib/core/checks/pipeline-source-not-allowed';
import type { UpstreamPipeline } from '../../../lib/core/gitlab-port';
import { skippedProvenance } from '../../../lib/core/provenance/model';
import {
  buildAssumption,
  buildCheckContext,
  buildConsidered,
  buildJob,
  buildPipeline,
  buildProvenance,
  buildRole,
  PROJECT_ID,
} from '../../support/assumptions';

function upstream(overrides: Partial<UpstreamPipeline> = {}): UpstreamPipeline {
  return {
    id: 1_234_500,
    iid: 300,
    projectId: PROJECT_ID,
    projectPath: 'acme/deploy',
    ref: 'main',
    refPath: 'refs/heads/main',
    source: 'push',
    status: 'running',
    createdAt: '2025-04-16T03:28:00.000Z',
    ...overrides,
  };
}

function withCandidates(...pipelines: Parameters<typeof buildConsidered>[]) {
  return buildCheckContext({
    facts: { provenance: buildProvenance({ considered: pipelines.map((args) => buildConsidered(...args)) }) },
  });
}

function child(root: UpstreamPipeline) {
  return buildConsidered(buildPipeline({ id: 1_234_599, source: 'parent_pipeline' }), undefined, {
    chain: { status: 'found', value: { links: [root], via: 'graphql', linkRefs: new Map() } },
  });
}

describe('PIPELINE_SOURCE_NOT_ALLOWED', () => {
  it('reports nothing for a push pipeline under the push-only default', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts on a trigger pipeline running at the event time, naming source and user', () => {
    const [f] = check.evaluate(withCandidates([buildPipeline({ source: 'trigger' })]));
    expect(f).toMatchObject({ code: 'PIPELINE_SOURCE_NOT_ALLOWED', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('"trigger"');
    expect(f?.message).toContain('"jdoe"');
  });

  it('alerts on a trigger candidate even when the session name names a good push pipeline', () => {
    const named = buildConsidered(buildPipeline(), undefined, { named: true });
    const trigger = buildConsidered(buildPipeline({ id: 1_234_601, source: 'trigger' }));
    const ctx = buildCheckContext({
      facts: { provenance: buildProvenance({ considered: [named, trigger] }) },
    });
    const findings = check.evaluate(ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('pipeline 1234601');
  });

  it('never allows a null or unknown source unless listed', () => {
    expect(check.evaluate(withCandidates([buildPipeline({ source: null })]))).toHaveLength(1);
    expect(check.evaluate(withCandidates([buildPipeline({ source: 'brand_new_source' })]))).toHaveLength(1);
    const listed = buildCheckContext({
      role: buildRole({ allowedPipelineSources: ['push', 'brand_new_source'] }),
      facts: {
        provenance: buildProvenance({
          considered: [buildConsidered(buildPipeline({ source: 'brand_new_source' }))],
        }),
      },
    });
    expect(check.evaluate(listed)).toEqual([]);
  });

  it('does not judge the source of a pipeline that ran entirely before the event', () => {
    const old = buildConsidered(buildPipeline({ id: 1_000_001, source: 'trigger' }), [
      buildJob({
        id: 1,
        status: 'success',
        startedAt: '2025-04-15T01:00:00Z',
        finishedAt: '2025-04-15T01:05:00Z',
        pipelineId: 1_000_001,
      }),
    ]);
    const ctx = buildCheckContext({
      facts: { provenance: buildProvenance({ considered: [buildConsidered(), old] }) },
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });

  it('judges a child pipeline by the source of its chain root', () => {
    const ok = buildCheckContext({
      facts: { provenance: buildProvenance({ considered: [child(upstream())] }) },
    });
    expect(check.evaluate(ok)).toEqual([]);
    const bad = buildCheckContext({
      facts: { provenance: buildProvenance({ considered: [child(upstream({ source: 'trigger' }))] }) },
    });
    const [f] = check.evaluate(bad);
    expect(f?.message).toContain('chain root, pipeline 1234500, was started by source "trigger"');
  });

  it('still judges the named pipeline when provenance could not be judged', () => {
    const ctx = buildCheckContext({
      facts: {
        pipeline: { status: 'found', value: buildPipeline({ source: 'trigger' }) },
        provenance: { ...skippedProvenance('GitLab could not answer'), status: 'unavailable' },
      },
    });
    expect(check.evaluate(ctx)).toHaveLength(1);
    const feature = buildCheckContext({
      assumption: buildAssumption({ subject: 'project_path:acme/deploy:ref_type:branch:ref:feature/x' }),
      facts: {
        pipeline: { status: 'found', value: buildPipeline({ source: 'trigger' }) },
        provenance: { ...skippedProvenance('GitLab could not answer'), status: 'unavailable' },
      },
    });
    expect(check.evaluate(feature)).toEqual([]);
  });
});
