import {
  jobRelation,
  listWindow,
  mayHoldMintingJob,
  pipelineRelation,
  type Timing,
} from '../../../lib/core/provenance/time-window';
import { buildJob } from '../../support/assumptions';

const T: Timing = { clockSkewMs: 300_000, maxTokenLifetimeMs: 3_600_000 };
const at = (iso: string) => Date.parse(iso);

describe('jobRelation', () => {
  const job = { startedAt: '2025-04-16T03:00:00Z', finishedAt: '2025-04-16T03:10:00Z' };

  it('is running between start and finish, clock skew included at both ends', () => {
    expect(jobRelation(job, at('2025-04-16T03:05:00Z'), T)).toBe('running');
    expect(jobRelation(job, at('2025-04-16T02:55:30Z'), T)).toBe('running');
    expect(jobRelation(job, at('2025-04-16T03:14:59Z'), T)).toBe('running');
  });

  it('is token_alive after the job finished, until start + token lifetime + skew', () => {
    expect(jobRelation(job, at('2025-04-16T03:30:00Z'), T)).toBe('token_alive');
    expect(jobRelation(job, at('2025-04-16T04:04:59Z'), T)).toBe('token_alive');
    expect(jobRelation(job, at('2025-04-16T04:05:01Z'), T)).toBe('after');
  });

  it('is before when the job started after the event (beyond skew), and not_started without a start', () => {
    expect(jobRelation(job, at('2025-04-16T02:54:00Z'), T)).toBe('before');
    expect(jobRelation({ startedAt: null, finishedAt: null }, at('2025-04-16T03:05:00Z'), T)).toBe(
      'not_started',
    );
  });

  it('treats a job with no finish time as still running', () => {
    expect(jobRelation({ startedAt: job.startedAt, finishedAt: null }, at('2025-04-16T09:00:00Z'), T)).toBe(
      'running',
    );
  });
});

describe('pipelineRelation', () => {
  it('prefers running jobs over still-valid tokens, and explains an outside pipeline', () => {
    const done = buildJob({ id: 1, startedAt: '2025-04-16T03:00:00Z', finishedAt: '2025-04-16T03:01:00Z' });
    const live = buildJob({ id: 2, startedAt: '2025-04-16T03:20:00Z', finishedAt: null });
    expect(pipelineRelation(7, [done, live], at('2025-04-16T03:25:00Z'), T)).toMatchObject({
      kind: 'running',
      jobs: [live],
    });
    expect(pipelineRelation(7, [done], at('2025-04-16T03:25:00Z'), T)).toMatchObject({ kind: 'token_alive' });
    expect(pipelineRelation(7, [done], at('2025-04-16T09:00:00Z'), T)).toEqual({
      kind: 'outside',
      reason: 'every job of pipeline 7 ended (and its tokens expired) before the event',
    });
    expect(pipelineRelation(7, [live], at('2025-04-16T02:00:00Z'), T)).toMatchObject({
      reason: 'every job of pipeline 7 started after the event',
    });
  });
});

describe('listWindow and mayHoldMintingJob', () => {
  it('widens the window to whole five minutes so a burst shares one list request', () => {
    expect(listWindow(at('2025-04-16T03:31:56Z'), T)).toEqual({
      updatedAfter: '2025-04-16T02:25:00.000Z',
      createdBefore: '2025-04-16T03:40:00.000Z',
    });
    expect(listWindow(at('2025-04-16T03:30:10Z'), T)).toEqual(listWindow(at('2025-04-16T03:34:50Z'), T));
  });

  it('keeps only pipelines created before the event and active since the window start', () => {
    const event = at('2025-04-16T03:31:56Z');
    expect(
      mayHoldMintingJob({ createdAt: '2025-04-16T03:30:00Z', updatedAt: '2025-04-16T03:31:00Z' }, event, T),
    ).toBe(true);
    expect(
      mayHoldMintingJob({ createdAt: '2025-04-16T03:40:00Z', updatedAt: '2025-04-16T03:41:00Z' }, event, T),
    ).toBe(false);
    expect(
      mayHoldMintingJob({ createdAt: '2025-04-16T01:00:00Z', updatedAt: '2025-04-16T01:10:00Z' }, event, T),
    ).toBe(false);
  });
});
