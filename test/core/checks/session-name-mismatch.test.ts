import { check } from '../../../lib/core/checks/session-name-mismatch';
import { mergeRequestIid, normalizePipelineRef } from '../../../lib/core/checks/pipeline-identity';
import {
  buildAssumption,
  buildCheckContext,
  buildConsidered,
  buildJob,
  buildMergeRequest,
  buildPipeline,
  buildProvenance,
} from '../../support/assumptions';

const feature = buildAssumption({ subject: 'project_path:acme/deploy:ref_type:branch:ref:feature/login' });

describe('SESSION_NAME_MISMATCH', () => {
  it('reports nothing when the pipeline ran for the token ref in the token project', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('accepts a fully qualified pipeline ref (refs/heads/main)', () => {
    expect(
      check.evaluate(
        buildCheckContext({
          facts: { pipeline: { status: 'found', value: buildPipeline({ ref: 'refs/heads/main' }) } },
        }),
      ),
    ).toEqual([]);
  });

  it('alerts, critical, when a feature-branch token names a main pipeline', () => {
    const [f] = check.evaluate(buildCheckContext({ assumption: feature }));
    expect(f).toMatchObject({ code: 'SESSION_NAME_MISMATCH', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain(
      'pipeline 1234567 ran for ref "main" but the token\'s ref is "feature/login"',
    );
  });

  it("alerts when the session name's project_id is not the token's project", () => {
    const ctx = buildCheckContext({
      session: { pattern: 'gitlab-runner', pipelineId: 1234567, projectId: 77, jobId: null },
    });
    expect(check.evaluate(ctx)[0]?.message).toContain('claims project 77');
  });

  it('alerts when the pipeline belongs to another project', () => {
    const ctx = buildCheckContext({
      facts: { pipeline: { status: 'found', value: buildPipeline({ projectId: 77 }) } },
    });
    expect(check.evaluate(ctx)[0]?.message).toContain('belongs to project 77');
  });

  it('alerts when the pipeline tag flag disagrees with the sub ref_type', () => {
    const ctx = buildCheckContext({
      facts: { pipeline: { status: 'found', value: buildPipeline({ tag: true }) } },
    });
    expect(check.evaluate(ctx)[0]?.message).toContain('ran for a tag');
  });

  it('alerts when the pipeline was created after the assumption', () => {
    const ctx = buildCheckContext({
      facts: { pipeline: { status: 'found', value: buildPipeline({ createdAt: '2025-04-16T04:00:00Z' }) } },
    });
    expect(check.evaluate(ctx)[0]?.message).toContain('after the assumption');
  });

  it("compares a merge-request pipeline through the MR's source branch", () => {
    const mrPipeline = {
      status: 'found' as const,
      value: buildPipeline({ ref: 'refs/merge-requests/17/head', source: 'merge_request_event' }),
    };
    const ok = buildCheckContext({
      assumption: feature,
      facts: { pipeline: mrPipeline, mergeRequest: { status: 'found', value: buildMergeRequest() } },
    });
    expect(check.evaluate(ok)).toEqual([]);
    const other = buildCheckContext({
      assumption: feature,
      facts: {
        pipeline: mrPipeline,
        mergeRequest: { status: 'found', value: buildMergeRequest({ sourceBranch: 'main' }) },
      },
    });
    expect(check.evaluate(other)[0]?.message).toContain('merge request !17 whose source branch is "main"');
  });

  it('says nothing when the MR behind an MR pipeline could not be fetched (unverified elsewhere)', () => {
    const ctx = buildCheckContext({
      assumption: feature,
      facts: {
        pipeline: { status: 'found', value: buildPipeline({ ref: 'refs/merge-requests/17/merge' }) },
        mergeRequest: { status: 'unavailable', detail: '503' },
      },
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });
});

describe('SESSION_NAME_MISMATCH on timing (provenance)', () => {
  it('alerts when the named pipeline on the right ref ran entirely before the event', () => {
    const old = buildJob({
      startedAt: '2025-04-16T01:00:00Z',
      finishedAt: '2025-04-16T01:05:00Z',
      status: 'success',
    });
    const named = buildConsidered(buildPipeline(), [old], { named: true });
    const [f] = check.evaluate(
      buildCheckContext({ facts: { provenance: buildProvenance({ considered: [named] }) } }),
    );
    expect(f?.message).toContain(
      'every job of pipeline 1234567 ended (and its tokens expired) before the event',
    );
  });

  it('alerts when the session name names a job that was not running at the event time', () => {
    const ctx = buildCheckContext({
      session: { pattern: 'job', pipelineId: 1234567, projectId: null, jobId: 99 },
    });
    expect(check.evaluate(ctx)[0]?.message).toContain('names job 99, which is not a job of pipeline 1234567');
    const named = buildCheckContext({
      session: { pattern: 'job', pipelineId: 1234567, projectId: null, jobId: 8001 },
    });
    expect(check.evaluate(named)).toEqual([]);
  });
});

describe('pipeline refs', () => {
  it('recognises merge-request refs (head, merge, train) and nothing else', () => {
    expect(mergeRequestIid('refs/merge-requests/17/head')).toBe(17);
    expect(mergeRequestIid('refs/merge-requests/17/merge')).toBe(17);
    expect(mergeRequestIid('refs/merge-requests/17/train')).toBe(17);
    expect(mergeRequestIid('refs/merge-requests/17/other')).toBeNull();
    expect(mergeRequestIid('main')).toBeNull();
  });

  it('strips refs/heads/ and refs/tags/ and says which it was', () => {
    expect(normalizePipelineRef('refs/heads/main')).toEqual({ name: 'main', kind: 'branch' });
    expect(normalizePipelineRef('refs/tags/v1')).toEqual({ name: 'v1', kind: 'tag' });
    expect(normalizePipelineRef('main')).toEqual({ name: 'main', kind: null });
  });
});
