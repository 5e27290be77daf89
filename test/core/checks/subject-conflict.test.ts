import { check } from '../../../lib/core/checks/subject-conflict';
import { buildAssumption, buildCheckContext } from '../../support/assumptions';

describe('SUBJECT_CONFLICT', () => {
  it('reports nothing when the record carries one sub', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('alerts when userName and subjectFromWebIdentityToken disagree, naming both', () => {
    const assumption = buildAssumption({
      subjectConflict: 'project_path:acme/deploy:ref_type:branch:ref:feature/x',
    });
    const [f] = check.evaluate(buildCheckContext({ assumption }));
    expect(f).toMatchObject({ code: 'SUBJECT_CONFLICT', class: 'alert', severity: 'high' });
    expect(f?.message).toContain('ref:main');
    expect(f?.message).toContain('ref:feature/x');
  });
});
