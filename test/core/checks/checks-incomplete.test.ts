import { check, completenessGaps } from '../../../lib/core/checks/checks-incomplete';
import { skippedProvenance } from '../../../lib/core/provenance/model';
import {
  buildAssumption,
  buildCheckContext,
  buildConsidered,
  buildJob,
  buildPipeline,
  buildProvenance,
} from '../../support/assumptions';

describe('CHECKS_INCOMPLETE', () => {
  it('finds no gap in a fully verified good deploy', () => {
    expect(completenessGaps(buildCheckContext())).toEqual([]);
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('is unverified when the ref was never shown to be protected', () => {
    const ctx = buildCheckContext({
      facts: { protectedBranches: { status: 'skipped', detail: 'not needed' } },
    });
    const [f] = check.evaluate(ctx);
    expect(f).toMatchObject({ code: 'CHECKS_INCOMPLETE', class: 'unverified', severity: 'critical' });
    expect(f?.message).toContain('the ref was not shown to be allowed (unknown)');
  });

  it('lists every missing fact an ok rests on', () => {
    const gaps = completenessGaps(
      buildCheckContext({
        assumption: buildAssumption({ roleSessionName: 'x' }),
        session: null,
        facts: { projectId: null, provenance: skippedProvenance("the token's project or ref is unknown") },
      }),
    );
    expect(gaps).toEqual(
      expect.arrayContaining([
        "the token's project was not resolved",
        "no minting pipeline was established (the token's project or ref is unknown)",
      ]),
    );
  });

  it('needs no session name: an established minting pipeline is enough', () => {
    const ctx = buildCheckContext({
      assumption: buildAssumption({ roleSessionName: 'deploy' }),
      session: null,
      facts: { provenance: buildProvenance({ considered: [buildConsidered()] }) },
    });
    expect(completenessGaps(ctx)).toEqual([]);
  });

  it('is not satisfied by a candidate whose jobs were not read, nor by a token used after its job', () => {
    const unread = buildConsidered(buildPipeline({ id: 77 }), [], {
      jobs: { status: 'unavailable', detail: 'timeout' },
      relation: null,
    });
    const late = buildConsidered(
      buildPipeline(),
      [buildJob({ startedAt: '2025-04-16T03:20:00Z', finishedAt: '2025-04-16T03:22:00Z' })],
      { named: true },
    );
    // The unread pipeline may have been the one running: the late one's token cannot stand in for it.
    const gaps = completenessGaps(
      buildCheckContext({ facts: { provenance: buildProvenance({ considered: [late, unread] }) } }),
    );
    expect(gaps).toEqual(
      expect.arrayContaining([
        'the jobs of pipeline 77 were not read',
        'no minting pipeline was established (the jobs of pipeline 77 could not be read (timeout))',
      ]),
    );
    const onlyLate = completenessGaps(
      buildCheckContext({ facts: { provenance: buildProvenance({ considered: [late] }) } }),
    );
    expect(onlyLate).toContain('the token was used after its job finished');
  });

  it('reports that GitLab-side checks did not run for an uncorrelated record', () => {
    expect(completenessGaps(buildCheckContext({ correlated: false }))).toEqual([
      'the GitLab-side checks did not run',
    ]);
  });
});
