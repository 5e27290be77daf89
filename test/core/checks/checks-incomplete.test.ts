import { check, completenessGaps } from '../../../lib/core/checks/checks-incomplete';
import { buildAssumption, buildCheckContext } from '../../support/assumptions';

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
        facts: { projectId: null },
      }),
    );
    expect(gaps).toEqual(
      expect.arrayContaining(["the token's project was not resolved", 'the session name was not parsed']),
    );
  });

  it('reports that GitLab-side checks did not run for an uncorrelated record', () => {
    expect(completenessGaps(buildCheckContext({ correlated: false }))).toEqual([
      'the GitLab-side checks did not run',
    ]);
  });
});
