import { check } from '../../../lib/core/checks/token-used-after-job';
import {
  buildCheckContext,
  buildConsidered,
  buildJob,
  buildPipeline,
  buildProvenance,
} from '../../support/assumptions';

/** Finished 10 minutes before the event (03:31:56Z), started 15 minutes before: its token (1 h) was still valid. */
const FINISHED_JOB = buildJob({
  startedAt: '2025-04-16T03:16:56Z',
  finishedAt: '2025-04-16T03:21:56Z',
  status: 'success',
});

describe('TOKEN_USED_AFTER_JOB', () => {
  it('reports nothing for a token used while its job ran', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it("alerts when the minting pipeline's job had finished but its token had not expired", () => {
    const late = buildConsidered(buildPipeline(), [FINISHED_JOB], { named: true });
    const [f] = check.evaluate(
      buildCheckContext({ facts: { provenance: buildProvenance({ considered: [late] }) } }),
    );
    expect(f).toMatchObject({ code: 'TOKEN_USED_AFTER_JOB', class: 'alert' });
    expect(f?.message).toContain('finished 2025-04-16T03:21:56Z');
  });

  it('does not alert while another candidate had a job running at the event time', () => {
    const late = buildConsidered(buildPipeline({ id: 11 }), [FINISHED_JOB]);
    const running = buildConsidered(buildPipeline({ id: 12 }));
    const ctx = buildCheckContext({
      facts: { provenance: buildProvenance({ considered: [late, running] }) },
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });

  it('alerts when no candidate was running and every one only had a still-valid token', () => {
    const a = buildConsidered(buildPipeline({ id: 11 }), [FINISHED_JOB]);
    const b = buildConsidered(buildPipeline({ id: 12 }), [{ ...FINISHED_JOB, id: 2 }]);
    const ctx = buildCheckContext({ facts: { provenance: buildProvenance({ considered: [a, b] }) } });
    expect(check.evaluate(ctx)).toHaveLength(1);
  });
});
