import { CHECKS, CHECKS_BY_CODE, SAFETY_NET } from '../../../lib/core/checks';
import { FINDING_CODES } from '../../../lib/core/verdict';

describe('check registry', () => {
  it('has exactly one check per finding code', () => {
    const ids = [...CHECKS, SAFETY_NET].map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...FINDING_CODES].sort());
    expect(CHECKS_BY_CODE.size).toBe(FINDING_CODES.length);
  });

  it('gives every check its metadata: title, description, runbook and an https reference', () => {
    for (const c of [...CHECKS, SAFETY_NET]) {
      expect(c.title.length).toBeGreaterThan(10);
      expect(c.description.length).toBeGreaterThan(40);
      expect(c.runbook.length).toBeGreaterThan(0);
      expect(c.reference).toMatch(/^https:\/\//);
    }
  });

  it('marks the could-not-tell checks unverified and the rest alert', () => {
    const unverified = [...CHECKS, SAFETY_NET]
      .filter((c) => c.class === 'unverified')
      .map((c) => c.id)
      .sort();
    expect(unverified).toEqual([
      'CANDIDATES_OVER_BUDGET',
      'CHECKS_INCOMPLETE',
      'GITLAB_UNAVAILABLE',
      'JOB_FACTS_UNVERIFIED',
      'REF_TYPE_UNKNOWN',
      'SESSION_NAME_UNPARSED',
      'UPSTREAM_UNRESOLVED',
    ]);
  });
});
