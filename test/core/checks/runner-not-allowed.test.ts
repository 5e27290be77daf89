import { check } from '../../../lib/core/checks/runner-not-allowed';
import { buildJob, requirementContext } from './job-requirements.fixtures';

describe('RUNNER_NOT_ALLOWED', () => {
  it('reports nothing for the dedicated project runner', () => {
    expect(check.evaluate(requirementContext({ runnerIds: [51], sharedRunners: false }))).toEqual([]);
  });

  it('alerts when the minting job ran on a shared runner and the role forbids them', () => {
    const shared = buildJob({
      runner: { id: 9, description: 'shared', name: null, isShared: true, runnerType: 'instance_type' },
    });
    const [f] = check.evaluate(requirementContext({ sharedRunners: false }, {}, [shared]));
    expect(f).toMatchObject({ code: 'RUNNER_NOT_ALLOWED', class: 'alert' });
    expect(f?.message).toContain('shared runner 9');
  });

  it('alerts on a runner id or type outside the allowed ones', () => {
    expect(check.evaluate(requirementContext({ runnerIds: [52] }))[0]?.message).toContain('runner 51');
    expect(check.evaluate(requirementContext({ runnerTypes: ['group_type'] }))[0]?.message).toContain(
      '"project_type"',
    );
  });

  it('does not alert when only one of two jobs running at the event fails (the minting job is unknown)', () => {
    const shared = buildJob({
      id: 9_001,
      runner: { id: 9, description: null, name: null, isShared: true, runnerType: 'instance_type' },
    });
    expect(check.evaluate(requirementContext({ sharedRunners: false }, {}, [buildJob(), shared]))).toEqual(
      [],
    );
  });
});
