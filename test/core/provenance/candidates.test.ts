import {
  mintingJobs,
  namedJobMismatch,
  selectMintingPipeline,
} from '../../../lib/core/provenance/candidates';
import { skippedProvenance } from '../../../lib/core/provenance/model';
import { buildConsidered, buildJob, buildPipeline, buildProvenance } from '../../support/assumptions';

const SESSION = { pattern: 'p', pipelineId: 1_234_567, projectId: null, jobId: null };

describe('selectMintingPipeline', () => {
  it('establishes the named candidate, whatever else runs', () => {
    const named = buildConsidered(buildPipeline(), undefined, { named: true });
    const other = buildConsidered(buildPipeline({ id: 2 }));
    expect(selectMintingPipeline(buildProvenance({ considered: [other, named] }))).toMatchObject({
      kind: 'established',
      by: 'session name',
      pipeline: { pipeline: { id: 1_234_567 } },
    });
  });

  it('establishes the only candidate when the session name names none', () => {
    const only = buildConsidered();
    expect(selectMintingPipeline(buildProvenance({ considered: [only] }))).toMatchObject({
      kind: 'established',
      by: 'only candidate',
    });
  });

  it('keeps several candidates when none is named, and none when nothing ran', () => {
    const a = buildConsidered(buildPipeline({ id: 1 }));
    const b = buildConsidered(buildPipeline({ id: 2 }));
    expect(selectMintingPipeline(buildProvenance({ considered: [a, b] })).kind).toBe('several');
    expect(selectMintingPipeline(buildProvenance({ considered: [] })).kind).toBe('none');
  });

  it('is unknown when provenance was not judged, or the only pipelines could not be read', () => {
    expect(selectMintingPipeline(skippedProvenance('x')).kind).toBe('unknown');
    const unread = buildConsidered(buildPipeline(), [], {
      jobs: { status: 'unavailable', detail: 'x' },
      relation: null,
    });
    expect(selectMintingPipeline(buildProvenance({ considered: [unread] })).kind).toBe('unknown');
  });

  it('does not let a pipeline whose token was still valid stand in for one whose jobs could not be read', () => {
    const unread = buildConsidered(buildPipeline(), [], {
      named: true,
      jobs: { status: 'unavailable', detail: 'GitLab answered 503' },
      relation: null,
    });
    const finishedJob = buildJob({
      id: 21,
      pipelineId: 2,
      status: 'success',
      startedAt: '2025-04-16T03:10:00.000Z',
      finishedAt: '2025-04-16T03:20:00.000Z',
    });
    const earlier = buildConsidered(buildPipeline({ id: 2 }), [finishedJob]);
    expect(earlier.relation?.kind).toBe('token_alive');
    expect(selectMintingPipeline(buildProvenance({ considered: [earlier] })).kind).toBe('established');
    expect(selectMintingPipeline(buildProvenance({ considered: [unread, earlier] }))).toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining('503'),
    });
  });
});

describe('mintingJobs and namedJobMismatch', () => {
  const deploy = buildJob({ id: 11 });
  const lint = buildJob({ id: 12, name: 'lint' });
  const p = buildProvenance({
    considered: [buildConsidered(buildPipeline(), [deploy, lint], { named: true })],
  });

  it('narrows to the job the session name names, when it ran at the event', () => {
    expect(mintingJobs(p, { ...SESSION, jobId: 11 }).jobs).toEqual([deploy]);
    expect(mintingJobs(p, SESSION).jobs).toEqual([deploy, lint]);
    expect(namedJobMismatch(p, { ...SESSION, jobId: 11 })).toBeNull();
  });

  it('reports a named job that is not in the pipeline or was not running', () => {
    expect(namedJobMismatch(p, { ...SESSION, jobId: 99 })).toContain('not a job of pipeline');
    const old = buildJob({ id: 13, startedAt: '2025-04-16T01:00:00Z', finishedAt: '2025-04-16T01:01:00Z' });
    const q = buildProvenance({
      considered: [buildConsidered(buildPipeline(), [deploy, old], { named: true })],
    });
    expect(namedJobMismatch(q, { ...SESSION, jobId: 13 })).toContain('was not running at the event time');
  });
});
