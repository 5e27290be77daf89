import { check } from '../../../lib/core/checks/no-minting-pipeline';
import {
  buildCheckContext,
  buildConsidered,
  buildJob,
  buildPipeline,
  buildProvenance,
} from '../../support/assumptions';

const OLD_JOB = buildJob({
  startedAt: '2025-04-16T01:00:00Z',
  finishedAt: '2025-04-16T01:05:00Z',
  status: 'success',
});

describe('NO_MINTING_PIPELINE', () => {
  it('reports nothing when a pipeline of the ref had a job running at the event time', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts when every pipeline of the ref ran outside the event time', () => {
    const ctx = buildCheckContext({
      facts: { provenance: buildProvenance({ considered: [buildConsidered(buildPipeline(), [OLD_JOB])] }) },
    });
    const [f] = check.evaluate(ctx);
    expect(f).toMatchObject({ code: 'NO_MINTING_PIPELINE', class: 'alert', severity: 'critical' });
    expect(f?.message).toContain('on ref "main"');
  });

  it('alerts when GitLab lists no pipeline at all on the ref', () => {
    expect(
      check.evaluate(buildCheckContext({ facts: { provenance: buildProvenance({ considered: [] }) } })),
    ).toHaveLength(1);
  });

  it("stays silent when a pipeline's jobs could not be read (that is unverified, not an alert)", () => {
    const unread = buildConsidered(buildPipeline(), [], {
      jobs: { status: 'unavailable', detail: 'timeout' },
      relation: null,
    });
    expect(
      check.evaluate(buildCheckContext({ facts: { provenance: buildProvenance({ considered: [unread] }) } })),
    ).toEqual([]);
  });
});
